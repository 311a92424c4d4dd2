"""Writes that span models. Everything that records departures comes here."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import models, transaction
from django.utils import timezone

from departures.models import Citation, Departure, DepartureRedirect, Source, Tag
from departures.normalization import normalize_url
from departures.permissions import can_publish
from departures.revisions import (
    departure_assert_sourced,
    needs_review,
    revision_is_empty,
    revision_propose,
)
from people.dates import PartialDate
from people.models import Organization, Person, Role, unique_slug


@dataclass(frozen=True)
class SourceInput:
    url: str
    title: str = ""
    publisher: str = ""
    published: PartialDate | None = None
    kind: str = Source.Kind.PRESS
    quote: str = ""
    archived_url: str = ""
    accessed_on: datetime.date | None = None


def _save(obj: models.Model, actor: AbstractBaseUser | None) -> None:
    obj.full_clean()
    if actor is not None:
        obj._history_user = actor  # read by django-simple-history
    obj.save()


def _update(obj: models.Model, values: dict, actor: AbstractBaseUser | None) -> bool:
    """Set `values` on `obj` and save it only if something changed."""
    changed = {k: v for k, v in values.items() if getattr(obj, k) != v}
    if not changed:
        return False
    for key, value in changed.items():
        setattr(obj, key, value)
    _save(obj, actor)
    return True


def organization_get_or_create(
    *, name: str, actor: AbstractBaseUser | None = None
) -> Organization:
    name = " ".join(name.split())
    organization = Organization.objects.filter(name__iexact=name).first()
    if organization is None:
        organization = Organization(name=name, slug=unique_slug(Organization, name))
        _save(organization, actor)
    return organization


def person_get_or_create(*, name: str, actor: AbstractBaseUser | None = None) -> Person:
    name = " ".join(name.split())
    person = Person.objects.filter(name__iexact=name).order_by("id").first()
    if person is None:
        person = Person(name=name, slug=unique_slug(Person, name))
        _save(person, actor)
    return person


def tag_get_or_create(*, name: str, actor: AbstractBaseUser | None = None) -> Tag:
    name = " ".join(name.split())
    tag = Tag.objects.filter(name__iexact=name).first()
    if tag is None:
        tag = Tag(name=name, slug=unique_slug(Tag, name))
        _save(tag, actor)
    return tag


def _may_change_public(actor: AbstractBaseUser | None) -> bool:
    """Whether `actor` may change a record a published page shows: publishers,
    and the command line (no actor)."""
    return actor is None or can_publish(actor)


def source_get_or_create(
    *,
    source: SourceInput,
    actor: AbstractBaseUser | None = None,
    live: bool | None = None,
) -> Source:
    """Find the source by normalized URL, filling in what it lacks; or create it.

    A source a published departure cites is what readers see on that page, so
    it is updated only when `live` (the change goes on a published page at once,
    by someone who may publish; default: whether `actor` may publish). Otherwise
    it is reused as stored: a draft, or an editor's change awaiting review,
    never rewrites a published page. A publisher edits the source itself."""
    if live is None:
        live = _may_change_public(actor)
    url = normalize_url(source.url)
    values = {
        "title": source.title,
        "publisher": source.publisher,
        "published_on": source.published.start if source.published else None,
        "published_precision": source.published.precision if source.published else "",
        "kind": source.kind,
        "archived_url": source.archived_url,
        "accessed_on": source.accessed_on,
    }
    existing = Source.objects.filter(url=url).first()
    if existing is None:
        created = Source(url=url, **values)
        _save(created, actor)
        return created
    if not live and Source.objects.public().filter(pk=existing.pk).exists():
        return existing
    # Given values win; blanks never erase what an editor already entered.
    _update(existing, {k: v for k, v in values.items() if v}, actor)
    return existing


def role_get_or_create(
    *,
    person: Person,
    organization: Organization,
    title: str,
    seniority: str,
    function: str,
    is_founder: bool = False,
    start: PartialDate | None = None,
    end: PartialDate | None = None,
    actor: AbstractBaseUser | None = None,
) -> Role:
    """Reuse the person's role with this title at this organization, or create it."""
    title = " ".join(title.split())
    values = {"seniority": seniority, "function": function, "is_founder": is_founder}
    for name, value in (("start", start), ("end", end)):
        if value is not None:
            values[f"{name}_on"] = value.start
            values[f"{name}_precision"] = value.precision
    role = (
        Role.objects.filter(person=person, organization=organization)
        .filter(title__iexact=title)
        .order_by("id")
        .first()
    )
    if role is None:
        role = Role(person=person, organization=organization, title=title, **values)
        _save(role, actor)
    elif (
        _may_change_public(actor)
        or not Role.objects.public().filter(pk=role.pk).exists()
    ):
        # A role a published departure shows is changed by publishers only
        # (README, "What is public"); others reuse it as stored.
        _update(role, values, actor)
    return role


@transaction.atomic
def departure_record(
    *,
    person: Person | str,
    organization: Organization | str,
    role_title: str,
    announced: PartialDate,
    seniority: str = Role.Seniority.C_SUITE,
    function: str = Role.Function.EXECUTIVE,
    is_founder: bool = False,
    role_start: PartialDate | None = None,
    role_end: PartialDate | None = None,
    effective: PartialDate | None = None,
    reason: str = Departure.Reason.UNDISCLOSED,
    is_involuntary: bool = False,
    stated_reason: str = "",
    context: str = "",
    is_disputed: bool = False,
    disputed_note: str = "",
    destination: Organization | str | None = None,
    destination_title: str = "",
    successor: Person | str | None = None,
    status: str = Departure.Status.REPORTED,
    reversed_on: datetime.date | None = None,
    reversal_note: str = "",
    tags: Sequence[str] = (),
    sources: Sequence[SourceInput] = (),
    published: bool | None = None,
    actor: AbstractBaseUser | None = None,
) -> Departure:
    """Record a departure, creating or reusing everything it refers to.

    People, organizations, tags and sources are matched by name or normalized
    URL regardless of case; the departure itself by its role and announced date,
    so recording the same facts twice changes nothing. `published` True
    publishes, False unpublishes, None leaves a recorded departure as it is
    (a new one starts as a draft). Everything happens in one transaction.
    """
    if isinstance(person, str):
        person = person_get_or_create(name=person, actor=actor)
    if isinstance(organization, str):
        organization = organization_get_or_create(name=organization, actor=actor)
    if isinstance(destination, str):
        destination = (
            organization_get_or_create(name=destination, actor=actor)
            if destination.strip()
            else None
        )
    if isinstance(successor, str):
        successor = (
            person_get_or_create(name=successor, actor=actor)
            if successor.strip()
            else None
        )
    role = role_get_or_create(
        person=person,
        organization=organization,
        title=role_title,
        seniority=seniority,
        function=function,
        is_founder=is_founder,
        start=role_start,
        end=role_end,
        actor=actor,
    )
    values = {
        "announced_precision": announced.precision,
        "effective_on": effective.start if effective else None,
        "effective_precision": effective.precision if effective else "",
        "reason": reason,
        "is_involuntary": is_involuntary or reason in Departure.ALWAYS_INVOLUNTARY,
        "stated_reason": stated_reason.strip(),
        "context": context.strip(),
        "is_disputed": is_disputed,
        "disputed_note": disputed_note.strip(),
        "destination": destination,
        "destination_title": destination_title.strip(),
        "successor": successor,
        "status": status,
        "reversed_on": reversed_on,
        "reversal_note": reversal_note.strip(),
    }
    departure = Departure.objects.filter(
        role=role, announced_on=announced.start
    ).first()
    if departure is None:
        departure = Departure(
            role=role, announced_on=announced.start, created_by=actor, **values
        )
        _save(departure, actor)
    elif needs_review(departure, actor):
        return _propose_recorded(departure, values, tags, sources, actor)
    else:
        _update(departure, values, actor)
    live = _may_change_public(actor) and (
        published is True or (published is None and departure.is_published)
    )

    tag_objects = [
        tag_get_or_create(name=name, actor=actor) for name in tags if name.strip()
    ]
    if {t.pk for t in tag_objects} - set(departure.tags.values_list("pk", flat=True)):
        departure.tags.add(*tag_objects)

    for source_input in sources:
        source = source_get_or_create(source=source_input, actor=actor, live=live)
        citation = Citation.objects.filter(departure=departure, source=source).first()
        if citation is None:
            _save(
                Citation(departure=departure, source=source, quote=source_input.quote),
                actor,
            )
        elif source_input.quote:
            _update(citation, {"quote": source_input.quote}, actor)

    if published is True:
        departure_publish(departure=departure, actor=actor)
    elif published is False:
        departure_unpublish(departure=departure, actor=actor)
    return departure


def _propose_recorded(
    departure: Departure,
    values: dict,
    tags: Sequence[str],
    sources: Sequence[SourceInput],
    actor: AbstractBaseUser,
) -> Departure:
    """The one point where recording over a published departure by someone who
    may not publish becomes a pending revision instead of a change: the
    departure, its tags and citations stay as published until approved."""
    proposed = Departure.objects.get(pk=departure.pk)
    for key, value in values.items():
        setattr(proposed, key, value)
    tag_ids = set(departure.tags.values_list("pk", flat=True))
    tag_ids |= {tag_get_or_create(name=n, actor=actor).pk for n in tags if n.strip()}
    citations = {c.source_id: c.quote for c in departure.citations.order_by("id")}
    for source_input in sources:
        source = source_get_or_create(source=source_input, actor=actor, live=False)
        if source_input.quote or source.pk not in citations:
            citations[source.pk] = source_input.quote or citations.get(source.pk, "")
    revision = revision_propose(
        departure=departure,
        fields=proposed,
        tags=tag_ids,
        citations=citations.items(),
        actor=actor,
    )
    if revision_is_empty(revision):
        revision.delete()  # recording the same facts again proposes nothing
    return departure


def _check_may_publish(actor: AbstractBaseUser | None) -> None:
    if actor is not None and not can_publish(actor):
        raise PermissionDenied(
            "Publishing and unpublishing need the publish permission."
        )


def departure_publish(
    *, departure: Departure, actor: AbstractBaseUser | None = None
) -> Departure:
    """Publish a departure; one without a source cannot be published."""
    _check_may_publish(actor)
    if departure.is_published:
        return departure
    if not departure.citations.exists():
        raise ValidationError(
            "A departure needs at least one source before it can be published."
        )
    departure.published_at = timezone.now()
    _save(departure, actor)
    return departure


def departure_unpublish(
    *, departure: Departure, actor: AbstractBaseUser | None = None
) -> Departure:
    _check_may_publish(actor)
    if departure.is_published:
        departure.published_at = None
        _save(departure, actor)
    return departure


# Text and reference fields a merged-away departure may fill in on its survivor.
_MERGE_FILLS = [
    "effective_on",
    "effective_precision",
    "stated_reason",
    "context",
    "disputed_note",
    "destination",
    "destination_title",
    "successor",
    "reversed_on",
    "reversal_note",
]


@transaction.atomic
def departure_merge(
    *, survivor: Departure, merged: Departure, actor: AbstractBaseUser | None = None
) -> Departure:
    """Fold `merged` into `survivor`: its citations and tags move over, blanks are
    filled in, and `merged` is deleted. If either was published the survivor
    is: a merge must not take a sourced, public record off the site."""
    for citation in merged.citations.select_related("source"):
        twin = survivor.citations.filter(source=citation.source).first()
        if twin is None:
            citation.departure = survivor
            _save(citation, actor)
        elif citation.quote and not twin.quote:
            _update(twin, {"quote": citation.quote}, actor)
    new_tags = set(merged.tags.all()) - set(survivor.tags.all())
    if new_tags:
        survivor.tags.add(*new_tags)
    for name in _MERGE_FILLS:
        if not getattr(survivor, name) and getattr(merged, name):
            setattr(survivor, name, getattr(merged, name))
    survivor.is_disputed = survivor.is_disputed or merged.is_disputed
    if merged.is_published and not survivor.is_published:
        # Its citations came over with it, so the survivor is sourced.
        survivor.published_at = merged.published_at
    survivor._change_reason = f"Merged departure {merged.pk}"
    _save(survivor, actor)
    DepartureRedirect.objects.filter(departure=merged).update(departure=survivor)
    DepartureRedirect.objects.create(old_id=merged.pk, departure=survivor)
    merged._history_user = actor
    merged._change_reason = f"Merged into departure {survivor.pk}"
    merged.delete()
    departure_assert_sourced(survivor)
    return survivor
