"""Merging people and organizations that turned out to be the same.

Merging moves departures, so it lives in the departures app; the people admin
calls it (its merge actions), the one place people reaches into departures.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from departures.models import Departure
from departures.services import _save, departure_merge
from people.models import (
    Organization,
    OrganizationRedirect,
    Person,
    PersonRedirect,
    Role,
)


def _fill_blanks(survivor, loser, fields: Sequence[str]) -> None:
    """Copy what the survivor lacks from the loser; the survivor's values win."""
    for name in fields:
        if not getattr(survivor, name) and getattr(loser, name):
            setattr(survivor, name, getattr(loser, name))


def _losers(survivor, merged: Sequence) -> list:
    losers = [m for m in merged if m.pk != survivor.pk]
    if not losers:
        raise ValidationError("Choose at least one other record to merge.")
    return losers


def role_merge(
    *, survivor: Role, merged: Role, actor: AbstractBaseUser | None = None
) -> Role:
    """Move `merged`'s departures onto `survivor` and delete `merged`."""
    for departure in merged.departures.order_by("id"):
        twin = survivor.departures.filter(announced_on=departure.announced_on).first()
        if twin is None:
            departure.role = survivor
            _save(departure, actor)
        else:
            departure_merge(survivor=twin, merged=departure, actor=actor)
    _fill_blanks(
        survivor, merged, ["start_on", "start_precision", "end_on", "end_precision"]
    )
    survivor.is_founder = survivor.is_founder or merged.is_founder
    _save(survivor, actor)
    merged._history_user = actor
    merged._change_reason = f"Merged into role {survivor.pk}"
    merged.delete()
    return survivor


def _move_role(
    role: Role, *, twin: Role | None, actor: AbstractBaseUser | None, **values
) -> None:
    if twin is None:
        for key, value in values.items():
            setattr(role, key, value)
        _save(role, actor)
    else:
        role_merge(survivor=twin, merged=role, actor=actor)


def _retire(loser, survivor, redirect_model, field: str, actor) -> None:
    """Point `loser`'s old slug (and any it had inherited) at `survivor`, then
    delete it, recording the merge in its history."""
    redirect_model.objects.filter(**{field: loser}).update(**{field: survivor})
    redirect_model.objects.create(
        old_slug=loser.slug, old_name=loser.name, **{field: survivor}
    )
    loser._history_user = actor
    loser._change_reason = f"Merged into {survivor} ({survivor.slug})"
    loser.delete()


@transaction.atomic
def person_merge(
    *,
    survivor: Person,
    merged: Sequence[Person],
    actor: AbstractBaseUser | None = None,
) -> Person:
    """Merge `merged` people into `survivor`: roles, departures and successions
    move over, blanks are filled in, and the merged-away slugs redirect."""
    losers = _losers(survivor, merged)
    survivor._change_reason = "Merged " + ", ".join(
        f"{loser} ({loser.slug})" for loser in losers
    )
    for loser in losers:
        for role in loser.roles.select_related("organization").order_by("id"):
            twin = (
                survivor.roles.filter(organization=role.organization)
                .titled(role.title)
                .order_by("id")
                .first()
            )
            _move_role(role, twin=twin, actor=actor, person=survivor)
        for departure in Departure.objects.filter(successor=loser):
            departure.successor = survivor
            _save(departure, actor)
        _fill_blanks(survivor, loser, ["bio", "wikidata_id"])
        links = survivor.link_list + [
            link for link in loser.link_list if link not in survivor.link_list
        ]
        survivor.links = "\n".join(links)
        _retire(loser, survivor, PersonRedirect, "person", actor)
    _save(survivor, actor)
    return survivor


@transaction.atomic
def organization_merge(
    *,
    survivor: Organization,
    merged: Sequence[Organization],
    actor: AbstractBaseUser | None = None,
) -> Organization:
    """Merge `merged` organizations into `survivor`: roles, departures and
    arrivals move over, blanks are filled in, and the old slugs redirect."""
    losers = _losers(survivor, merged)
    survivor._change_reason = "Merged " + ", ".join(
        f"{loser} ({loser.slug})" for loser in losers
    )
    for loser in losers:
        for role in loser.roles.select_related("person").order_by("id"):
            twin = (
                survivor.roles.filter(person=role.person)
                .titled(role.title)
                .order_by("id")
                .first()
            )
            _move_role(role, twin=twin, actor=actor, organization=survivor)
        for departure in Departure.objects.filter(destination=loser):
            departure.destination = survivor
            _save(departure, actor)
        _fill_blanks(survivor, loser, ["website", "wikidata_id", "description"])
        _retire(loser, survivor, OrganizationRedirect, "organization", actor)
    _save(survivor, actor)
    return survivor
