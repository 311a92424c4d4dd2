"""A search's rows read once (departures/facets.py `SearchRows`): the counts, the chart
and the page count a search page tallies in Python from one read of its
rows are what the database's GROUP BYs count."""

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departures import filters
from departures.filters import DepartureFilterSet
from departures.models import Departure, Tag
from people.models import Organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def record():
    """400 synthetic departures, a tenth of them drafts again."""
    call_command("generate_synthetic", departures=400, seed=3, verbosity=0)
    ids = list(Departure.objects.order_by("pk").values_list("pk", flat=True))
    Departure.objects.filter(pk__in=ids[::10]).update(published_at=None)
    largest = (
        Organization.objects.order_by("-tally__departures", "pk").values_list(
            "slug", flat=True
        )
    )[0]
    tag = Tag.objects.order_by("pk").values_list("slug", flat=True)[0]
    return {"largest": largest, "tag": tag}


def seen(client, query: str):
    """Everything a page shows that is counted."""
    response = client.get(f"/?{query}")
    assert response.status_code == 200, query
    context = response.context
    return {
        "count": context["paginator"].count,
        "rows": [departure.pk for departure in context["object_list"]],
        "facets": [
            (
                facet.name,
                [(o.value, o.label, o.count, o.selected) for o in facet.options],
            )
            for facet in context["facets"]
        ],
        "chart": (context["chart"].unit, context["chart"].year_only),
        "bars": [(bar.start, bar.end, bar.count) for bar in context["chart"].bars],
    }


QUERIES = [
    "q=a",
    "q=governance",
    "q=a&reason=resigned&reason=ousted",
    "q=a&organization={largest}",
    "q=a&tag={tag}",
    "q=a&reversed=only",
    "q=a&reversed=exclude&founder=true",
    "q=a&from=2015&to=2020-06",
    "q=a&seniority=c_suite&function=engineering&status=confirmed",
    "q=a&sort=oldest&page=2",
    "q=nothing-matches-this",
]


@pytest.mark.parametrize("query", QUERIES)
def test_a_search_page_read_once_counts_what_the_database_counts(
    client, record, monkeypatch, query
):
    query = query.format(**record)
    tallied = seen(client, query)
    with monkeypatch.context() as patched:
        patched.setattr(DepartureFilterSet, "searched_few", lambda self: False)
        counted = seen(client, query)
    for (name, options), (_, expected) in zip(
        tallied.pop("facets"), counted.pop("facets"), strict=True
    ):
        assert options == expected, name
    assert tallied == counted


@pytest.mark.parametrize(
    "limits",
    [(3, 100_000), (3, 5)],
    ids=["broad: its ids", "broader than FOUND_MAX: the search in each count"],
)
@pytest.mark.parametrize("query", ["q=a", "q=a&reason=resigned&reason=ousted"])
def test_a_broad_search_counts_what_the_database_counts(
    client, record, monkeypatch, query, limits
):
    """A search matching more than SEARCH_IDS_MAX is counted by a GROUP BY
    over its ids, or beyond FOUND_MAX over the search itself: the same
    counts as a page of few."""
    few = seen(client, query)
    with monkeypatch.context() as patched:
        patched.setattr(filters, "SEARCH_IDS_MAX", limits[0])
        patched.setattr(filters, "FOUND_MAX", limits[1])
        with CaptureQueriesContext(connection) as captured:
            broad = seen(client, query)
    run = sum("'%a%'" in q["sql"] for q in captured)
    if limits[1] > 400:
        # Run once for its ids (after a first read for the rows of a few,
        # where the search alone narrows the page).
        assert run == (2 if query == "q=a" else 1)
    else:
        assert run > 5  # in the list and every count
    assert broad == few


def test_a_search_reads_its_rows_once_for_every_unselected_facet(
    client, record, monkeypatch
):
    """The search reads its rows as it finds them; with one read of their
    themes, that takes the place of the count, the chart, the choices' GROUP
    BY and one query for each open facet."""
    with CaptureQueriesContext(connection) as tallied:
        client.get("/?q=a")
    monkeypatch.setattr(DepartureFilterSet, "searched_few", lambda self: False)
    with CaptureQueriesContext(connection) as counted:
        client.get("/?q=a")
    assert len(tallied) == len(counted) - 5


def test_a_search_matching_drafts_counts_none_of_them(client, record):
    """The search reads the timeline's departures, the published: a draft it
    would match is in none of its rows, and none of the counts."""
    draft = Departure.objects.filter(published_at__isnull=True).first()
    Departure.objects.filter(pk=draft.pk).update(context="Zyxwvut happened.")
    published = Departure.objects.filter(published_at__isnull=False).first()
    Departure.objects.filter(pk=published.pk).update(context="Zyxwvut again.")
    page = seen(client, "q=zyxwvut")
    assert page["count"] == 1
    assert page["rows"] == [published.pk]
    assert sum(count for _, _, count, _ in dict(page["facets"])["reason"]) == 1
    assert sum(bar[2] for bar in page["bars"]) == 1
