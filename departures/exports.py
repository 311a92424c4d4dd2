"""The CSV of departures: its columns, once, for the view, the docs and the tests.

Rows are read with one query whatever their number: tags and source URLs are
aggregated in the database (no per-chunk prefetch), and the rows stream from
`.iterator()`, so memory stays flat at any size.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.db.models import Aggregate, CharField, OuterRef, QuerySet, Subquery
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import slugify

from departures.models import Citation, Departure

# Between aggregated values in the database; never in a tag name or a URL.
_SEPARATOR = "\x1f"
# OWASP (ASVS 1.2.10): a spreadsheet runs a cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CHUNK_SIZE = 500


@dataclass(frozen=True)
class Column:
    name: str
    meaning: str


COLUMNS = [
    Column("id", "The departure's number; stable."),
    Column("url", "The departure's page."),
    Column("announced_on", "When it became public: YYYY, YYYY-MM or YYYY-MM-DD."),
    Column("announced_precision", "day, month or year: how much of it is known."),
    Column("effective_on", "When the person left the role, same format; may be empty."),
    Column("effective_precision", "day, month or year; empty with no date."),
    Column("person", "Who left."),
    Column("person_url", "Their page."),
    Column("organization", "The organization left."),
    Column("organization_url", "Its page."),
    Column("role_title", "The title as written by the organization."),
    Column("seniority", "board, c_suite, vp, head, lead or staff."),
    Column(
        "function",
        "executive, research, safety, policy, product, engineering, "
        "go_to_market, operations or other.",
    ),
    Column("founder", "true or false: the role left was a founder's."),
    Column("reason", "The reason category (see /about/)."),
    Column(
        "voluntary",
        "true, false (involuntary: ousted, died, or health or "
        "personal reasons the sources say were not chosen) or undisclosed "
        "(reason undisclosed).",
    ),
    Column("stated_reason", "In the words of the person or the organization."),
    Column("context", "What others reported about why."),
    Column("disputed", "true or false: sources conflict on a fact."),
    Column("destination", "Where they went next; may be empty."),
    Column("destination_title", "Their title there."),
    Column("successor", "Who took over, when named."),
    Column("status", "rumored, reported or confirmed."),
    Column("reversed_on", "YYYY-MM-DD when the departure was undone; may be empty."),
    Column("tags", "Theme names, in alphabetical order, separated by “; ”."),
    Column("source_urls", "The sources' URLs, separated by a space."),
    Column("disputed_note", "What the sources disagree on."),
    Column("reversal_note", "How the departure was undone."),
]
HEADER = [column.name for column in COLUMNS]


class _Joined(Aggregate):
    """Values of a group joined by _SEPARATOR (STRING_AGG or GROUP_CONCAT)."""

    function = "STRING_AGG"
    template = "%(function)s(%(expressions)s, '" + _SEPARATOR + "')"
    output_field = CharField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler, connection, function="GROUP_CONCAT", **extra_context
        )


def _joined(queryset: QuerySet, field: str) -> Subquery:
    return Subquery(
        queryset.filter(departure=OuterRef("pk"))
        .order_by()
        .values("departure")
        .annotate(joined=_Joined(field))
        .values("joined"),
        output_field=CharField(),
    )


_ROW_FIELDS = [
    *(
        f.name
        for f in Departure._meta.concrete_fields
        if f.name not in ("published_at", "created_by", "created_at", "updated_at")
    ),
    *(f"role__{name}" for name in ("title", "seniority", "function", "is_founder")),
    "role__person__name",
    "role__person__slug",
    "role__organization__name",
    "role__organization__slug",
    "destination__name",
    "successor__name",
]


def export_rows(queryset: QuerySet) -> Iterator[Departure]:
    """The departures of `queryset` with everything a row shows, in one query."""
    return (
        queryset.select_related(
            "role__person", "role__organization", "destination", "successor"
        )
        # Only what a row shows: a third of the columns, and no timestamps to
        # convert. (A deferred field read in row() would cost a query per row;
        # the query-count test would see it.)
        .only(*_ROW_FIELDS)
        .annotate(
            tag_names=_joined(Departure.tags.through.objects, "tag__name"),
            source_urls=_joined(Citation.objects, "source__url"),
        )
        .iterator(chunk_size=CHUNK_SIZE)
    )


def voluntary(departure: Departure) -> str:
    """The `voluntary` filter's value for `departure`."""
    if departure.reason == Departure.Reason.UNDISCLOSED:
        return "undisclosed"
    return "false" if departure.is_involuntary else "true"


def _split(joined: str | None) -> list[str]:
    return sorted(joined.split(_SEPARATOR)) if joined else []


def _bool(value: bool) -> str:
    return "true" if value else "false"


def _iso(partial) -> str:
    return partial.isoformat() if partial else ""


class _Urls:
    """Absolute URLs from one reverse() per kind: reverse() per row would cost
    more than the rest of the row."""

    _PK, _SLUG = 987654321, "slug-placeholder"

    def __init__(self, base: str):
        base = base.rstrip("/")
        keys = {"pk": self._PK, "slug": self._SLUG}
        self._departure = base + reverse("departures:detail", kwargs=keys)
        self._person = base + reverse(
            "people:person-detail", kwargs={"slug": self._SLUG}
        )
        self._organization = base + reverse(
            "people:organization-detail", kwargs={"slug": self._SLUG}
        )

    def departure(self, departure: Departure) -> str:
        return self._departure.replace(str(self._PK), str(departure.pk)).replace(
            self._SLUG, departure.slug
        )

    def person(self, slug: str) -> str:
        return self._person.replace(self._SLUG, slug)

    def organization(self, slug: str) -> str:
        return self._organization.replace(self._SLUG, slug)


def row(departure: Departure, urls: _Urls) -> list[str]:
    role = departure.role
    person, organization = role.person, role.organization
    return [
        str(departure.pk),
        urls.departure(departure),
        departure.announced.isoformat(),
        departure.announced_precision,
        _iso(departure.effective),
        departure.effective_precision,
        person.name,
        urls.person(person.slug),
        organization.name,
        urls.organization(organization.slug),
        role.title,
        role.seniority,
        role.function,
        _bool(role.is_founder),
        departure.reason,
        voluntary(departure),
        departure.stated_reason,
        departure.context,
        _bool(departure.is_disputed),
        departure.destination.name if departure.destination else "",
        departure.destination_title,
        departure.successor.name if departure.successor else "",
        departure.status,
        departure.reversed_on.isoformat() if departure.reversed_on else "",
        "; ".join(_split(departure.tag_names)),
        " ".join(_split(departure.source_urls)),
        departure.disputed_note,
        departure.reversal_note,
    ]


def defuse(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with `'`."""
    return "'" + cell if cell.startswith(FORMULA_STARTS) else cell


class _Echo:
    """A file-like object whose write() hands the line back to the caller."""

    def write(self, value: str) -> str:
        return value


def csv_lines(departures: Iterable[Departure], *, base_url: str) -> Iterator[str]:
    """The header, then one RFC 4180 line (CRLF) per departure."""
    writer = csv.writer(_Echo(), lineterminator="\r\n")
    urls = _Urls(base_url)
    yield writer.writerow(HEADER)
    for departure in departures:
        yield writer.writerow([defuse(cell) for cell in row(departure, urls)])


def filename(params: QueryDict, *, names: Iterable[str]) -> str:
    """`departures-organization-openai-reason-ousted.csv`: the filter, in the
    contract's order, as a safe file name."""
    parts = ["departures"]
    for name in names:
        for value in params.getlist(name):
            if value.strip():
                parts += [name, slugify(value)[:40] or "x"]
    stem = "-".join(parts)[:150].strip("-")
    return f"{stem}.csv"
