from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from departures.backups import BackupError, backup, fingerprint


class Command(BaseCommand):
    help = (
        "Back up the whole database to one file: pg_dump's custom format on "
        "PostgreSQL, SQLite's online backup on SQLite. Safe while the app runs."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "path",
            nargs="?",
            help="Where to write (default: backups/departures-<UTC time>.<ext>).",
        )

    def handle(self, *args, path=None, **options):
        from django.db import connection

        if path is None:
            ext = "dump" if connection.vendor == "postgresql" else "sqlite3"
            stamp = timezone.now().strftime("%Y%m%dT%H%M%SZ")
            path = Path("backups") / f"departures-{stamp}.{ext}"
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            backup(path)
        except BackupError as error:
            raise CommandError(str(error)) from None
        rows = sum(count for count, _ in fingerprint().values())
        self.stdout.write(f"Backed up {rows} rows to {path}")
