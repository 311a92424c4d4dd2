import time

from django.core.management.base import BaseCommand, CommandError

from config import public_cache
from departures import synthetic
from departures.models import Departure


class Command(BaseCommand):
    help = (
        "Fill the database with synthetic, published departures for benchmarks: "
        "deterministic for a seed, every row marked synthetic (sources on "
        f"{synthetic.SOURCE_HOST}, organizations named “…"
        f"{synthetic.ORGANIZATION_SUFFIX}”). Refused when departures exist, "
        "unless --force."
    )

    def add_arguments(self, parser):
        parser.add_argument("--departures", type=int, default=100_000)
        parser.add_argument("--seed", type=int, default=1)
        parser.add_argument(
            "--force",
            action="store_true",
            help="Add synthetic rows even though the database has departures.",
        )

    def handle(self, *args, departures: int, seed: int, force: bool, **options):
        if departures < 1:
            raise CommandError("--departures must be at least 1.")
        if Departure.objects.exists() and not force:
            raise CommandError(
                "The database already has departures; synthetic data goes into an "
                "empty database. Use --force to add it anyway."
            )
        if synthetic.synthetic_sources().exists():
            raise CommandError(
                "The database already holds synthetic data; generate into a fresh "
                "database."
            )
        log = self.stdout.write if options["verbosity"] > 1 else (lambda _: None)
        started = time.monotonic()
        plan = synthetic.Plan.scaled(departures, seed=seed)
        counts = synthetic.Generator(plan, log=log).run()
        public_cache.invalidate()
        summary = ", ".join(f"{value} {name}" for name, value in counts.items())
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {summary} (seed {seed}) in "
                f"{time.monotonic() - started:.1f} s."
            )
        )
