"""Reads of people and organizations, as chainable queryset verbs."""

from __future__ import annotations

from django.db import models


def squash(name: str) -> str:
    """`name` with runs of whitespace squashed to one space and no ends."""
    return " ".join((name or "").split())


class NamedQuerySet(models.QuerySet):
    """Name matching shared by every model that is found by its name."""

    def named(self, name: str):
        """Rows whose name is `name`, whitespace squashed, regardless of case."""
        return self.filter(name__iexact=squash(name))


class PersonQuerySet(NamedQuerySet):
    pass


class OrganizationQuerySet(NamedQuerySet):
    pass


class RoleQuerySet(models.QuerySet):
    def titled(self, title: str):
        """Roles whose title is `title`, whitespace squashed, regardless of case."""
        return self.filter(title__iexact=squash(title))
