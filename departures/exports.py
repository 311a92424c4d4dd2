"""The CSV of departures: its columns, once, for the view, the docs and the tests.

The rows are read as plain tuples (no model instances) from one query, a
chunk of CHUNK_SIZE at a time (`.iterator()`: a server-side cursor on
PostgreSQL); each chunk's tags and source URLs then come from one query each,
by the chunk's ids. So an export of n rows makes 1 + 2 * ceil(n / CHUNK_SIZE)
queries, memory holds one chunk whatever the total, and the CSV leaves one
chunk of lines at a time.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from itertools import islice

from django.db.models import QuerySet
from django.http import QueryDict
from django.urls import reverse
from django.utils.text import slugify

from departures.models import Citation, Departure
from people.dates import Precision

# OWASP (ASVS 1.2.10): a spreadsheet runs a cell starting with these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_STARTS = frozenset(FORMULA_STARTS)
# Rows per chunk: per fetch of the cursor, per query of tags and of sources,
# per piece of the response. The chunk's ids are the parameters of those two
# queries: under the 999 Django assumes SQLite takes (features.max_query_params).
CHUNK_SIZE = 900


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

# What a row shows, in the order row() unpacks it. The person, organization,
# seniority, function and founder flag are the departure's own copies of its
# role's (departures/database.py): no join through the role for them.
_ROW_FIELDS = (
    "pk",
    "announced_on",
    "announced_precision",
    "effective_on",
    "effective_precision",
    "person__name",
    "person__slug",
    "organization__name",
    "organization__slug",
    "role__title",
    "seniority",
    "function",
    "is_founder",
    "reason",
    "is_involuntary",
    "stated_reason",
    "context",
    "is_disputed",
    "destination__name",
    "destination_title",
    "successor__name",
    "status",
    "reversed_on",
    "disputed_note",
    "reversal_note",
)


@dataclass(frozen=True)
class Chunk:
    """Up to CHUNK_SIZE rows (tuples of _ROW_FIELDS), with the tag names and
    source URLs of their departures by id."""

    rows: list[tuple]
    tags: dict[int, list[str]]
    sources: dict[int, list[str]]


def _by_departure(pairs: Iterable[tuple[int, str]]) -> dict[int, list[str]]:
    grouped: dict[int, list[str]] = {}
    for departure_id, value in pairs:
        grouped.setdefault(departure_id, []).append(value)
    return grouped


def export_rows(queryset: QuerySet) -> Iterator[Chunk]:
    """The departures of `queryset` with everything a row shows, a chunk at a
    time: one query for the rows, then two per chunk (its tags, its sources).

    The tags and sources are those of the chunk's ids, which `queryset`
    chose: what it leaves out (drafts) is never looked up."""
    through = Departure.tags.through
    rows = queryset.values_list(*_ROW_FIELDS).iterator(chunk_size=CHUNK_SIZE)
    while chunk := list(islice(rows, CHUNK_SIZE)):
        ids = [row[0] for row in chunk]
        tags = through.objects.filter(departure_id__in=ids).order_by()
        sources = Citation.objects.filter(departure_id__in=ids).order_by()
        yield Chunk(
            chunk,
            _by_departure(tags.values_list("departure_id", "tag__name")),
            _by_departure(sources.values_list("departure_id", "source__url")),
        )


def voluntary(departure: Departure) -> str:
    """The `voluntary` filter's value for `departure`."""
    return _voluntary(departure.reason, departure.is_involuntary)


def _voluntary(reason: str, is_involuntary: bool) -> str:
    if reason == Departure.Reason.UNDISCLOSED:
        return "undisclosed"
    return "false" if is_involuntary else "true"


def _partial(day, precision: str) -> str:
    """A partial date as PartialDate.isoformat() writes it; empty for none."""
    if day is None:
        return ""
    if precision == Precision.YEAR:
        return f"{day.year:04d}"
    if precision == Precision.MONTH:
        return f"{day.year:04d}-{day.month:02d}"
    return day.isoformat()


class _Urls:
    """Absolute URLs from one reverse() per kind, cut around placeholders:
    reverse() per row would cost more than the rest of the row."""

    _PK, _SLUG = "987654321", "slug-placeholder"

    def __init__(self, base: str):
        base = base.rstrip("/")
        path = reverse("departures:detail", kwargs={"pk": self._PK, "slug": self._SLUG})
        before_pk, after_pk = path.split(self._PK)
        between, after_slug = after_pk.split(self._SLUG)
        self._departure = (base + before_pk, between, after_slug)
        self._person = self._around_slug(base, "people:person-detail")
        self._organization = self._around_slug(base, "people:organization-detail")

    def _around_slug(self, base: str, name: str) -> tuple[str, str]:
        before, after = reverse(name, kwargs={"slug": self._SLUG}).split(self._SLUG)
        return base + before, after

    def departure(self, pk: int, slug: str) -> str:
        before_pk, between, after_slug = self._departure
        return f"{before_pk}{pk}{between}{slug}{after_slug}"

    def person(self, slug: str) -> str:
        before, after = self._person
        return before + slug + after

    def organization(self, slug: str) -> str:
        before, after = self._organization
        return before + slug + after


def row(values: tuple, chunk: Chunk, urls: _Urls) -> list[str]:
    """The cells of one row of `chunk` (a tuple of _ROW_FIELDS), not yet defused."""
    (
        pk,
        announced_on,
        announced_precision,
        effective_on,
        effective_precision,
        person,
        person_slug,
        organization,
        organization_slug,
        title,
        seniority,
        function,
        is_founder,
        reason,
        is_involuntary,
        stated_reason,
        context,
        is_disputed,
        destination,
        destination_title,
        successor,
        status,
        reversed_on,
        disputed_note,
        reversal_note,
    ) = values
    return [
        str(pk),
        # Departure.slug, from the same names.
        urls.departure(pk, slugify(f"{person} {organization}")),
        _partial(announced_on, announced_precision),
        announced_precision,
        _partial(effective_on, effective_precision),
        effective_precision,
        person,
        urls.person(person_slug),
        organization,
        urls.organization(organization_slug),
        title,
        seniority,
        function,
        "true" if is_founder else "false",
        reason,
        _voluntary(reason, is_involuntary),
        stated_reason,
        context,
        "true" if is_disputed else "false",
        destination or "",
        destination_title,
        successor or "",
        status,
        reversed_on.isoformat() if reversed_on else "",
        "; ".join(sorted(chunk.tags.get(pk, ()))),
        " ".join(sorted(chunk.sources.get(pk, ()))),
        disputed_note,
        reversal_note,
    ]


def defuse(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with `'`."""
    return "'" + cell if cell[:1] in _FORMULA_STARTS else cell


def csv_lines(chunks: Iterable[Chunk], *, base_url: str) -> Iterator[str]:
    """The header, then the RFC 4180 lines (CRLF) of each chunk's rows, one
    string per chunk."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    urls = _Urls(base_url)
    writer.writerow(HEADER)
    yield _taken(buffer)
    for chunk in chunks:
        writer.writerows(
            # defuse(), inline: a call per cell is a tenth of the export.
            ["'" + cell if cell[:1] in _FORMULA_STARTS else cell for cell in cells]
            for cells in (row(values, chunk, urls) for values in chunk.rows)
        )
        yield _taken(buffer)


def _taken(buffer: io.StringIO) -> str:
    """What `buffer` holds, emptying it."""
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text


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
