"""The CSV of departures: its columns, once, for the view, the docs and the tests.

The rows are read as plain tuples (no model instances) from one query, a
chunk of CHUNK_SIZE at a time (`.iterator()`: a server-side cursor on
PostgreSQL); each chunk's tags and source URLs then come from one query each,
by the chunk's ids. So an export of n rows makes 1 + 2 * ceil(n / CHUNK_SIZE)
queries, memory holds one chunk whatever the total, and the CSV leaves one
chunk of lines at a time.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connections
from django.db.models import QuerySet
from django.db.models.sql.constants import MULTI
from django.http import QueryDict
from django.utils.dateparse import parse_date
from django.utils.text import slugify

from departures.database import array_text
from departures.models import Citation, Departure, Source, Tag
from people.dates import Precision
from people.paths import Route, route

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


# A chunk's tags and source URLs, by departure id: plain SQL, so that the ids
# go to the driver as they are (a queryset's __in prepares each of them in
# Python, which cost more than the query). The name or URL is a subquery by
# primary key, not a join: PostgreSQL would otherwise hash-join the whole
# source table (130 000 rows in the benchmark) for each chunk's 1 200 links.
_TAGS_SQL = (
    "SELECT x.departure_id, (SELECT t.name FROM {tag} t WHERE t.id = x.tag_id) "
    "FROM {through} x WHERE x.departure_id {ids}"
)
_SOURCES_SQL = (
    "SELECT c.departure_id, (SELECT s.url FROM {source} s WHERE s.id = c.source_id) "
    "FROM {citation} c WHERE c.departure_id {ids}"
)


def _by_departure(connection, sql: str, ids: list[int]) -> dict[int, list[str]]:
    if connection.vendor == "postgresql":
        # One array parameter: planning 900 constants took longer than the
        # lookup. As the array's text (AmongIds, departures/database.py).
        condition, params = "= ANY(%s::bigint[])", [array_text(ids)]
    else:
        condition, params = f"IN ({', '.join(['%s'] * len(ids))})", ids
    q = connection.ops.quote_name
    sql = sql.format(
        through=q(Departure.tags.through._meta.db_table),
        tag=q(Tag._meta.db_table),
        citation=q(Citation._meta.db_table),
        source=q(Source._meta.db_table),
        ids=condition,
    )
    grouped: dict[int, list[str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for departure_id, value in cursor.fetchall():
            grouped.setdefault(departure_id, []).append(value)
    return grouped


@contextmanager
def _planned_for_every_row(connection):
    """On PostgreSQL, the export's cursor planned for reading all its rows.

    PostgreSQL plans a cursor for its first tenth (`cursor_tuple_fraction`);
    Django's server-side cursor (`WITH HOLD`, in autocommit) runs its whole
    query when it is declared, so the export waited on a plan made for a
    first page: 4.3-4.7 -> 3.3-3.5 s for 100 000 rows. The setting is the
    session's, for the declaration only, and put back at once."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET cursor_tuple_fraction = 1")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET cursor_tuple_fraction")


def export_rows(queryset: QuerySet) -> Iterator[Chunk]:
    """The departures of `queryset` with everything a row shows, a chunk at a
    time: one query for the rows, then two per chunk (its tags, its sources).

    The tags and sources are those of the chunk's ids, which `queryset`
    chose: what it leaves out (drafts) is never looked up.

    The rows are the cursor's own chunks, as the driver returns them: what
    `.iterator()` does (a server-side cursor on PostgreSQL), without Django's
    conversion of each value (a call per date and boolean of each row, a
    tenth of the export). Both drivers already return a date column as a
    `date` (on SQLite through the converters Django registers for its
    declared type) and a boolean as a bool; row() also takes a date as ISO
    text and a boolean as 0/1, which is what SQLite returns without them."""
    connection = connections[queryset.db]
    compiler = queryset.values_list(*_ROW_FIELDS).query.get_compiler(queryset.db)
    with _planned_for_every_row(connection):
        chunks = compiler.execute_sql(
            MULTI,
            chunked_fetch=not connection.settings_dict.get(
                "DISABLE_SERVER_SIDE_CURSORS"
            ),
            chunk_size=CHUNK_SIZE,
        )
    for rows in chunks:
        ids = [row[0] for row in rows]
        yield Chunk(
            rows,
            _by_departure(connection, _TAGS_SQL, ids),
            _by_departure(connection, _SOURCES_SQL, ids),
        )


def voluntary(departure: Departure) -> str:
    """The `voluntary` filter's value for `departure`."""
    return _voluntary(departure.reason, departure.is_involuntary)


def _voluntary(reason: str, is_involuntary: bool) -> str:
    if reason == Departure.Reason.UNDISCLOSED:
        return "undisclosed"
    return "false" if is_involuntary else "true"


def _iso(day: datetime.date | str | None) -> str:
    """YYYY-MM-DD of a date, or of SQLite's text for one (empty for none)."""
    if day is None:
        return ""
    if type(day) is str:
        # What Django wrote; anything else, as Django would read it.
        return day if len(day) == 10 else parse_date(day).isoformat()
    return day.isoformat()


def _partial(day: datetime.date | str | None, precision: str) -> str:
    """A partial date as PartialDate.isoformat() writes it; empty for none."""
    iso = _iso(day)
    if precision == Precision.YEAR:
        return iso[:4]
    if precision == Precision.MONTH:
        return iso[:7]
    return iso


class _Urls:
    """Absolute URLs joined from each kind's route, cut once (people/paths.py):
    even path() per row would cost more than the rest of the row."""

    def __init__(self, base: str):
        base = base.rstrip("/")
        # Cut in the order the arguments come in: pk, then slug.
        self._departure = self._cut(base, route("departures:detail", "pk", "slug"))
        self._person = self._cut(base, route("people:person-detail", "slug"))
        self._organization = self._cut(
            base, route("people:organization-detail", "slug")
        )

    @staticmethod
    def _cut(base: str, cut: Route) -> tuple[str, ...]:
        first, *rest = cut.pieces
        return (base + first, *rest)

    def departure(self, pk: int, slug: str) -> str:
        before_pk, between, after_slug = self._departure
        return f"{before_pk}{pk}{between}{slug}{after_slug}"

    def person(self, slug: str) -> str:
        before, after = self._person
        return before + slug + after

    def organization(self, slug: str) -> str:
        before, after = self._organization
        return before + slug + after


# Every ASCII character slugify() removes: not a word character, whitespace
# or "-".
_NOT_IN_SLUG = {n: None for n in range(128) if not re.match(r"[\w\s-]", chr(n))}


def slug(text: str) -> str:
    """django.utils.text.slugify(text), in str methods rather than its two
    re.sub() (a tenth of the export). test_csv checks it against slugify()."""
    if not text.isascii():
        text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    text = text.lower().translate(_NOT_IN_SLUG)
    # Runs of "-" and whitespace as one "-", none at either end.
    return "-".join(text.replace("-", " ").split()).strip("-_")


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
        urls.departure(pk, slug(f"{person} {organization}")),
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
        _iso(reversed_on),
        "; ".join(sorted(chunk.tags.get(pk, ()))),
        " ".join(sorted(chunk.sources.get(pk, ()))),
        disputed_note,
        reversal_note,
    ]


def defuse(cell: str) -> str:
    """Prefix a cell a spreadsheet would run as a formula with `'`."""
    return "'" + cell if cell[:1] in _FORMULA_STARTS else cell


def cell(value: str) -> str:
    """`value` defused, then as csv.writer writes a cell with the excel
    dialect and QUOTE_MINIMAL (in quotes when it holds a quote, a comma, CR
    or LF; a quote doubled).

    csv.writer reads each character in C through a per-character loop: for
    50 MB of cells that is more than the rest of the export. These tests run
    in C over the whole string. test_csv checks it against csv.writer."""
    value = defuse(value)
    if '"' in value:
        return '"' + value.replace('"', '""') + '"'
    if "," in value or "\n" in value or "\r" in value:
        return '"' + value + '"'
    return value


def line(cells: Iterable[str]) -> str:
    """One RFC 4180 line (CRLF) of `cells`, each defused; as csv.writer
    writes it for any row of two cells or more (a row of one empty cell it
    writes as `""`; a CSV row here has 28)."""
    return ",".join(map(cell, cells)) + "\r\n"


def csv_lines(chunks: Iterable[Chunk], *, base_url: str) -> Iterator[str]:
    """The header, then the lines of each chunk's rows, one string per chunk."""
    urls = _Urls(base_url)
    yield line(HEADER)
    for chunk in chunks:
        yield "".join([line(row(values, chunk, urls)) for values in chunk.rows])


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
