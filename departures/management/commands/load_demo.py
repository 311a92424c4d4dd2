from django.core.management.base import BaseCommand, CommandError

from config import public_cache
from departures.importing import DEMO_CSV, import_departures
from departures.models import Departure


class Command(BaseCommand):
    help = (
        "Load the demo dataset (OpenAI leadership departures, 2023–2024, with "
        "sources). Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--if-empty",
            action="store_true",
            help="Load only when the database has no departures yet.",
        )

    def handle(self, *args, if_empty: bool, **options):
        if if_empty and Departure.objects.exists():
            self.stdout.write("Departures already recorded; demo data not loaded.")
            return
        report = import_departures(DEMO_CSV.read_text(encoding="utf-8"))
        for error in report.errors:
            self.stderr.write(f"{DEMO_CSV.name}:{error}")
        if not report.ok:
            raise CommandError(report.summary())
        public_cache.invalidate()
        self.stdout.write(self.style.SUCCESS(report.summary()))
