"""Reads of people, organizations and roles, as chainable queryset verbs.

`public()` is the one rule for what readers may see (README, "What is
public"): a person, organization or role is public only through a published
departure that shows it. Published-ness itself is `DepartureQuerySet.published()`;
the departures model is looked up through the app registry because the
dependency between the apps runs departures → people.
"""

from __future__ import annotations

from django.apps import apps
from django.db import models
from django.db.models import Exists, OuterRef


def squash(name: str) -> str:
    """`name` with runs of whitespace squashed to one space and no ends."""
    return " ".join((name or "").split())


def published_departures():
    """`Departure.objects.published()`, without importing the departures app."""
    return apps.get_model("departures", "Departure").objects.published()


class NamedQuerySet(models.QuerySet):
    """Name matching shared by every model that is found by its name."""

    def named(self, name: str):
        """Rows whose name is `name`, whitespace squashed, regardless of case."""
        return self.filter(name__iexact=squash(name))


class PersonQuerySet(NamedQuerySet):
    def public(self):
        """People who left in, or succeeded to, a published departure."""
        departures = published_departures()
        return self.filter(
            Exists(departures.filter(person=OuterRef("pk")))
            | Exists(departures.filter(successor=OuterRef("pk")))
        )


class OrganizationQuerySet(NamedQuerySet):
    def public(self):
        """Organizations left in, or gone to by, a published departure."""
        departures = published_departures()
        return self.filter(
            Exists(departures.filter(organization=OuterRef("pk")))
            | Exists(departures.filter(destination=OuterRef("pk")))
        )


class RoleQuerySet(models.QuerySet):
    def titled(self, title: str):
        """Roles whose title is `title`, whitespace squashed, regardless of case."""
        return self.filter(title__iexact=squash(title))

    def public(self):
        """Roles a published departure left."""
        return self.filter(Exists(published_departures().filter(role=OuterRef("pk"))))
