"""Plain multi-row INSERTs for the synthetic generator.

`bulk_create` spends most of its time compiling SQL value by value (about a
minute and a half for 100 000 departures with their roles and sources); a
prepared `executemany` with explicit ids does the same writes in a fraction of
that (COPY on PostgreSQL). Only for synthetic data: nothing here validates,
and no history is kept.
"""

from collections.abc import Iterable, Sequence

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone


def next_id(model: type[models.Model]) -> int:
    return (model._default_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


def insert(
    model: type[models.Model], columns: Sequence[str], rows: Iterable[Sequence]
) -> int:
    """Insert `rows` (values in the order of the `columns` attnames) into
    `model`'s table, adding `created_at`/`updated_at` when the model has them.
    Return the number of rows."""
    opts = model._meta
    fields = [opts.get_field(name) for name in columns]
    stamps = [
        field
        for field in opts.concrete_fields
        if field.name in ("created_at", "updated_at")
    ]
    now = connection.ops.adapt_datetimefield_value(timezone.now())
    adapters = []
    for field in fields:
        if isinstance(field, models.DateTimeField):
            adapters.append(connection.ops.adapt_datetimefield_value)
        elif isinstance(field, models.DateField):
            adapters.append(connection.ops.adapt_datefield_value)
        else:
            adapters.append(None)
    qn = connection.ops.quote_name
    names = [qn(field.column) for field in fields + stamps]
    # Identifiers come from the model and are quoted; values are parameters.
    sql = "INSERT INTO {} ({}) VALUES ({})".format(  # noqa: S608
        qn(opts.db_table), ", ".join(names), ", ".join(["%s"] * len(names))
    )
    stamp_values = (now,) * len(stamps)
    values = [
        tuple(
            adapt(value) if adapt and value is not None else value
            for adapt, value in zip(adapters, row, strict=True)
        )
        + stamp_values
        for row in rows
    ]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # COPY: several times faster than executemany on PostgreSQL.
            copy_sql = "COPY {} ({}) FROM STDIN".format(
                qn(opts.db_table), ", ".join(names)
            )
            with cursor.cursor.copy(copy_sql) as copy:
                for row in values:
                    copy.write_row(row)
        else:
            cursor.executemany(sql, values)
    return len(values)


def reset_sequences(*model_list: type[models.Model]) -> None:
    """After explicit ids, point PostgreSQL's sequences past them (SQLite's
    AUTOINCREMENT follows explicit ids by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(model_list))
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def analyze() -> None:
    """Refresh the planner's statistics now (PostgreSQL's rather than whenever
    autovacuum gets to it; SQLite has none until asked): plans made from a
    table's first thousand rows, or from none, are wrong for its hundred
    thousand."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def vacuum() -> None:
    """On PostgreSQL, after the bulk load has committed: VACUUM (ANALYZE).

    New rows' pages are not yet marked all-visible, so an index-only scan
    (every facet count) still visits the table for each row until a vacuum
    marks them: the timeline of a freshly generated 100 000 read 300 ms
    where it reads 220 once vacuumed. Autovacuum would, in time, where it
    runs; the generator's reader should not wait for it. Nothing to do on
    SQLite, or inside a transaction (VACUUM cannot run in one: a test's)."""
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE)")
