import pytest
from django.core.management import call_command


@pytest.fixture
def demo_data(db):
    """The demo dataset, loaded through `load_demo`."""
    call_command("load_demo", verbosity=0)


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
