"""The admin at scale: pages whose queries do not grow with the rows, and no
form that lists a whole table in a <select>."""

import datetime
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from departures.admin import DepartureAdmin
from departures.revisions import revision_propose
from tests.factories import DepartureFactory, TagFactory, UserFactory

pytestmark = pytest.mark.django_db

D = "/admin/departures/departure/"
# Pinned, for a publisher. A change here is a change in how the page reads the
# database: explain it in the commit. Each starts with the session, the user and
# the user's two sets of permissions (4).
PAGES = {
    # + the review queue, recent actions
    "/admin/": 6,
    # + the tag filter's tags, count, the page's ids, its rows, the years of
    # the date hierarchy
    D: 9,
    # ... but no years under a search, and no rows to read where no id
    # matched (nothing here is called Quillfeather, nothing is of 2024)
    D + "?q=quillfeather": 7,
    D + "?published=no&reason__exact=resigned": 9,
    D + "?review=pending": 9,
    D + "?o=2": 9,
    # ... a chosen year: Django's own months of that year instead of the years
    D + "?announced_on__year=2024": 8,
    # + the departure, its citations, revisions, tags, publication, the inline
    D + "{departure}/change/": 16,
    # + four versions of the records, four cheap checks, four whole-table ones
    # (overlapping roles, people, organizations, departures)
    D + "data-quality/": 16,
    # + count, page
    "/admin/people/person/": 6,
    "/admin/people/organization/": 6,
    # + count, page, no start dates: Django's hierarchy (first and last, years)
    "/admin/people/role/": 9,
    # + count, page
    "/admin/autocomplete/?app_label=departures&model_name=departure"
    "&field_name=role&term=person": 6,
}


def make_rows(count: int):
    """`count` departures, each with its own person, organization and source;
    one in three a draft, one in five with a change awaiting review."""
    tags = [TagFactory() for _ in range(3)]
    editor = UserFactory(groups=["Editors"])
    departures = []
    for n in range(count):
        departure = DepartureFactory(
            announced_on=datetime.date(1990 + n % 30, 1 + n % 12, 1 + n % 28),
            draft=n % 3 == 0,
        )
        departure.tags.add(tags[n % 3])
        if n % 5 == 0:
            revision_propose(
                departure=departure,
                fields=departure,
                tags=[tags[n % 3]],
                citations=[(departure.citations.get().source, "")],
                actor=editor,
            )
        departures.append(departure)
    return departures


def query_counts(client, departure) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        cache.clear()  # the data-quality page's checks, computed afresh
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.format(departure=departure.pk))
        assert response.status_code == 200, page
        counts[page] = len(queries)
    return counts


def test_admin_pages_make_the_same_queries_for_10_and_200_departures(client):
    client.force_login(UserFactory(groups=["Publishers"]))
    first = make_rows(10)[0]
    query_counts(client, first)  # fills the per-process caches (content types)
    small = query_counts(client, first)

    make_rows(190)
    large = query_counts(client, first)

    assert small == large
    assert large == {page: PAGES[page] for page in PAGES}


BIGGEST_SELECT = 100


def largest_select(html: str) -> int:
    return max(
        (s.count("<option") for s in re.findall(r"<select.*?</select>", html, re.S)),
        default=0,
    )


def test_no_admin_form_lists_a_whole_table_in_a_select(admin_client):
    departure = make_rows(BIGGEST_SELECT + 1)[-1]  # the last has a revision
    pages = [
        D + "add/",
        D + f"{departure.pk}/change/",
        D + f"{departure.pk}/history/",
        D + "log/",
        D + f"review/{departure.revisions.get().pk}/",
        D,
        "/admin/departures/citation/add/",
        f"/admin/departures/citation/{departure.citations.first().pk}/change/",
        "/admin/people/role/add/",
        f"/admin/people/role/{departure.role_id}/change/",
        f"/admin/people/person/{departure.role.person_id}/change/",
        "/admin/people/role/",
    ]

    largest = {
        page: largest_select(admin_client.get(page).content.decode()) for page in pages
    }

    assert {page: n for page, n in largest.items() if n > BIGGEST_SELECT} == {}


def test_changelist_links_each_year_with_departures_and_none_under_a_search(
    admin_client,
):
    for year in (2019, 2024):
        DepartureFactory(announced_on=datetime.date(year, 5, 1))

    listed = admin_client.get(D).content.decode()
    searched = admin_client.get(D, {"q": "a"}).content.decode()

    assert re.findall(r"announced_on__year=(\d+)", listed) == ["2019", "2024"]
    assert "announced_on__year" not in searched


def test_changelist_search_needs_every_word_in_the_role_or_the_departure(
    admin_client,
):
    found = DepartureFactory(
        role__person__name="Mira Quillfeather",
        role__organization__name="Northwind Labs",
        context="Governance dispute",
    )
    DepartureFactory(role__person__name="Mira Other", context="Governance review")

    def search(q):
        response = admin_client.get(D, {"q": q})
        return [d.pk for d in response.context["cl"].result_list]

    assert search("quillfeather northwind") == [found.pk]
    assert search('"Mira Quillfeather" dispute') == [found.pk]
    assert search("quillfeather review") == []
    assert len(search("governance")) == 2


def test_changelist_pages_list_what_the_filters_chose_in_the_chosen_order(
    admin_client, monkeypatch
):
    """The page's ids are read first and its rows then by id
    (DepartureChangeList.get_results): the rows must be those ids, in their
    order, on every page and either way a column sorts."""
    monkeypatch.setattr(DepartureAdmin, "list_per_page", 2)
    dates = [datetime.date(2020, month, 1) for month in (3, 1, 5, 2, 4)]
    found = [
        DepartureFactory(announced_on=day, context="Governance dispute")
        for day in dates
    ]
    DepartureFactory(announced_on=datetime.date(2020, 6, 1), context="Other")
    draft = DepartureFactory(announced_on=datetime.date(2020, 7, 1), draft=True)
    newest = [d.pk for d in sorted(found, key=lambda d: d.announced_on, reverse=True)]

    def listed(**params):
        response = admin_client.get(D, params)
        return [d.pk for d in response.context["cl"].result_list]

    assert (
        listed(q="governance")
        + listed(q="governance", p=2)
        + listed(q="governance", p=3)
        == newest
    )
    # The announced column, ascending: the oldest first.
    assert listed(q="governance", o="2") == newest[::-1][:2]
    assert listed(published="no") == [draft.pk]


def test_role_autocomplete_finds_a_role_by_any_of_its_words(admin_client):
    role = DepartureFactory(
        role__person__name="Ada Quillfeather",
        role__organization__name="Northwind Labs",
        role__title="Chief Scientist",
    ).role

    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "quillfeather scientist northwind",
            "app_label": "departures",
            "model_name": "departure",
            "field_name": "role",
        },
    )

    assert [r["id"] for r in response.json()["results"]] == [str(role.pk)]
