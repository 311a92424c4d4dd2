from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from config import public_cache
from departures.importing import import_departures
from departures.permissions import can_publish


class Command(BaseCommand):
    help = (
        "Import departures from a CSV file (see README for the columns). "
        "Any invalid row aborts the whole import."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and report what would change, then roll back.",
        )
        parser.add_argument(
            "--user",
            help="Username recorded in the history as the author of the changes.",
        )

    def handle(self, *args, file: Path, dry_run: bool, user: str | None, **options):
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"No user named “{user}”.")
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error}") from error
        # Bytes: a line that is not UTF-8 is reported like any other bad row.
        # The named user's permissions apply: without publish_departure the
        # published column is ignored, and changes to published departures
        # wait for review, as in the admin.
        report = import_departures(
            data,
            dry_run=dry_run,
            actor=actor,
            can_publish=actor is None or can_publish(actor),
        )
        for error in report.errors:
            self.stderr.write(f"{file}:{error}")
        if not report.ok:
            raise CommandError(report.summary())
        if not dry_run:
            public_cache.invalidate()
        self.stdout.write(self.style.SUCCESS(report.summary()))
