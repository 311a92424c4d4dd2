"""What one import knows and what it will write: looked-up records, and new
records kept in memory until they are written in bulk.

Saving a record one by one costs its INSERT, the history row simple-history
writes from a signal and, for a departure's tags, a second history row; an
import of thousands of rows spends nearly all its time there. Inside an
import, `record_save` hands each new record to a `WriteBatch` instead: the
record gets its primary key at once (reserved from the table's sequence), so
later rows can refer to it and find it in the cache by pk, and the batch
writes it with `bulk_create`, with its "+" history row, when it is flushed.

It is flushed before anything writes a stored record or reads what the
pending ones would change, and at the end of the file, so that reads and
writes of stored records see every earlier row, as if each had been saved.
A row's savepoint is taken then too, only then: a row that writes nothing
but new records costs no query at all until the end of the file.

`ImportCache` is the `cache` dict the get-or-create helpers share across the
rows of one file. It journals what a row sets, so that a row that fails
leaves the cache, the batch and the records in memory as they were before it
(the database itself is rolled back by the row's savepoint).
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections import defaultdict
from collections.abc import Callable

from django.apps import apps
from django.conf import settings
from django.db import connection, connections, models, transaction
from django.db.models.expressions import DatabaseDefault, Value
from django.utils import timezone

_MISSING = object()


class WriteBatch:
    """New records of one import, written in bulk, with their history, on `flush`."""

    def __init__(self, *, rows: int = 200, prepare: dict | None = None):
        # PostgreSQL reserves pks a block at a time: one per file of `rows`.
        self.block = max(1, min(rows, 10_000))
        # By model, what sets a record's columns the database keeps from
        # other rows, once these are final: just before it is written.
        self.prepare: dict[type[models.Model], Callable] = prepare or {}
        self.pending: list[models.Model] = []
        self.tags: list[tuple[models.Model, models.Model, str]] = []
        self._pending_ids: set[int] = set()
        self._next: dict[type[models.Model], list[int]] = {}
        self._sqlite_next: dict[type[models.Model], int] = {}
        # The current row (`mark`): where its records start, and its savepoint.
        self._row: tuple[int, int] | None = None
        self._savepoint: str | None = None

    @staticmethod
    def supported() -> bool:
        return connection.vendor in {"postgresql", "sqlite"}

    def is_pending(self, obj: models.Model) -> bool:
        return id(obj) in self._pending_ids

    def add(self, obj: models.Model, actor=None) -> None:
        """Keep `obj` (validated, not saved) for the next flush; give it its pk."""
        if actor is not None:
            obj._history_user = actor  # read by simple-history's bulk create
        if self.is_pending(obj):
            return
        obj.pk = self._reserve(type(obj))
        self.pending.append(obj)
        self._pending_ids.add(id(obj))

    def counts(self) -> dict[type[models.Model], int]:
        """How many records of each model are pending."""
        counts = defaultdict(int)
        for obj in self.pending:
            counts[type(obj)] += 1
        return counts

    def add_m2m(self, obj: models.Model, field: str, targets) -> None:
        """Link pending `obj` to `targets` through its many-to-many `field`."""
        self.tags.extend((obj, target, field) for target in targets)

    def _reserve(self, model: type[models.Model]) -> int:
        """A primary key no row of `model` has or will be given by the database.

        PostgreSQL: from the table's sequence, in blocks of as many as the file
        has rows (unused ones are gaps, as after any rollback). SQLite: after
        the highest id the table has had; the import's IMMEDIATE transaction
        holds the only write lock, and every record it creates of a batched
        model goes through the batch."""
        if connection.vendor == "sqlite":
            if model not in self._sqlite_next:
                self._sqlite_next[model] = _sqlite_next_id(model)
            pk = self._sqlite_next[model]
            self._sqlite_next[model] = pk + 1
            return pk
        block = self._next.setdefault(model, [])
        if not block:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
                    "FROM generate_series(1, %s)",
                    [
                        connection.ops.quote_name(model._meta.db_table),
                        model._meta.pk.column,
                        self.block,
                    ],
                )
                block.extend(sorted((r[0] for r in cursor.fetchall()), reverse=True))
        return block.pop()

    def row_start(self) -> None:
        """A row begins: what it adds, and writes, can be undone alone."""
        self.row_end()
        self._row = (len(self.pending), len(self.tags))

    def row_end(self) -> None:
        """The row succeeded: keep what it added and wrote."""
        if self._savepoint is not None:
            transaction.savepoint_commit(self._savepoint)
        self._row = self._savepoint = None

    def row_rollback(self) -> None:
        """The row failed: forget what it added (its reserved pks stay
        unused) and undo what it wrote."""
        if self._row is not None:
            for obj in self.pending[self._row[0] :]:
                self._pending_ids.discard(id(obj))
            del self.pending[self._row[0] :]
            del self.tags[self._row[1] :]
        if self._savepoint is not None:
            transaction.savepoint_rollback(self._savepoint)
        self._row = self._savepoint = None

    def flush(self) -> None:
        """Write the pending records and their history rows, model by model.

        Called during a row, before it writes a stored record: what earlier
        rows added is written first, then the row's savepoint is taken, then
        what the row added."""
        if self._row is not None and self._savepoint is None:
            start, tags_start = self._row
            later, later_tags = self.pending[start:], self.tags[tags_start:]
            self.pending, self.tags = self.pending[:start], self.tags[:tags_start]
            self._write()
            self._savepoint = transaction.savepoint()
            self.pending, self.tags = later, later_tags
        self._write()
        if self._row is not None:
            self._row = (0, 0)

    def _write(self) -> None:
        if not self.pending and not self.tags:
            return
        by_model = defaultdict(list)
        for obj in self.pending:
            by_model[type(obj)].append(obj)
        # Foreign keys are checked at commit (Django creates them DEFERRABLE
        # INITIALLY DEFERRED), so the order of the tables is free.
        histories = {}
        for model, objs in by_model.items():
            prepare = self.prepare.get(model)
            for obj in objs:
                obj._prepare_related_fields_for_save(operation_name="bulk_create")
                if prepare is not None:
                    prepare(obj)
            plain, special = _columns(model)
            fields = [*plain, *special]
            read = operator.attrgetter(*(f.attname for f in plain))
            rows = _prepared(
                fields,
                [
                    [*read(o), *(_value(f, f.pre_save(o, True)) for f in special)]
                    for o in objs
                ],
            )
            _execute_insert(model, fields, rows)
            for obj in objs:
                obj._state.adding, obj._state.db = False, connection.alias
            history = _history_model(model)
            now = timezone.now()  # after created_at and updated_at, as on a save
            if history is not None:
                by_attname = [f.attname for f in fields]
                histories.update(_write_history(history, objs, by_attname, rows, now))
        self._write_m2m(histories)
        self.pending, self.tags = [], []
        self._pending_ids.clear()

    def _write_m2m(self, histories: dict) -> None:
        """The through rows of pending records, and their history rows: the
        "+" row of a new departure lists its tags, as a saved one's last row."""
        by_field = defaultdict(list)
        for obj, target, field in self.tags:
            by_field[(type(obj), field)].append((obj, target))
        for (model, field), links in by_field.items():
            m2m = model._meta.get_field(field)
            through = m2m.remote_field.through
            source = f"{m2m.m2m_field_name()}_id"
            target_name = f"{m2m.m2m_reverse_field_name()}_id"
            ids = _reserve_now(through, len(links))
            rows = [
                {"id": pk, source: obj.pk, target_name: target.pk}
                for pk, (obj, target) in zip(ids, links, strict=True)
            ]
            _insert_values(through, ["id", source, target_name], rows)
            history = _m2m_history_model(model, field)
            if history is None:
                continue
            rows = [
                {**row, "history_id": histories[id(obj)]}
                for row, (obj, _target) in zip(rows, links, strict=True)
                if id(obj) in histories
            ]
            pks = _reserve_now(history, len(rows))
            for row, pk in zip(rows, pks, strict=True):
                row[history._meta.pk.attname] = pk
            columns = [history._meta.pk.attname, "id", source, target_name]
            _insert_values(history, [*columns, "history_id"], rows)


_HISTORY_FIELDS = {
    "history_id",
    "history_date",
    "history_change_reason",
    "history_type",
    "history_user",
}


@functools.cache
def _columns(model: type[models.Model]) -> tuple[list, list]:
    """The columns of `model` an INSERT writes: those whose value is the
    attribute as it is (what `Field.pre_save` returns), and those a save
    works out (`auto_now`, a database default, a field's own `pre_save`)."""
    plain, special = [], []
    for f in model._meta.concrete_fields:
        if f.generated:
            continue
        own_pre_save = type(f).pre_save is not models.Field.pre_save
        dated = isinstance(f, models.DateField | models.TimeField)
        if dated and not (f.auto_now or f.auto_now_add):
            own_pre_save = type(f).pre_save not in _DATE_PRE_SAVES
        if own_pre_save or f.has_db_default():
            special.append(f)
        else:
            plain.append(f)
    if len(plain) < 2:  # attrgetter of one name returns the value, not a tuple
        plain, special = [], plain + special
    return plain, special


# Date fields whose pre_save, without auto_now(_add), is Field.pre_save.
_DATE_PRE_SAVES = {
    models.DateField.pre_save,
    models.DateTimeField.pre_save,
    models.TimeField.pre_save,
}


def _value(field: models.Field, value):
    """A field's value for the INSERT: one left to its database default
    (`db_default`, which a save compiles to DEFAULT) is that default's value;
    triggers that keep a column right run on these INSERTs as on a save's."""
    if isinstance(value, DatabaseDefault):
        default = field.db_default
        if not hasattr(default, "resolve_expression"):
            return default  # a literal, as models take it
        if isinstance(default, Value):
            return default.value
        raise TypeError(f"{field} has a database default the batch cannot write.")
    return value


def _history_model(model: type[models.Model]):
    attribute = getattr(model._meta, "simple_history_manager_attribute", None)
    return getattr(model, attribute).model if attribute else None


def _write_history(history, objs, attnames, rows, now) -> dict:
    """The "+" history rows of `objs` (whose prepared values are `rows`, in
    the order of `attnames`), as simple-history's signal writes them on a save
    (who: `_history_user`, else the request's user); returns their ids by
    object."""
    ids = _reserve_now(history, len(objs))
    default_user = history.get_default_history_user(objs[0])
    index = {attname: i for i, attname in enumerate(attnames)}
    # A tracked field holds what the record's own column holds; then the
    # history's own columns, in this order.
    tracked = [f for f in history._meta.concrete_fields if f.attname in index]
    own = ["history_id", "history_date", "history_change_reason", "history_type"]
    own += ["history_user_id"]
    by_attname = {f.attname: f for f in history._meta.concrete_fields}
    fields = [*tracked, *(by_attname[name] for name in own)]
    if len(fields) != len(by_attname):
        raise TypeError(f"{history} has columns the batch does not write.")
    positions = [index[f.attname] for f in tracked]
    db = connections[connection.alias]
    date = history._meta.get_field("history_date").get_db_prep_save(now, db)
    values = []
    for obj, row, pk in zip(objs, rows, ids, strict=True):
        user = getattr(obj, "_history_user", None) or default_user
        values.append(
            [
                *map(row.__getitem__, positions),
                pk,
                date,
                getattr(obj, "_change_reason", None),
                "+",
                user.pk if user is not None else None,
            ]
        )
    _execute_insert(history, fields, values)
    return {id(obj): pk for obj, pk in zip(objs, ids, strict=True)}


def _insert_values(model, attnames: list[str], rows: list[dict]) -> None:
    fields = [model._meta.get_field(_field_name(model, a)) for a in attnames]
    values = [[row[a] for a in attnames] for row in rows]
    _execute_insert(model, fields, _prepared(fields, values))


# Fields whose value, when already of this exact Python type (or None), is
# what the database takes: get_db_prep_save would return it unchanged.
_AS_IS = {
    "CharField": str,
    "SlugField": str,
    "TextField": str,
    "URLField": str,
    "BooleanField": bool,
    "AutoField": int,
    "BigAutoField": int,
    "IntegerField": int,
    "BigIntegerField": int,
    "ForeignKey": int,
}


_DATE, _UTC = object(), object()


def _prepared(fields, values) -> list[list]:
    """`values` (rows of Python values of `fields`) as the database takes them.

    Dates, and datetimes in UTC (what `timezone.now()` gives: `created_at`,
    `updated_at`), are converted here as Django's backends do (`str` of the
    date, of the naive UTC datetime, on SQLite; the value on PostgreSQL),
    without the settings lookups a field's `get_db_prep_save` makes per
    value; anything else goes through it."""
    db = connections[connection.alias]  # the connection itself, not its proxy
    as_is = [_AS_IS.get(f.get_internal_type()) for f in fields]
    utc = datetime.UTC
    for i, f in enumerate(fields):
        if type(f) is models.DateField:
            as_is[i] = _DATE
        elif type(f) is models.DateTimeField and settings.USE_TZ:
            in_utc = db.vendor == "postgresql" or db.timezone is utc
            as_is[i] = _UTC if in_utc else None
    sqlite = db.vendor == "sqlite"
    rows = []
    for row in values:
        prepared = []
        for f, kind, v in zip(fields, as_is, row, strict=True):
            if v is None or (kind is not None and type(v) is kind):
                prepared.append(v)
            elif kind is _DATE and type(v) is datetime.date:
                prepared.append(str(v) if sqlite else v)
            elif kind is _UTC and type(v) is datetime.datetime and v.tzinfo is utc:
                prepared.append(str(v.replace(tzinfo=None)) if sqlite else v)
            else:
                prepared.append(f.get_db_prep_save(v, db))
        rows.append(prepared)
    return rows


def _field_name(model, attname: str) -> str:
    for f in model._meta.concrete_fields:
        if f.attname == attname:
            return f.name
    return attname


def _execute_insert(model, fields, prepared) -> None:
    """INSERT the rows `prepared` (with their pks), 500 per statement."""
    if not prepared:
        return
    quote = connection.ops.quote_name
    columns = ", ".join(quote(f.column) for f in fields)
    # Names from the model; the values are parameters.
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":  # a C loop over one prepared statement
            row = ", ".join(["%s"] * len(fields))
            sql = f"INSERT INTO {quote(model._meta.db_table)} ({columns}) "  # noqa: S608
            sql += f"VALUES ({row})"
            for start in range(0, len(prepared), 500):
                cursor.executemany(sql, prepared[start : start + 500])
            return
        # PostgreSQL: COPY, which psycopg feeds row by row without a
        # statement to parse or a parameter per value.
        table = quote(model._meta.db_table)
        raw = cursor.cursor  # psycopg's own cursor, under Django's wrapper
        with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for values in prepared:
                copy.write_row(values)


def _sqlite_next_id(model) -> int:
    """The id SQLite would give the next row of `model` (AUTOINCREMENT: after
    the highest it ever gave, even if that row was deleted)."""
    table, quote = model._meta.db_table, connection.ops.quote_name
    with connection.cursor() as cursor:
        sql = f"SELECT MAX({quote(model._meta.pk.column)}) FROM {quote(table)}"  # noqa: S608
        cursor.execute(sql)
        highest = cursor.fetchone()[0] or 0
        cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
        row = cursor.fetchone()
    return max(highest, row[0] if row else 0) + 1


def _m2m_history_model(model: type[models.Model], field: str):
    """simple-history's model of `model`'s `field` links, if it records them."""
    try:
        return apps.get_model(
            model._meta.app_label, f"Historical{model.__name__}_{field}"
        )
    except LookupError:
        return None


def _reserve_now(model, n: int) -> list[int]:
    """`n` primary keys for rows of `model` inserted at once (history and
    through rows, which other writes of the import create too)."""
    if n == 0:
        return []
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            start = _sqlite_next_id(model)
            return list(range(start, start + n))
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) "
            "FROM generate_series(1, %s)",
            [
                connection.ops.quote_name(model._meta.db_table),
                model._meta.pk.column,
                n,
            ],
        )
        return sorted(r[0] for r in cursor.fetchall())


class ImportCache(dict):
    """The `cache` of one import, which journals each row's changes so that a
    row that fails can be undone (`mark` / `rollback`), and owns its batch."""

    def __init__(self, *, batch: WriteBatch | None = None):
        super().__init__()
        self.batch = batch
        self._journal: list[tuple] = []

    def __setitem__(self, key, value):
        self._journal.append((self, key, self.get(key, _MISSING)))
        super().__setitem__(key, value)

    def remember(self, container: dict, key, value) -> None:
        """`container[key] = value` for a dict held in the cache, journaled."""
        self._journal.append((container, key, container.get(key, _MISSING)))
        container[key] = value

    def note_attrs(self, obj: models.Model, old: dict) -> None:
        """`obj`'s attributes are about to change from `old`, journaled."""
        self._journal.append((obj, None, old))

    def mark(self) -> None:
        """A row begins."""
        self._journal.clear()  # what earlier rows did is kept
        if self.batch:
            self.batch.row_start()

    def commit(self) -> None:
        """The row succeeded."""
        self._journal.clear()
        if self.batch:
            self.batch.row_end()

    def rollback(self) -> None:
        """The row failed: undo what it did to the cache, the batch and the
        records in memory (and, through the batch, in the database)."""
        for target, key, old in reversed(self._journal):
            if isinstance(target, models.Model):
                for name, value in old.items():
                    setattr(target, name, value)
            elif old is _MISSING:
                dict.pop(target, key, None)
            else:
                dict.__setitem__(target, key, old)
        self._journal.clear()
        if self.batch:
            self.batch.row_rollback()


def batch_of(cache) -> WriteBatch | None:
    """The batch of an import's cache, if it has one."""
    return getattr(cache, "batch", None)
