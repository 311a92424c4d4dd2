"""What the database keeps for the timeline beyond Django's models.

The filters and facets of the timeline read one table. So that they can,
every departure row carries copies of its role's facts (person, organization,
seniority, function, founder flag) and the month of its announcement; the
indexes of people and organizations read how many published departures each
has from a tally (PersonTally, OrganizationTally); and the fixed-choice
facets, where nothing else narrows the timeline, read how many have each
combination of their values from another (ChoiceTally):

- database triggers compute the month and the tenure (from the role's
  start to the departure), and copy the role's facts, on a departure
  whenever it is written, and on every departure of a role when the role
  changes. Written once per database below, they hold on every path
  that writes these tables — the services, the admin, a merge's queryset
  updates, bulk inserts, raw SQL. (A generated column could hold the month,
  but Django reads one back after every save: a query per save, for a value
  nobody reads.) On SQLite they correct a written row with a second write,
  so an import's batch (people/bulk.py) writes the copies right in its
  INSERTs (`stored_copies`, the one Python account of them), and the
  triggers then find nothing to correct; they still correct any path that
  writes wrong copies.

Text search goes through the `TextIndex`es of people/text_search.py, one for
the departure's own text here.

Neither the triggers nor the text indexes are models, so `install()` builds
them after every `migrate` (departures/apps.py), idempotently, replacing one
whose definition changed; where it had to create a missing trigger it also
brings every row's copies, and every tally, up to date, so a table rebuilt by
a migration on SQLite (which drops its triggers) is never left stale; and so
it does where a definition changed, since the rows were kept by the old one
(a new stored column, or a new rule for one, is filled in by the next
`migrate`).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from functools import cached_property

from django.db import models
from django.db.models import Expression, F, Func, Q
from django.db.models.expressions import RawSQL

from people.dates import Precision, truncate
from people.text_search import (
    ORGANIZATION_NAME,
    PERSON_NAME,
    ROLE_TITLE,
    TextIndex,
)

DEPARTURE_TEXT = TextIndex("departures_departure", ("stated_reason", "context"))
TEXT_INDEXES = (PERSON_NAME, ORGANIZATION_NAME, ROLE_TITLE, DEPARTURE_TEXT)


# The departure's columns holding the id of a row of another text index.
_NAMED = (
    ("person_id", PERSON_NAME),
    ("organization_id", ORGANIZATION_NAME),
    ("role_id", ROLE_TITLE),
)


def matching(text: str) -> RawSQL:
    """The ids of the departures whose person, organization, role title,
    stated reason or context contains `text`: the union of what each text
    index finds, each branch read through an index."""
    parts, params = [], []
    for column, index in _NAMED:
        sql, found = index.ids_sql(text)
        parts.append(f"SELECT id FROM departures_departure WHERE {column} IN ({sql})")
        params += found
    sql, found = DEPARTURE_TEXT.ids_sql(text)
    return RawSQL(" UNION ".join([*parts, sql]), [*params, *found])


def matching_branches(text: str) -> list[Q]:
    """What `matching(text)` unites, as one condition on a departure per text
    index, each served by its index: for a union that reads the departures'
    own columns as it finds them (DepartureQuerySet.found)."""
    named = [
        Q(**{f"{column}__in": RawSQL(*index.ids_sql(text))}) for column, index in _NAMED
    ]
    own = RawSQL(*DEPARTURE_TEXT.where_sql(text), output_field=models.BooleanField())
    return [*named, Q(own)]


# The role's columns copied onto each of its departures, by the same names.
ROLE_FACTS = ("person_id", "organization_id", "seniority", "function", "is_founder")


def stored_copies(departure) -> None:
    """Set on `departure` what the triggers keep: its role's facts, the first
    day of its announcement's month, and its tenure in days."""
    role = departure.role
    for column in ROLE_FACTS:
        setattr(departure, column, getattr(role, column))
    departure.announced_month = truncate(departure.announced_on, Precision.MONTH)
    left = departure.effective_on or departure.announced_on
    departure.tenure_days = (left - role.start_on).days if role.start_on else None


# The whole days from a later date to an earlier one, in each database's own
# date arithmetic (PostgreSQL: date - date is a whole number of days): for
# the ORM (DaysBetween) and for the triggers' SQL (_tenure) alike.
_DAYS = {
    "sqlite": "CAST(julianday({later}) - julianday({earlier}) AS INTEGER)",
    "postgresql": "({later} - {earlier})",
}


def days_sql(vendor: str, later: str, earlier: str) -> str:
    return _DAYS.get(vendor, _DAYS["postgresql"]).format(later=later, earlier=earlier)


class DaysBetween(Func):
    """`DaysBetween(later, earlier)`: the whole days from `earlier` to
    `later`, in the database's own date arithmetic."""

    arity = 2
    output_field = models.IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        (later, later_params), (earlier, earlier_params) = (
            compiler.compile(each) for each in self.get_source_expressions()
        )
        sql = days_sql(connection.vendor, later, earlier)
        return sql, (*later_params, *earlier_params)


class Unordered(Func):
    """A column as a value no index orders (SQLite's unary `+`; elsewhere the
    column itself).

    For a GROUP BY over rows that other parameters narrow: SQLite would read
    the grouped column's index in full for its order and look every row up,
    rather than find the few rows through the filter's index and sort them.
    """

    arity = 1

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(compiler, connection, template="+%(expressions)s")

    def as_sql(self, compiler, connection, template=None, **extra_context):
        return super().as_sql(
            compiler, connection, template=template or "%(expressions)s"
        )


def array_text(ids: Iterable[int]) -> str:
    """PostgreSQL's text for an array of `ids`, `{1,2,3}`, to bind as one
    parameter cast to `bigint[]`. psycopg's own dumping of a list checks
    each element with a regular expression in Python: 2 ms a thousand ids."""
    return "{" + ",".join(str(int(each)) for each in ids) + "}"


class Ids(tuple):
    """Ids, each an int, with the text each database binds them as — one
    parameter: a JSON array on SQLite, an array on PostgreSQL — worked out
    once, however many queries of a page filter by them."""

    def __new__(cls, ids=()):
        return super().__new__(cls, (int(each) for each in ids))

    @cached_property
    def json(self) -> str:
        return json.dumps(self)

    @cached_property
    def array(self) -> str:
        return array_text(self)


class AmongIds(Expression):
    """`AmongIds(ids)`: the row's id is one of `ids`, passed as one parameter
    (a JSON array on SQLite, an array on PostgreSQL) rather than one per id.

    For the ids a search found, which a page's list, chart and facets all
    filter by: compiling and binding thousands of parameters, in every one of
    those queries, would cost more than the queries themselves.
    """

    conditional = True
    output_field = models.BooleanField()

    def __init__(self, ids, field: str = "pk"):
        super().__init__()
        self.ids = ids if isinstance(ids, Ids) else Ids(ids)
        self.column = F(field)

    def get_source_expressions(self):
        return [self.column]

    def set_source_expressions(self, exprs):
        (self.column,) = exprs

    def _column(self, compiler, connection):
        return compiler.compile(self.column)

    def as_sqlite(self, compiler, connection, **extra_context):
        column, params = self._column(compiler, connection)
        return (
            f"{column} IN (SELECT value FROM json_each(%s))",
            [*params, self.ids.json],
        )

    def as_postgresql(self, compiler, connection, **extra_context):
        column, params = self._column(compiler, connection)
        return f"{column} = ANY(%s::bigint[])", [*params, self.ids.array]

    def as_sql(self, compiler, connection, **extra_context):
        column, params = self._column(compiler, connection)
        if not self.ids:
            return "1 = 0", []
        marks = ", ".join(["%s"] * len(self.ids))
        return f"{column} IN ({marks})", [*params, *self.ids]


_COPY = ", ".join(ROLE_FACTS)
_FROM_ROLE = f"(SELECT {_COPY} FROM people_role WHERE id = NEW.role_id)"
_ROLE_EXISTS = "EXISTS (SELECT 1 FROM people_role WHERE id = NEW.role_id)"
_MONTH = {
    "sqlite": "date({}, 'start of month')",
    "postgresql": "({0} - (EXTRACT(DAY FROM {0})::integer - 1))",
}
_NEW_FACTS = ", ".join(f"NEW.{c}" for c in ROLE_FACTS)
_SQLITE_MONTH = _MONTH["sqlite"].format("NEW.announced_on")


def _tenure(vendor: str, departure: str, start: str) -> str:
    """The whole days from `start` to the departure's effective, else
    announced, date (`departure` names its row: NEW, or "" for the row an
    UPDATE writes); NULL where `start` is."""
    left = f"COALESCE({departure}effective_on, {departure}announced_on)"
    return days_sql(vendor, left, start)


_SQLITE_TENURE = (
    f"(SELECT {_tenure('sqlite', 'NEW.', 'start_on')} "
    "FROM people_role WHERE id = NEW.role_id)"
)

# A departure written with copies that differ from its role or its date (the
# ORM writes back whatever the instance held; a bulk insert, what it was
# given) is corrected; one written with the right copies is left alone.
_SQLITE_STORED = f"""BEGIN
            UPDATE departures_departure SET announced_month = {_SQLITE_MONTH}
            WHERE id = NEW.id AND announced_month IS NOT {_SQLITE_MONTH};
            UPDATE departures_departure SET tenure_days = {_SQLITE_TENURE}
            WHERE id = NEW.id AND tenure_days IS NOT {_SQLITE_TENURE};
            UPDATE departures_departure SET ({_COPY}) = {_FROM_ROLE}
            WHERE id = NEW.id AND {_ROLE_EXISTS} AND ({_COPY}) IS NOT {_FROM_ROLE};
        END"""

_SQLITE_TRIGGERS = {
    "departures_departure_stored_insert": f"""
        AFTER INSERT ON departures_departure {_SQLITE_STORED}""",
    "departures_departure_stored_update": f"""
        AFTER UPDATE ON departures_departure {_SQLITE_STORED}""",
    # A role changed (or inserted after its departures, with deferred keys).
    "people_role_departure_facts_update": f"""
        AFTER UPDATE OF {_COPY}, start_on ON people_role
        WHEN ({_NEW_FACTS}, NEW.start_on)
            IS NOT ({", ".join(f"OLD.{c}" for c in ROLE_FACTS)}, OLD.start_on)
        BEGIN
            UPDATE departures_departure SET ({_COPY}) = ({_NEW_FACTS}),
                tenure_days = {_tenure("sqlite", "", "NEW.start_on")}
            WHERE role_id = NEW.id;
        END""",
    "people_role_departure_facts_insert": f"""
        AFTER INSERT ON people_role BEGIN
            UPDATE departures_departure SET ({_COPY}) = ({_NEW_FACTS}),
                tenure_days = {_tenure("sqlite", "", "NEW.start_on")}
            WHERE role_id = NEW.id;
        END""",
}

# The tallies: (table, its key, the role's column counted by it).
_TALLIES = (
    ("departures_persontally", "person_id"),
    ("departures_organizationtally", "organization_id"),
)
# The tally of the fixed-choice facets' combinations (ChoiceTally): the
# departure's own columns, then the role's, and the two counts.
CHOICES_TALLY = "departures_choicetally"
_OWN_CHOICES = ("reason", "status")
_ROLE_CHOICES = ("seniority", "function", "is_founder")
CHOICE_COLUMNS = (*_OWN_CHOICES, *_ROLE_CHOICES)
_CHOICES = ", ".join(CHOICE_COLUMNS)
# Tables only the triggers write: a copy of the database restores the rows
# they count, and the triggers count them again.
KEPT_TABLES = (*(table for table, _ in _TALLIES), CHOICES_TALLY)


def _add(table: str, key: str, value: str, n: str, when: str = "TRUE") -> str:
    """Add `n` to the tally of `value`, creating it if need be."""
    return f"""INSERT INTO {table} ({key}, departures) SELECT {value}, {n}
        WHERE {value} IS NOT NULL AND {when} ON CONFLICT ({key})
        DO UPDATE SET departures = departures + excluded.departures;"""


def _take(table: str, key: str, value: str, n: str, when: str = "TRUE") -> str:
    """Take `n` from the tally of `value`. Never creates one: what is taken
    was added before, and a tally deleted with its person stays deleted."""
    return f"""UPDATE {table} SET departures = departures - {n}
        WHERE {key} = {value} AND {when};"""


def _of_role(key: str, role_id: str) -> str:
    return f"(SELECT {key} FROM people_role WHERE id = {role_id})"


def _for_departure(step, role_id: str, when: str = "TRUE") -> str:
    """`step` (_add or _take) of one departure, to each tally of its role."""
    return " ".join(step(t, k, _of_role(k, role_id), "1", when) for t, k in _TALLIES)


# The published departures of the role NEW.
_OF_ROLE = (
    "(SELECT COUNT(*) FROM departures_departure "
    "WHERE role_id = NEW.id AND published_at IS NOT NULL)"
)


def _for_role(step, row: str, when: str) -> str:
    """`step` of the role's published departures, to each tally of `row`
    (OLD or NEW), where that tally's key changed (`when` may add more)."""
    return " ".join(
        step(t, k, f"{row}.{k}", _OF_ROLE, f"OLD.{k} IS NOT NEW.{k} AND {when}")
        for t, k in _TALLIES
    )


_ROLE_INSERTED = " ".join(
    _add(t, k, f"NEW.{k}", _OF_ROLE, f"{_OF_ROLE} > 0") for t, k in _TALLIES
)

# On SQLite the tallies follow the role of each departure, read from
# people_role: the triggers of one statement run in no fixed order there, so
# the departure's own copies may not be set yet.
_SQLITE_TRIGGERS.update(
    {
        "departures_departure_tally_insert": f"""
            AFTER INSERT ON departures_departure
            WHEN NEW.published_at IS NOT NULL BEGIN
                {_for_departure(_add, "NEW.role_id")}
            END""",
        "departures_departure_tally_update": f"""
            AFTER UPDATE ON departures_departure
            WHEN (OLD.role_id, OLD.published_at IS NULL)
                IS NOT (NEW.role_id, NEW.published_at IS NULL)
            BEGIN
                {_for_departure(_take, "OLD.role_id", "OLD.published_at IS NOT NULL")}
                {_for_departure(_add, "NEW.role_id", "NEW.published_at IS NOT NULL")}
            END""",
        "departures_departure_tally_delete": f"""
            AFTER DELETE ON departures_departure
            WHEN OLD.published_at IS NOT NULL BEGIN
                {_for_departure(_take, "OLD.role_id")}
            END""",
        # A role given to another person or organization takes its published
        # departures with it.
        "people_role_tally_update": f"""
            AFTER UPDATE OF {", ".join(k for _, k in _TALLIES)} ON people_role
            BEGIN
                {_for_role(_take, "OLD", "TRUE")}
                {_for_role(_add, "NEW", f"{_OF_ROLE} > 0")}
            END""",
        # A role inserted after its departures (deferred keys) brings them.
        "people_role_tally_insert": f"""
            AFTER INSERT ON people_role BEGIN
                {_ROLE_INSERTED}
            END""",
    }
)


def _add_choices(select: str) -> str:
    """Add to the combinations' tallies the rows of `select`: (the choice
    columns, departures, reversed)."""
    return f"""INSERT INTO {CHOICES_TALLY} ({_CHOICES}, departures, reversed)
        {select} ON CONFLICT ({_CHOICES}) DO UPDATE SET
        departures = departures + excluded.departures,
        reversed = reversed + excluded.reversed;"""


def _choices_of(row: str, when: str = "TRUE") -> str:
    """The departure `row` (OLD or NEW) as one row for `_add_choices`: its own
    choices and its role's, read from people_role (see above)."""
    return (
        f"SELECT {_row_choices(row)}, 1, {row}.reversed_on IS NOT NULL "
        f"FROM people_role r WHERE r.id = {row}.role_id AND {when}"
    )


def _row_choices(row: str) -> str:
    return ", ".join(
        (*(f"{row}.{c}" for c in _OWN_CHOICES), *(f"r.{c}" for c in _ROLE_CHOICES))
    )


def _take_choices(row: str, when: str = "TRUE") -> str:
    """Take the departure `row` from its combination's tally. Never creates
    one, as `_take` never does."""
    return f"""UPDATE {CHOICES_TALLY} SET departures = departures - 1,
        reversed = reversed - ({row}.reversed_on IS NOT NULL)
        WHERE ({_CHOICES}) = (SELECT {_row_choices(row)}
            FROM people_role r WHERE r.id = {row}.role_id) AND {when};"""


def _role_choices(row: str) -> tuple[str, str]:
    """The published departures of the role NEW, grouped by their own
    choices, with the role's choices as in `row` (OLD or NEW): the rows to
    add, and the statement that takes them away."""
    own = ", ".join(f"d.{c}" for c in _OWN_CHOICES)
    role = ", ".join(f"{row}.{c}" for c in _ROLE_CHOICES)
    departures = (
        "FROM departures_departure d WHERE d.role_id = NEW.id "
        "AND d.published_at IS NOT NULL"
    )
    rows = (
        f"SELECT {own}, {role}, COUNT(*), COUNT(d.reversed_on) {departures} "
        f"GROUP BY {own}"
    )
    same = " AND ".join(f"d.{c} = {CHOICES_TALLY}.{c}" for c in _OWN_CHOICES)
    mine = " AND ".join(f"{c} = {row}.{c}" for c in _ROLE_CHOICES)
    take = f"""UPDATE {CHOICES_TALLY} SET
        departures = departures - (SELECT COUNT(*) {departures} AND {same}),
        reversed = reversed - (SELECT COUNT(d.reversed_on) {departures} AND {same})
        WHERE {mine} AND EXISTS (SELECT 1 {departures} AND {same});"""
    return rows, take


_CHOICES_CHANGED = (
    "(OLD.role_id, OLD.published_at IS NULL, OLD.reason, OLD.status, "
    "OLD.reversed_on IS NULL) IS NOT (NEW.role_id, NEW.published_at IS NULL, "
    "NEW.reason, NEW.status, NEW.reversed_on IS NULL)"
)
_ROLE_CHOICES_CHANGED = (
    f"({', '.join(f'NEW.{c}' for c in _ROLE_CHOICES)}) "
    f"IS NOT ({', '.join(f'OLD.{c}' for c in _ROLE_CHOICES)})"
)

_SQLITE_TRIGGERS.update(
    {
        "departures_departure_choices_insert": f"""
            AFTER INSERT ON departures_departure
            WHEN NEW.published_at IS NOT NULL BEGIN
                {_add_choices(_choices_of("NEW"))}
            END""",
        "departures_departure_choices_update": f"""
            AFTER UPDATE ON departures_departure WHEN {_CHOICES_CHANGED} BEGIN
                {_take_choices("OLD", "OLD.published_at IS NOT NULL")}
                {_add_choices(_choices_of("NEW", "NEW.published_at IS NOT NULL"))}
            END""",
        "departures_departure_choices_delete": f"""
            AFTER DELETE ON departures_departure
            WHEN OLD.published_at IS NOT NULL BEGIN
                {_take_choices("OLD")}
            END""",
        # A role's seniority, function or founder flag changed: its published
        # departures move from the old combinations to the new.
        "people_role_choices_update": f"""
            AFTER UPDATE OF {", ".join(_ROLE_CHOICES)} ON people_role
            WHEN {_ROLE_CHOICES_CHANGED} BEGIN
                {_role_choices("OLD")[1]}
                {_add_choices(_role_choices("NEW")[0])}
            END""",
        # A role inserted after its departures (deferred keys) brings them.
        "people_role_choices_insert": f"""
            AFTER INSERT ON people_role BEGIN
                {_add_choices(_role_choices("NEW")[0])}
            END""",
    }
)

# On PostgreSQL, after the BEFORE trigger has set the departure's copies.
# What each kind of tally counts a departure by: where an update changes
# none of it, that tally is left alone (and its rows unlocked).
_TALLIED_BY = {
    "people": ("person_id", "organization_id", "published_at IS NULL"),
    "choices": (*CHOICE_COLUMNS, "published_at IS NULL", "reversed_on IS NULL"),
}


_EVERY_TALLIED = sorted({c for columns in _TALLIED_BY.values() for c in columns})


def _changed(columns) -> str:
    return (
        f"({', '.join(f'OLD.{c}' for c in columns)}) "
        f"IS DISTINCT FROM ({', '.join(f'NEW.{c}' for c in columns)})"
    )


_POSTGRESQL_TALLY_STEP = "\n".join(
    f"""IF departure.{key} IS NULL THEN
            NULL;
        ELSIF step > 0 THEN
            INSERT INTO {table} ({key}, departures) VALUES (departure.{key}, step)
            ON CONFLICT ({key})
            DO UPDATE SET departures = {table}.departures + EXCLUDED.departures;
        ELSE
            UPDATE {table} SET departures = departures + step
            WHERE {key} = departure.{key};
        END IF;"""
    for table, key in _TALLIES
)
_POSTGRESQL_CHOICES_STEP = f"""IF step > 0 THEN
            INSERT INTO {CHOICES_TALLY} ({_CHOICES}, departures, reversed)
            VALUES ({", ".join(f"departure.{c}" for c in CHOICE_COLUMNS)},
                step, CASE WHEN departure.reversed_on IS NULL THEN 0 ELSE step END)
            ON CONFLICT ({_CHOICES}) DO UPDATE SET
                departures = {CHOICES_TALLY}.departures + EXCLUDED.departures,
                reversed = {CHOICES_TALLY}.reversed + EXCLUDED.reversed;
        ELSE
            UPDATE {CHOICES_TALLY} SET departures = departures + step,
                reversed = reversed
                    + CASE WHEN departure.reversed_on IS NULL THEN 0 ELSE step END
            WHERE ({_CHOICES}) =
                ({", ".join(f"departure.{c}" for c in CHOICE_COLUMNS)});
        END IF;"""

_POSTGRESQL = f"""
CREATE OR REPLACE FUNCTION departures_departure_stored() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    role record;
BEGIN
    NEW.announced_month := {_MONTH["postgresql"].format("NEW.announced_on")};
    SELECT {_COPY}, start_on INTO role FROM people_role WHERE id = NEW.role_id;
    IF FOUND THEN
        {" ".join(f"NEW.{c} := role.{c};" for c in ROLE_FACTS)}
        NEW.tenure_days := {_tenure("postgresql", "NEW.", "role.start_on")};
    END IF;
    RETURN NEW;
END $$;
CREATE OR REPLACE TRIGGER departures_departure_stored
    BEFORE INSERT OR UPDATE ON departures_departure
    FOR EACH ROW EXECUTE FUNCTION departures_departure_stored();
CREATE OR REPLACE FUNCTION people_role_departure_facts() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE departures_departure SET role_id = role_id
    WHERE role_id = NEW.id AND ({_COPY}, tenure_days) IS DISTINCT FROM
        ({_NEW_FACTS}, {_tenure("postgresql", "", "NEW.start_on")});
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER people_role_departure_facts
    AFTER INSERT OR UPDATE ON people_role
    FOR EACH ROW EXECUTE FUNCTION people_role_departure_facts();
DROP FUNCTION IF EXISTS departures_tally_step(departures_departure, integer);
CREATE OR REPLACE FUNCTION departures_tally_step(
    departure departures_departure, step integer, people boolean, choices boolean
) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF departure.published_at IS NULL THEN
        RETURN;
    END IF;
    IF people THEN
        {_POSTGRESQL_TALLY_STEP}
    END IF;
    IF choices THEN
        {_POSTGRESQL_CHOICES_STEP}
    END IF;
END $$;
CREATE OR REPLACE FUNCTION departures_departure_tally() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    people boolean := TRUE;
    choices boolean := TRUE;
BEGIN
    IF TG_OP = 'UPDATE' THEN
        people := {_changed(_TALLIED_BY["people"])};
        choices := {_changed(_TALLIED_BY["choices"])};
    END IF;
    IF TG_OP <> 'INSERT' THEN
        PERFORM departures_tally_step(OLD, -1, people, choices);
    END IF;
    IF TG_OP <> 'DELETE' THEN
        PERFORM departures_tally_step(NEW, 1, people, choices);
    END IF;
    RETURN NULL;
END $$;
CREATE OR REPLACE TRIGGER departures_departure_tally_insert
    AFTER INSERT ON departures_departure
    FOR EACH ROW EXECUTE FUNCTION departures_departure_tally();
CREATE OR REPLACE TRIGGER departures_departure_tally_update
    AFTER UPDATE ON departures_departure
    FOR EACH ROW WHEN ({_changed(_EVERY_TALLIED)})
    EXECUTE FUNCTION departures_departure_tally();
CREATE OR REPLACE TRIGGER departures_departure_tally_delete
    AFTER DELETE ON departures_departure
    FOR EACH ROW EXECUTE FUNCTION departures_departure_tally();
"""


def _resync(vendor: str) -> list[str]:
    """Every row's copies brought up to date, then every tally counted anew."""
    facts = ", ".join(
        f"{column} = (SELECT r.{column} FROM people_role r "
        "WHERE r.id = departures_departure.role_id)"
        for column in ROLE_FACTS
    )
    month = _MONTH[vendor].format("announced_on")
    tenure = (
        f"(SELECT {_tenure(vendor, 'departures_departure.', 'r.start_on')} "
        "FROM people_role r WHERE r.id = departures_departure.role_id)"
    )
    statements = [
        f"UPDATE departures_departure SET {facts}, announced_month = {month}, "
        f"tenure_days = {tenure}"
    ]
    for table, key in _TALLIES:
        statements += [
            f"DELETE FROM {table}",
            f"INSERT INTO {table} ({key}, departures) SELECT {key}, COUNT(*) "
            "FROM departures_departure WHERE published_at IS NOT NULL "
            f"AND {key} IS NOT NULL GROUP BY {key}",
        ]
    statements += [
        f"DELETE FROM {CHOICES_TALLY}",
        f"INSERT INTO {CHOICES_TALLY} ({_CHOICES}, departures, reversed) "
        f"SELECT {_CHOICES}, COUNT(*), COUNT(reversed_on) FROM departures_departure "
        f"WHERE published_at IS NOT NULL GROUP BY {_CHOICES}",
    ]
    return statements


# The PostgreSQL definitions' fingerprint, kept as a comment on the function
# that computes the copies: a different one means the rows were kept by
# another definition.
_POSTGRESQL_VERSION = hashlib.sha256(_POSTGRESQL.encode()).hexdigest()[:16]
_STORED_FUNCTION = "departures_departure_stored()"


def install(connection) -> None:
    """Build the triggers and text indexes where they are missing or differ
    from these definitions, and bring every row up to date where they did."""
    if connection.vendor not in ("sqlite", "postgresql"):
        return
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger'")
            present = dict(cursor.fetchall())
            stale = False
            for name, body in _SQLITE_TRIGGERS.items():
                sql = f"CREATE TRIGGER {name} {body}"
                if present.get(name) == sql:
                    continue
                stale = True
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(sql)
        else:
            cursor.execute(
                "SELECT count(*), obj_description("
                f"to_regprocedure('{_STORED_FUNCTION}'), 'pg_proc') FROM pg_trigger "
                "WHERE tgname IN "
                "('departures_departure_stored', 'departures_departure_tally_update')"
            )
            count, version = cursor.fetchone()
            stale = count < 2 or version != _POSTGRESQL_VERSION
            cursor.execute(_POSTGRESQL)
            cursor.execute(
                f"COMMENT ON FUNCTION {_STORED_FUNCTION} IS '{_POSTGRESQL_VERSION}'"
            )
        if stale:
            for statement in _resync(connection.vendor):
                cursor.execute(statement)
        for index in TEXT_INDEXES:
            index.install(cursor)
