"""Measure import throughput: generate N rows, run import_departures, print rows/s.

    DJANGO_DEBUG=1 .venv/bin/python scripts/bench_import.py 2000
    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_import.py 2000
    .venv/bin/python scripts/bench_import.py --admin

`--admin` goes through the admin's import page instead, as an editor's
browser would: it uploads a file of new rows at the size cap
(MAX_UPLOAD_BYTES), timing the preview (a dry run, rendered), then confirms
it, timing the import; each must answer within gunicorn's 30 s timeout.

It imports into a throwaway database (a fresh SQLite file, or the test
database of DATABASE_URL), never into yours. Besides rows per second it
prints this process's CPU seconds, which vary less than the wall clock on a
shared machine (the PostgreSQL server's own CPU is not counted).
"""

import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("DJANGO_SECRET_KEY", "bench-only")
os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "0")
if "DATABASE_URL" not in os.environ:
    os.environ["DATABASE_URL"] = f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"


def rows(n: int) -> str:
    header = (
        "person,organization,role_title,seniority,function,announced,reason,"
        "status,stated_reason,tags,source1_url,source1_title,source1_kind\n"
    )
    lines = [
        f"Person {i},Organization {i % 50},Chief Officer {i % 3},c_suite,executive,"
        f"2024-{i % 12 + 1:02d}-{i % 28 + 1:02d},resigned,reported,Words {i}.,"
        f"theme {i % 5},https://news.example.com/{i},Headline {i},press"
        for i in range(n)
    ]
    return header + "\n".join(lines) + "\n"


def capped_rows(cap: int) -> tuple[str, int]:
    """The longest file of `rows` that is at most `cap` bytes, and its rows."""
    text = rows(cap // 150)
    lines = text.splitlines(keepends=True)
    size = len(text.encode())
    while size > cap:
        size -= len(lines.pop().encode())
    return "".join(lines), len(lines) - 1


STATIC = "django.contrib.staticfiles.storage.StaticFilesStorage"


def admin(connection) -> None:
    """Preview, then confirm, a file at the upload cap through the admin page."""
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from departures.importing import MAX_UPLOAD_BYTES

    setup_test_environment()  # the test client's host is allowed
    # Static files unbuilt (no manifest), as in the tests.
    storages = {**settings.STORAGES, "staticfiles": {"BACKEND": STATIC}}
    override_settings(STORAGES=storages).enable()
    user = get_user_model().objects.create_superuser("bench", "b@example.com", "x")
    client = Client()
    client.force_login(user)
    url = reverse("admin:departures_departure_import")
    text, n = capped_rows(MAX_UPLOAD_BYTES)
    upload = SimpleUploadedFile("rows.csv", text.encode(), content_type="text/csv")
    start, cpu = time.perf_counter(), time.process_time()
    preview = client.post(url, {"file": upload})
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    payload = preview.context and preview.context.get("payload")
    if preview.status_code != 200 or not payload:
        raise SystemExit(f"preview failed: {preview.status_code}")
    print(
        f"{connection.vendor}: admin preview of {len(text.encode()):,} bytes, "
        f"{n} new rows: {elapsed:.1f} s (CPU {cpu:.1f} s)"
    )
    start, cpu = time.perf_counter(), time.process_time()
    done = client.post(url, {"payload": payload})
    elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
    if done.status_code != 302:
        raise SystemExit(f"confirm failed: {done.status_code}")
    print(f"{connection.vendor}: admin confirm: {elapsed:.1f} s (CPU {cpu:.1f} s)")


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import get_runner  # noqa: F401 - settings loaded

    from departures.importing import import_departures

    creation = connection.creation
    old_name = creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        if sys.argv[1:] == ["--admin"]:
            admin(connection)
            return
        n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
        text = rows(n)
        start, cpu = time.perf_counter(), time.process_time()
        report = import_departures(text)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        if not report.ok:
            raise SystemExit(f"import failed: {report.errors[:5]}")
        rate = n / elapsed
        print(
            f"{connection.vendor}: {n} rows in {elapsed:.1f} s, {rate:.0f} rows/s "
            f"(CPU {cpu:.1f} s)"
        )
        start, cpu = time.perf_counter(), time.process_time()
        import_departures(text, dry_run=True)
        elapsed, cpu = time.perf_counter() - start, time.process_time() - cpu
        rate = n / elapsed
        print(
            f"{connection.vendor}: preview {elapsed:.1f} s, {rate:.0f} rows/s "
            f"(CPU {cpu:.1f} s)"
        )
    finally:
        creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
