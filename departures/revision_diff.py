"""A revision, field by field, in words: labels rather than codes, dates at
their precision, people and organizations by name."""

from __future__ import annotations

from dataclasses import dataclass

from departures.models import Departure, DepartureRevision
from departures.revisions import revision_applied

# (label, how to show it) in the order of the change form.
_DATES = {"announced": "Announced", "effective": "Effective"}


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str


def _text(departure: Departure, name: str) -> str:
    field = Departure._meta.get_field(name)
    value = getattr(departure, name)
    if value is None or value == "":
        return "—"
    if field.choices:
        return str(getattr(departure, f"get_{name}_display")())
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value)


def _rows(departure: Departure) -> list[tuple[str, str]]:
    rows = [("Role", str(departure.role))]
    for name, label in _DATES.items():
        partial = getattr(departure, name)
        rows.append((label, str(partial) if partial else "—"))
    for name in Departure.FACTS:
        label = str(Departure._meta.get_field(name).verbose_name)
        rows.append((label[:1].upper() + label[1:], _text(departure, name)))
    rows.append(("Tags", ", ".join(t.name for t in departure.tags.all()) or "—"))
    rows.append(
        (
            "Sources",
            "; ".join(
                f"{c.source}" + (f" — “{c.quote}”" if c.quote else "")
                for c in departure.citations.all()
            )
            or "—",
        )
    )
    return rows


def revision_changes(revision: DepartureRevision) -> list[Change]:
    """What approving `revision` would change on the departure as it is now."""
    current = Departure.objects.select_related(
        "role__person", "role__organization", "destination", "successor"
    ).get(pk=revision.departure_id)
    before = _rows(current)
    after = _rows(revision_applied(revision))
    return [
        Change(label, old, new)
        for (label, old), (_, new) in zip(before, after, strict=True)
        if old != new
    ]
