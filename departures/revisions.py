"""Reviewed changes to published departures (README: "Review of changes").

A save of a published departure by someone without `publish_departure` does
not touch the departure: it becomes a pending `DepartureRevision` holding the
whole proposed record (fields, tag ids, citations). A publisher approves it,
which applies it through `revision_approve`, or rejects it with a comment.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from departures.models import Citation, Departure, DepartureRevision, Source, Tag
from departures.permissions import can_publish

# The departure's own fields a revision may change, by attribute name.
REVIEWED_FIELDS = [
    "role_id",
    "announced_on",
    "announced_precision",
    "effective_on",
    "effective_precision",
    *(Departure._meta.get_field(name).attname for name in Departure.FACTS),
]
NO_SOURCE = "A departure needs at least one source before it can be published."


def needs_review(departure: Departure, actor: AbstractBaseUser | None) -> bool:
    """Whether `actor`'s change to `departure` must wait for a publisher: it is
    published (as stored) and they may not publish. No actor means the command
    line, which is trusted."""
    if actor is None or can_publish(actor) or departure.pk is None:
        return False
    return Departure.objects.published().filter(pk=departure.pk).exists()


def departure_assert_sourced(departure: Departure) -> None:
    """The invariant: a published departure has at least one citation."""
    stored = Departure.objects.filter(pk=departure.pk).values("published_at").first()
    if stored and stored["published_at"] and not departure.citations.exists():
        raise ValidationError(NO_SOURCE + " Add another source first, or unpublish it.")


def _json(value):
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def snapshot(departure: Departure) -> dict:
    """The departure's reviewed fields as JSON-ready values."""
    return {name: _json(getattr(departure, name)) for name in REVIEWED_FIELDS}


def revision_propose(
    *,
    departure: Departure,
    fields: Departure,
    tags: Iterable[Tag | int],
    citations: Iterable[tuple[Source | int, str]],
    actor: AbstractBaseUser | None,
) -> DepartureRevision:
    """Keep `fields` (a departure object carrying the proposed values), `tags`
    and `citations` as a pending revision of `departure`, which is left as is."""
    fields.full_clean(validate_unique=False)
    latest = departure.history.order_by("-history_id").first()
    return DepartureRevision.objects.create(
        departure=departure,
        values={
            "fields": snapshot(fields),
            "tags": sorted({getattr(t, "pk", t) for t in tags}),
            "citations": [
                {"source": getattr(source, "pk", source), "quote": quote}
                for source, quote in citations
            ],
        },
        base_history_id=latest.history_id if latest else None,
        created_by=actor,
    )


def current_values(departure: Departure) -> dict:
    return {
        "fields": snapshot(departure),
        "tags": sorted(departure.tags.values_list("pk", flat=True)),
        "citations": [
            {"source": c.source_id, "quote": c.quote}
            for c in departure.citations.order_by("id")
        ],
    }


def revision_is_empty(revision: DepartureRevision) -> bool:
    """Whether the revision proposes exactly the departure as it is."""
    departure = Departure.objects.get(pk=revision.departure_id)
    return revision.values == current_values(departure)


def revision_applied(revision: DepartureRevision) -> Departure:
    """The departure with the revision's values set, in memory only: for the
    diff and the preview. Tags and citations are served from the prefetch
    cache, so `departure.tags.all()` shows the proposed ones."""
    departure = Departure.objects.select_related(
        "role__person", "role__organization"
    ).get(pk=revision.departure_id)
    for name, value in revision.values["fields"].items():
        field = Departure._meta.get_field(name.removesuffix("_id"))
        setattr(departure, name, None if value is None else field.to_python(value))
    proposed = revision.values["citations"]
    sources = Source.objects.in_bulk([c["source"] for c in proposed])
    departure._prefetched_objects_cache = {
        "tags": list(Tag.objects.filter(pk__in=revision.values["tags"])),
        "citations": [
            Citation(departure=departure, source=sources[c["source"]], quote=c["quote"])
            for c in proposed
            if c["source"] in sources
        ],
    }
    return departure


@transaction.atomic
def revision_approve(
    *, revision: DepartureRevision, actor: AbstractBaseUser
) -> Departure:
    """Apply a pending revision: it goes live, recorded in the history with who
    proposed and who approved it."""
    if not can_publish(actor):
        raise PermissionDenied("Approving a change needs the publish permission.")
    revision = DepartureRevision.objects.select_for_update().get(pk=revision.pk)
    if not revision.is_pending:
        raise ValidationError("This change was already reviewed.")
    departure = Departure.objects.select_for_update().get(pk=revision.departure_id)
    proposed = revision_applied(revision)
    for name in REVIEWED_FIELDS:
        setattr(departure, name, getattr(proposed, name))
    departure.full_clean()
    departure._history_user = actor
    departure._change_reason = (
        f"Change {revision.pk} by {revision.created_by or 'unknown'}, "
        f"approved by {actor}"
    )
    departure.save()
    departure.tags.set(revision.values["tags"])
    wanted = {c["source"]: c["quote"] for c in revision.values["citations"]}
    for citation in departure.citations.all():
        if citation.source_id not in wanted:
            citation._history_user = actor
            citation.delete()
        elif citation.quote != wanted[citation.source_id]:
            citation.quote = wanted[citation.source_id]
            citation._history_user = actor
            citation.save()
    have = set(departure.citations.values_list("source_id", flat=True))
    for source_id, quote in wanted.items():
        if source_id not in have:
            citation = Citation(departure=departure, source_id=source_id, quote=quote)
            citation.full_clean()
            citation._history_user = actor
            citation.save()
    departure_assert_sourced(departure)
    revision.status = DepartureRevision.Status.APPROVED
    revision.reviewed_by = actor
    revision.reviewed_at = timezone.now()
    revision.save()
    return departure


def revision_reject(
    *, revision: DepartureRevision, actor: AbstractBaseUser, comment: str
) -> DepartureRevision:
    """Turn a pending revision down; the comment is shown to its author."""
    if not can_publish(actor):
        raise PermissionDenied("Rejecting a change needs the publish permission.")
    if not comment.strip():
        raise ValidationError({"comment": "Say why, for the editor."})
    with transaction.atomic():
        revision = DepartureRevision.objects.select_for_update().get(pk=revision.pk)
        if not revision.is_pending:
            raise ValidationError("This change was already reviewed.")
        revision.status = DepartureRevision.Status.REJECTED
        revision.reviewed_by = actor
        revision.reviewed_at = timezone.now()
        revision.comment = comment.strip()
        revision.save()
    return revision
