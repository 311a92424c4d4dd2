"""Every way out of the data makes a fixed number of queries, however many rows."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests.queries import reads
from tests.test_query_counts import make_rows

pytestmark = pytest.mark.django_db

# Pinned. A change here is a change in how the URL reads the database:
# explain it in the commit.
URLS = {
    # the rows, then their tags and their sources: one query each per chunk
    # of exports.CHUNK_SIZE rows (900; these are one chunk), 1 + 2 * chunks in
    # all (tests/data_out/test_csv_scale.py)
    "/departures.csv": 3,
    # ... and, filtered by organization, the ids of those named
    "/departures.csv?organization=org-0&tag=tag-0&reason=resigned": 4,
    # the person, then the same
    "/people/busy-person/departures.csv": 4,
    # newest 50, tags, sources
    "/feed/": 3,
    # ... the ids of the organizations named, and the names of the selected
    # organization and tag, for the title
    "/feed/?organization=org-0&tag=tag-0&sort=oldest": 6,
    # the person or organization, then newest 50, tags, sources
    "/people/busy-person/feed/": 4,
    "/organizations/org-0/feed/": 4,
    # count, page, tags, sources (and the ids of the organizations named)
    "/api/departures": 4,
    "/api/departures?organization=org-0&page=1": 5,
    # departure, tags, sources
    "/api/departures/{departure}": 3,
    # person, departures, tags, sources
    "/api/people/busy-person": 4,
    # organization with its count
    "/api/organizations/org-0": 1,
    "/api/openapi.json": 0,
    "/api/": 0,
    # count and page for each of departures, people, organizations
    "/sitemap.xml": 6,
    "/robots.txt": 0,
    # count, newest 50, tags, sources
    "/embed/": 4,
    # ... the organization's id, and its name, for the title
    "/embed/?organization=org-0": 6,
}


@pytest.fixture(scope="module", params=[10, 200])
def rows(request, django_db_setup, django_db_blocker):
    """Built once per size for every URL (they only read), rolled back after."""
    with django_db_blocker.unblock(), transaction.atomic():
        departures, _ = make_rows(request.param)
        yield departures
        transaction.set_rollback(True)


@pytest.mark.parametrize("url", list(URLS))
def test_ways_out_make_a_fixed_number_of_queries(client, rows, url):
    departures = rows
    path = url.format(departure=departures[0].pk)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
        if response.streaming:
            b"".join(response.streaming_content)
    assert response.status_code == 200, path
    assert len(reads(queries)) == URLS[url], "\n".join(q["sql"] for q in queries)
