import pytest
from django.contrib.auth.hashers import get_hashers, get_hashers_by_algorithm
from django.core.management import call_command

from tests.snapshot import Snapshot


@pytest.fixture(scope="session", autouse=True)
def _fast_password_hasher():
    """Hash test passwords with MD5: PBKDF2 is slow by design, and the
    permission matrix alone creates users by the hundred."""
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    get_hashers.cache_clear()
    get_hashers_by_algorithm.cache_clear()


@pytest.fixture(scope="session")
def demo_snapshot(django_db_setup, django_db_blocker) -> Snapshot:
    """The demo dataset, imported once per test run."""
    with django_db_blocker.unblock():
        snapshot, _ = Snapshot.build(lambda: call_command("load_demo", verbosity=0))
    return snapshot


@pytest.fixture
def demo_data(db, demo_snapshot):
    """The demo dataset, as `load_demo` leaves it (copied from one import)."""
    demo_snapshot.restore()


@pytest.fixture
def demo_data_imported(db):
    """The demo dataset, imported for this test through `load_demo` itself:
    for tests that count what a second import adds to the history."""
    call_command("load_demo", verbosity=0)


@pytest.fixture
def editorial_groups(transactional_db):
    """The groups the data migration creates: a transactional test's flush of
    an earlier test may have removed them."""
    from importlib import import_module

    from django.apps import apps

    migration = import_module("departures.migrations.0002_editorial_groups")
    migration.create_groups(apps, None)


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser(
        username="admin", email="admin@example.com", password="a-long-test-password"
    )


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture(autouse=True)
def _plain_static_storage(settings):
    """Serve static files without a collectstatic manifest during tests."""
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }


@pytest.fixture(autouse=True)
def _public_cache_off(settings):
    """Empty caches of each test's own, in local memory, and the public cache
    off: most tests change data through the ORM between two requests, which
    only the admin and the commands invalidate (config/public_cache.py). Query
    counts therefore count the uncached queries. Tests of the cache ask for
    `public_cache`."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-pages",
            # As in settings: a crawl stores hundreds of pages and counts.
            "OPTIONS": {"MAX_ENTRIES": 3000},
        },
        "public-version": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "LOCATION": "tests-public-version",
        },
    }
    settings.PUBLIC_CACHE_SECONDS = 0
    for alias in settings.CACHES:
        caches[alias].clear()


@pytest.fixture
def public_cache(settings, _public_cache_off):
    """The public cache on, as in production (empty at the start)."""
    settings.PUBLIC_CACHE_SECONDS = 600
    return settings
