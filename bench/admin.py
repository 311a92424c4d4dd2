"""The admin at scale: how long its heaviest pages take an editor.

    DATABASE_URL=sqlite:////tmp/departures-bench/bench.sqlite3 \\
        .venv/bin/python bench/admin.py [N]

Run against the database `make bench` built (BENCH_REUSE=1 keeps it), or any
other. Each page through Django's test client as a superuser (made for the
run and rolled back with everything else the run writes): one warm-up, then
N (7) requests; median and largest in milliseconds, and the page's queries.
The data-quality page is timed twice: its whole-table checks computed afresh
(the cache cleared before each request: the first visit after every table
changed) and after a departure was saved (its departures' check alone).
That clears the configured cache: local memory unless the environment names
a shared one (DJANGO_CACHE_URL), which it then clears too.
"""

import statistics
import sys
import time

import in_process

in_process.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.core.cache import cache  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from departures.models import Departure  # noqa: E402
from departures.synthetic_words import COMMON_WORD, RARE_SURNAME  # noqa: E402

D = "/admin/departures/departure/"
QUALITY = D + "data-quality/"


def pages() -> list[tuple[str, str]]:
    first = Departure.objects.order_by("pk").values_list("pk", flat=True).first()
    return [
        ("departures", D),
        ("search, a common word", D + f"?q={COMMON_WORD}"),
        ("search, a rare surname", D + f"?q={RARE_SURNAME}"),
        ("search, two letters", D + "?q=AI"),
        ("drafts of one reason", D + "?published=no&reason__exact=resigned"),
        ("page 50", D + "?p=50"),
        ("sorted by announced", D + "?o=2"),
        ("changes awaiting review", D + "?review=pending"),
        ("a departure's change form", f"{D}{first}/change/"),
        ("people", "/admin/people/person/"),
        ("roles", "/admin/people/role/"),
        ("sources", "/admin/departures/source/"),
        (
            "role autocomplete",
            "/admin/autocomplete/?app_label=departures&model_name=departure"
            "&field_name=role&term=silva",
        ),
        ("data quality, cached", QUALITY),
    ]


def timed(client: Client, path: str, n: int, before=None) -> tuple[list[float], int]:
    client.get(path)
    times = []
    for _ in range(n):
        if before:
            before()
        started = time.perf_counter()
        response = client.get(path)
        times.append((time.perf_counter() - started) * 1000)
        if response.status_code != 200:
            sys.exit(f"{path}: HTTP {response.status_code}")
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return times, len(queries)


def touch_a_departure() -> None:
    Departure.objects.filter(
        pk=Departure.objects.order_by("pk").values("pk")[:1]
    ).update(updated_at=timezone.now())


class Rollback(Exception):
    pass


def main(n: int) -> None:
    print(
        f"{connection.vendor}, {Departure.objects.count()} departures, "
        f"N = {n}\n\n| page | median ms | largest ms | queries |\n|---|---|---|---|"
    )
    try:
        with transaction.atomic():
            user = get_user_model().objects.create_superuser(
                "bench-admin", "bench@example.invalid", None
            )
            client = Client()
            client.force_login(user)
            rows = [(label, path, None) for label, path in pages()] + [
                ("data quality, computed afresh", QUALITY, cache.clear),
                ("data quality, after a departure's save", QUALITY, touch_a_departure),
            ]
            for label, path, before in rows:
                times, queries = timed(client, path, n, before)
                print(
                    f"| {label} (`{path}`) | {statistics.median(times):.0f} "
                    f"| {max(times):.0f} | {queries} |"
                )
            raise Rollback
    except Rollback:
        pass


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 7)
