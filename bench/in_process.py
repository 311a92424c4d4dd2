"""Django, set up in this process for the scripts that render pages through
its test client against a benchmark database (queries.py, admin.py): DEBUG
off, a throwaway secret key, plain HTTP, and the public cache off, so that
every page is computed. Settings given in the environment win."""

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def setup() -> None:
    sys.path.insert(0, str(ROOT))
    for name, value in {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": "insecure-key-for-the-benchmark-only",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "testserver",
        "DJANGO_PUBLIC_CACHE_SECONDS": "0",
    }.items():
        os.environ.setdefault(name, value)

    import django

    django.setup()
