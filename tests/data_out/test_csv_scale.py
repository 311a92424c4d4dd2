"""The CSV streams: flat memory at 20 000 rows, one query at any size."""

import datetime
import tracemalloc

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from departures.models import Citation, Departure, Source, Tag
from people.models import Organization, Person, Role

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


@pytest.mark.parametrize("count", [200, 2000])
def test_the_csv_makes_one_query_however_many_rows(client, count):
    bulk_departures(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/departures.csv?reason=resigned&tag=board-conflict")
        lines = b"".join(response.streaming_content).count(b"\r\n")
    assert lines == count + 1
    assert len(queries) == 1, "\n".join(q["sql"] for q in queries)
