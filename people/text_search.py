"""Substring search that an index serves, on SQLite and on PostgreSQL.

Django's `icontains` is `LIKE '%…%'`: it reads every row of the table. A
`TextIndex` names a table's text columns and gives the ids of the rows that
contain a text in any of them, regardless of case, through an index:

- on SQLite, an FTS5 table with the trigram tokenizer (`<table>_fts`), which
  answers a quoted phrase with exactly the rows that contain it, kept in step
  with the table by three triggers;
- on PostgreSQL, a `pg_trgm` GIN index on `UPPER(column)` per column, which
  serves the very `UPPER(column) LIKE UPPER('%…%')` that `icontains` compiles
  to.

Neither is a model, so Django's migrations do not build them: `install()` does,
after every `migrate` (departures/apps.py), idempotently, and fills an FTS
table it had to create. That way a migration that rebuilds a table on SQLite
(and drops its triggers) can never leave the index silently stale.

A text shorter than three characters has no trigram: it falls back to
`icontains`, which reads the table, as it always did.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connection
from django.db.models import Q
from django.db.models.expressions import RawSQL

TRIGRAM = 3


@dataclass(frozen=True)
class TextIndex:
    table: str
    columns: tuple[str, ...]

    @property
    def fts(self) -> str:
        return f"{self.table}_fts"

    def q(self, field: str, text: str) -> Q:
        """`field` (a column holding this table's ids) names a row containing
        `text`."""
        return Q(**{f"{field}__in": RawSQL(*self.ids_sql(text))})

    def ids_sql(self, text: str) -> tuple[str, list[str]]:
        """SQL selecting the ids of the rows that contain `text`, and its
        parameters: a subquery for the caller to combine."""
        text = _squashed(text)
        if self._in_fts(text):
            fts = self.fts
            return f'SELECT rowid FROM "{fts}" WHERE "{fts}" MATCH %s', [_phrase(text)]
        where, params = self._like_sql(text)
        return f'SELECT id FROM "{self.table}" WHERE {where}', params

    def where_sql(self, text: str) -> tuple[str, list[str]]:
        """A condition on this table's own rows (its columns unqualified, for
        a query over this table alone), true of those that contain `text`,
        and its parameters. On PostgreSQL, the test itself, so that a query
        reads the columns of the rows it rechecks, rather than finding their
        ids and then the rows again by id."""
        text = _squashed(text)
        if self._in_fts(text):
            sql, params = self.ids_sql(text)
            return f'"id" IN ({sql})', params
        return self._like_sql(text)

    @staticmethod
    def _in_fts(text: str) -> bool:
        """Whether the FTS table answers for `text`: on SQLite, with a
        trigram."""
        return len(text) >= TRIGRAM and connection.vendor == "sqlite"

    def _like_sql(self, text: str) -> tuple[str, list[str]]:
        # The very expression of Django's icontains on PostgreSQL, so that the
        # UPPER(column) trigram indexes serve it; on SQLite LIKE ignores case.
        pattern = "%" + _escape_like(text) + "%"
        if connection.vendor == "postgresql":
            test = "UPPER({}::text) LIKE UPPER(%s) ESCAPE '\\'"
        else:
            test = "{} LIKE %s ESCAPE '\\'"
        where = " OR ".join(test.format(f'"{c}"') for c in self.columns)
        return f"({where})", [pattern] * len(self.columns)

    # --- Building the index ------------------------------------------------

    def install(self, cursor) -> None:
        if cursor.db.vendor == "sqlite":
            self._install_sqlite(cursor)
        elif cursor.db.vendor == "postgresql":
            self._install_postgresql(cursor)

    def _install_sqlite(self, cursor) -> None:
        columns = ", ".join(self.columns)
        new = ", ".join(f"NEW.{c}" for c in self.columns)
        changed = " OR ".join(f"NEW.{c} IS NOT OLD.{c}" for c in self.columns)
        cursor.execute("SELECT count(*) FROM sqlite_master WHERE name = %s", [self.fts])
        exists = cursor.fetchone()[0]
        if not exists:
            cursor.execute(
                f'CREATE VIRTUAL TABLE "{self.fts}" USING fts5({columns}, '
                "tokenize = 'trigram')"
            )
        table, fts = self.table, self.fts
        for name, body in (
            (
                "insert",
                f"AFTER INSERT ON {table} BEGIN INSERT INTO {fts}(rowid, {columns}) "
                f"VALUES (NEW.id, {new}); END",
            ),
            (
                "update",
                f"AFTER UPDATE ON {table} WHEN {changed} BEGIN "
                f"DELETE FROM {fts} WHERE rowid = OLD.id; "
                f"INSERT INTO {fts}(rowid, {columns}) VALUES (NEW.id, {new}); END",
            ),
            (
                "delete",
                f"AFTER DELETE ON {table} BEGIN "
                f"DELETE FROM {fts} WHERE rowid = OLD.id; END",
            ),
        ):
            cursor.execute(f"CREATE TRIGGER IF NOT EXISTS {fts}_{name} {body}")
        if not exists:
            cursor.execute(
                f"INSERT INTO {fts}(rowid, {columns}) SELECT id, {columns} FROM {table}"
            )

    def _install_postgresql(self, cursor) -> None:
        cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cursor.execute(
            "SELECT indexname FROM pg_indexes WHERE tablename = %s", [self.table]
        )
        present = {name for (name,) in cursor.fetchall()}
        for column in self.columns:
            if f"{self.table}_{column}_trgm" in present:
                continue
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS "{self.table}_{column}_trgm" '
                f'ON "{self.table}" USING gin ((UPPER("{column}"::text)) '
                "gin_trgm_ops)"
            )


def _squashed(text: str) -> str:
    return " ".join((text or "").split())


def _phrase(text: str) -> str:
    """`text` as one FTS5 phrase: in double quotes, its own doubled."""
    return '"' + text.replace('"', '""') + '"'


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


PERSON_NAME = TextIndex("people_person", ("name",))
ORGANIZATION_NAME = TextIndex("people_organization", ("name",))
ROLE_TITLE = TextIndex("people_role", ("title",))
