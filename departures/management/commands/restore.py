from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from config import public_cache
from departures.backups import BackupError, fingerprint, restore


class Command(BaseCommand):
    help = (
        "Replace the whole database with a backup made by `backup` "
        "(pg_restore --clean on PostgreSQL, the online backup API on SQLite)."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", help="A file written by `manage.py backup`.")
        parser.add_argument(
            "--no-input",
            action="store_false",
            dest="interactive",
            help="Do not ask for confirmation.",
        )

    def handle(self, *args, path, interactive=True, **options):
        if interactive:
            answer = input(
                "This replaces every table of the database with the backup. "
                "Type 'yes' to continue: "
            )
            if answer.strip() != "yes":
                raise CommandError("Restore cancelled.")
        try:
            restore(Path(path))
        except BackupError as error:
            raise CommandError(str(error)) from None
        public_cache.invalidate()
        tables = fingerprint()
        rows = sum(count for count, _ in tables.values())
        self.stdout.write(f"Restored {len(tables)} tables, {rows} rows from {path}")
