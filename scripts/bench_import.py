"""Measure import throughput: generate N rows, run import_departures, print rows/s.

    DJANGO_DEBUG=1 .venv/bin/python scripts/bench_import.py 2000
    DATABASE_URL=postgres://… .venv/bin/python scripts/bench_import.py 2000

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


def main() -> None:
    import django

    django.setup()
    from django.db import connection
    from django.test.utils import get_runner  # noqa: F401 - settings loaded

    from departures.importing import import_departures

    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    creation = connection.creation
    old_name = creation.create_test_db(verbosity=0, autoclobber=True)
    try:
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
