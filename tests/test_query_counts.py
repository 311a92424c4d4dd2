"""Every reader page makes a fixed number of queries, however many rows."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    CitationFactory,
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    TagFactory,
)
from tests.snapshot import Snapshot

pytestmark = pytest.mark.django_db

# Pinned. A change here is a change in how the page reads the database:
# explain it in the commit.
PAGES = {
    # count (unfiltered, the tallies' sum), the page's ids, its rows, tags,
    # sources, chart; the six choice facets in one GROUP BY; the three
    # open-ended facets (organization, theme, destination), each counting
    # ids and then naming the few it shows, the selected among them;
    # unfiltered, a theme's count is its taggings less those of drafts (two)
    "/": 14,
    # ... and the ids of the organizations named (one query for both)
    "/?organization=org-0&reason=resigned&tag=tag-0&destination=org-1&from=2024": 14,
    "/?sort=oldest&reversed=exclude": 13,
    # a search: the rows it finds, with their columns, and their themes
    # (departures/facets.py SearchRows), which give the count, the chart and every
    # facet's counts; the page's ids, its rows, tags, sources; the labels of
    # the three open-ended facets
    "/?q=busy": 9,
    # departure, tags, sources, nearby
    "/departures/{departure}/": 4,
    "/people/": 2,
    "/people/?letter=P&q=person": 2,
    "/people/{person}/": 5,
    # how many organizations (their tallies), the page's hundred ranked
    "/organizations/": 2,
    # organization, totals, years, alumni, arrivals, 2 for the median,
    # newest 50 with tags and sources
    "/organizations/org-0/": 10,
    "/about/": 0,
}


def make_rows(count: int):
    """`count` published departures over 4 organizations, with tags, sources,
    destinations and successors, as varied as the pages need."""
    organizations = [
        OrganizationFactory(slug=f"org-{n}", name=f"Org {n}") for n in range(4)
    ]
    tags = [TagFactory(slug=f"tag-{n}") for n in range(3)]
    person = PersonFactory(slug="busy-person", name="Busy Person")
    departures = []
    for n in range(count):
        role = RoleFactory(
            person=person if n % 5 == 0 else PersonFactory(),
            organization=organizations[n % 4],
            start_on=datetime.date(2015, 1, 1) if n % 3 else None,
            start_precision="day" if n % 3 else "",
        )
        departure = DepartureFactory(
            role=role,
            announced_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=3 * n),
            destination=organizations[(n + 1) % 4] if n % 3 == 0 else None,
            successor=PersonFactory() if n % 7 == 0 else None,
        )
        departure.tags.add(tags[n % 3], tags[(n + 1) % 3])
        CitationFactory(departure=departure)
        departures.append(departure)
    return departures, person


@pytest.fixture(scope="module")
def rows():
    """`rows(count)` puts `make_rows(count)` in the database and returns the
    first departure's URL and the busy person's slug; each size is built once
    per module and copied into the tests that need it."""
    built = {}

    def restore(count: int) -> tuple[str, str]:
        if count not in built:
            built[count] = Snapshot.build(lambda: _addresses(*make_rows(count)))
        snapshot, addresses = built[count]
        snapshot.restore()
        return addresses

    return restore


def _addresses(departures, person) -> tuple[str, str]:
    return departures[0].get_absolute_url(), person.slug


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("url", list(PAGES))
def test_reader_pages_make_a_fixed_number_of_queries(client, rows, url, count):
    departure_url, person_slug = rows(count)
    path = url.format(
        departure=departure_url.removeprefix("/departures/")[:-1],
        person=person_slug,
    )
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200, path
    assert len(queries) == PAGES[url], "\n".join(q["sql"] for q in queries)


@pytest.mark.parametrize("count", [60, 200])
def test_a_later_page_of_the_timeline_makes_as_many_queries(client, rows, count):
    rows(count)
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/?page=2&sort=oldest")
    assert response.status_code == 200
    assert len(queries) == PAGES["/"]
