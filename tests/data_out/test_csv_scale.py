"""The CSV streams: flat memory at 20 000 rows; one query for the rows and two
per chunk of them (tags, sources), never one per row."""

import datetime
import math
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from departures import exports
from departures.models import Citation, Departure, Source, Tag
from people.models import Organization, Person, Role
from tests.queries import reads

pytestmark = pytest.mark.django_db

# The export of 20 000 rows is about 8 MB; the server holds at most half of it
# at once (in fact one chunk of rows: about 2.5 MB, whatever the total).
PEAK_BOUND = 4 * 1024 * 1024


def bulk_departures(count: int) -> None:
    """`count` published departures with a tag and a source each, in a few
    bulk inserts (no factories: they would take minutes)."""
    organizations = Organization.objects.bulk_create(
        Organization(name=f"Org {n}", slug=f"org-{n}") for n in range(20)
    )
    people = Person.objects.bulk_create(
        Person(name=f"Person {n}", slug=f"person-{n}") for n in range(count)
    )
    roles = Role.objects.bulk_create(
        Role(
            person=person,
            organization=organizations[n % 20],
            title="Chief Technology Officer",
            seniority=Role.Seniority.C_SUITE,
            function=Role.Function.ENGINEERING,
        )
        for n, person in enumerate(people)
    )
    now = timezone.now()
    departures = Departure.objects.bulk_create(
        Departure(
            role=role,
            # Many ties: 50 rows share each date.
            announced_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=n // 50),
            reason=Departure.Reason.RESIGNED,
            stated_reason="To spend more time on research, with thanks to the team "
            "and to everyone who built it with me.",
            published_at=now,
        )
        for n, role in enumerate(roles)
    )
    tag = Tag.objects.create(name="board conflict", slug="board-conflict")
    Departure.tags.through.objects.bulk_create(
        Departure.tags.through(departure=d, tag=tag) for d in departures
    )
    sources = Source.objects.bulk_create(
        Source(url=f"https://news.example.com/{n}") for n in range(count)
    )
    Citation.objects.bulk_create(
        Citation(departure=d, source=s)
        for d, s in zip(departures, sources, strict=True)
    )


def test_20000_rows_stream_with_flat_memory(client):
    bulk_departures(20_000)
    response = client.get("/departures.csv")
    assert response.streaming
    tracemalloc.start()
    try:
        size = lines = 0
        for chunk in response.streaming_content:
            size += len(chunk)
            lines += chunk.count(b"\r\n")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert lines == 20_001
    assert size > 1.8 * PEAK_BOUND
    assert peak < PEAK_BOUND, f"peak {peak} bytes for {size} bytes of CSV"


def queries_for(rows: int) -> int:
    """The rows in one query, then each chunk's tags and sources in one each."""
    return 1 + 2 * math.ceil(rows / exports.CHUNK_SIZE)


@pytest.mark.parametrize(
    "count, chunk_size",
    [
        (200, None),  # one chunk: 3 queries
        (2000, None),  # 3 chunks of 900: 7
        (2000, 2000),  # one chunk: 3, as for 200 rows
        (200, 50),  # 4 chunks: 9
        (201, 50),  # a 5th chunk of one row: 11
    ],
)
def test_the_csv_makes_one_query_and_two_per_chunk_however_many_rows(
    client, monkeypatch, count, chunk_size
):
    if chunk_size:
        monkeypatch.setattr(exports, "CHUNK_SIZE", chunk_size)
    bulk_departures(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/departures.csv?reason=resigned&tag=board-conflict")
        body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") == count + 1
    assert body.count(b",board conflict,https://news.example.com/") == count
    assert len(reads(queries)) == queries_for(count), "\n".join(
        q["sql"] for q in queries
    )


def test_an_empty_csv_makes_one_query(client, db):
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/departures.csv")
        body = b"".join(response.streaming_content)
    assert body.count(b"\r\n") == 1
    assert len(reads(queries)) == 1


def test_the_csv_leaves_the_planner_as_it_found_it(client, db):
    """On PostgreSQL the export plans its cursor for every row; the session's
    setting is back to its own once the cursor is declared."""
    if connection.vendor != "postgresql":
        pytest.skip("a PostgreSQL planner setting")
    bulk_departures(3)
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        (before,) = cursor.fetchone()
    with CaptureQueriesContext(connection) as queries:
        body = b"".join(client.get("/departures.csv").streaming_content)
    assert body.count(b"\r\n") == 4
    assert [q["sql"] for q in queries][:1] == ["SET cursor_tuple_fraction = 1"]
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone() == (before,)
