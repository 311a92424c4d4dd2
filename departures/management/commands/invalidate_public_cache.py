from django.core.management.base import BaseCommand

from config import public_cache


class Command(BaseCommand):
    help = (
        "Make every cached public page and value stale, on every server: after "
        "changing data outside the admin and the import commands (a shell, SQL)."
    )

    def handle(self, *args, **options):
        public_cache.invalidate()
        self.stdout.write("Public cache invalidated.")
