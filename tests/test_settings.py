import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PRODUCTION = {
    "DJANGO_SECRET_KEY": "production-like-secret-key-long-and-random-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "departures.example.org",
    "DJANGO_CSRF_TRUSTED_ORIGINS": "https://departures.example.org",
}


def manage(*args, **env):
    clean = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("DJANGO_") or k == "DJANGO_SETTINGS_MODULE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_settings_refuse_to_start_without_a_secret_key_when_debug_is_off():
    result = manage("check")

    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_debug_mode_starts_without_a_secret_key():
    result = manage("check", DJANGO_DEBUG="1")

    assert result.returncode == 0, result.stderr


def test_production_settings_pass_the_deployment_checklist():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)

    assert result.returncode == 0, result.stdout + result.stderr


def test_without_redis_the_public_cache_version_is_shared_between_processes(
    settings,
):
    """Local memory is per gunicorn worker; the version that invalidates it
    is not, so a command (or another worker) reaches every worker."""
    from django.core.cache import caches

    from config import public_cache
    from config import settings as project

    if os.environ.get("DJANGO_CACHE_URL"):
        pytest.skip("DJANGO_CACHE_URL is set: the version is in Redis")
    settings.CACHES = project.CACHES
    before = public_cache.version()

    result = manage("invalidate_public_cache", **PRODUCTION)

    assert result.returncode == 0, result.stderr
    assert caches["default"].__class__.__name__ == "LocMemCache"
    assert public_cache.version() != before
