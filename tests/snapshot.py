"""Data built once per test run and copied into each test that reads it.

Building the demo data goes through the importer and takes seconds; copying
its rows back with one `bulk_create` per table takes milliseconds. A snapshot
holds every row of the project's own apps (history tables included), with
their primary keys, so a test sees exactly what the builder left behind.
"""

from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.apps import apps
from django.core.management.color import no_style
from django.db import connection, models, transaction

from departures.database import KEPT_TABLES

ROOT = Path(__file__).resolve().parents[1]


def project_models() -> list[type[models.Model]]:
    """Every concrete model of the repository's own apps, through tables too,
    but for the tallies the database's triggers keep (they count the restored
    rows again)."""
    return [
        model
        for config in apps.get_app_configs()
        if Path(config.path).parent == ROOT
        for model in config.get_models(include_auto_created=True)
        if not model._meta.proxy and model._meta.db_table not in KEPT_TABLES
    ]


class Snapshot:
    def __init__(self, rows: dict[type[models.Model], list[dict[str, Any]]]):
        self.rows = rows

    @classmethod
    def build(cls, builder: Callable[[], Any]) -> tuple["Snapshot", Any]:
        """Run `builder` in a transaction, keep what it wrote, then roll back.

        The caller must be allowed to use the database (`django_db_blocker`).
        Returns the snapshot and whatever `builder` returned.
        """
        with transaction.atomic():
            result = builder()
            rows = {
                model: list(model._base_manager.order_by("pk").values())
                for model in project_models()
            }
            transaction.set_rollback(True)
        return cls({model: found for model, found in rows.items() if found}), result

    def restore(self) -> None:
        """Insert the rows into the test's (empty) tables, keeping their keys.

        In one transaction, so that foreign keys are checked once all the rows
        are in (tests on a live server run outside a test transaction).
        """
        with transaction.atomic():
            for model, rows in self.rows.items():
                model._base_manager.bulk_create(model(**row) for row in rows)
            # PostgreSQL's sequences do not see explicit keys; SQLite's do.
            statements = connection.ops.sequence_reset_sql(no_style(), list(self.rows))
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
