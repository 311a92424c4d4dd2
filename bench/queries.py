"""Where a page's time goes: its SQL queries, each timed, with the plan.

    DATABASE_URL=sqlite:////tmp/departures-bench/bench.sqlite3 \\
        .venv/bin/python bench/queries.py "/?q=governance" [--explain]

Renders the page once through Django's test client (after one warm-up) and
prints the total time, the SQL time, and each query slowest first; with
--explain, the database's plan for each (EXPLAIN QUERY PLAN on SQLite,
EXPLAIN on PostgreSQL). Read-only.
"""

import sys
import time

import in_process

in_process.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402


def main(path: str, explain: bool) -> None:
    client = Client()
    client.get(path)
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        response = client.get(path)
        total = time.perf_counter() - started
    queries = captured.captured_queries
    sql_time = sum(float(query["time"]) for query in queries)
    print(
        f"{path}: HTTP {response.status_code}, {total * 1000:.0f} ms, "
        f"{len(queries)} queries, {sql_time * 1000:.0f} ms of SQL"
    )
    prefix = "EXPLAIN QUERY PLAN " if connection.vendor == "sqlite" else "EXPLAIN "
    for query in sorted(queries, key=lambda q: -float(q["time"])):
        print(f"\n{float(query['time']) * 1000:7.1f} ms  {query['sql'][:600]}")
        if explain:
            with connection.cursor() as cursor:
                cursor.execute(prefix + query["sql"])
                for row in cursor.fetchall():
                    print("           plan:", " ".join(str(part) for part in row))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    main(sys.argv[1], "--explain" in sys.argv[2:])
