import datetime

import pytest
from django.http import QueryDict

from departures.facets import Links
from departures.models import Departure
from tests.factories import DepartureFactory, OrganizationFactory, RoleFactory

REASONS = [value for value, _ in Departure.Reason.choices]

pytestmark = pytest.mark.django_db


def facet(response, name):
    return next(f for f in response.context["facets"] if f.name == name)


def counts(response, name):
    return {o.value: o.count for o in facet(response, name).options}


def returned(client, href: str) -> int:
    response = client.get(f"/{href}")
    assert response.status_code == 200, href
    return response.context["paginator"].count


def assert_every_count_matches_its_link(client, query: str) -> int:
    """Follow every facet link and check what it returns against the counts.

    An option's count is what it matches with every *other* filter applied.
    In a facet with nothing selected, its link returns exactly that. Where
    values are already selected, values combine with OR, so the link of an
    unselected option adds its count to theirs, and the link of a selected
    option (which removes it) returns the others'.
    """
    response = client.get(f"/?{query}")
    assert response.status_code == 200
    checked = 0
    for each in response.context["facets"]:
        # "Include reversed" is the default, not a choice the reader made.
        chosen = [o for o in each.selected if o.value != "include"]
        chosen_total = sum(o.count for o in chosen)
        disjoint = each.name != "tag"
        for option in each.options:
            got = returned(client, option.href)
            if not chosen or not each.multiple:
                # Nothing chosen here, or a one-value facet: the link replaces.
                expected = option.count
                if option.selected and chosen:
                    expected = returned(client, _without(response, each.name))
            elif option.selected:
                others = chosen_total - option.count
                expected = (
                    others
                    if len(chosen) > 1
                    else returned(client, _without(response, each.name))
                )
            else:
                expected = chosen_total + option.count
            if disjoint or not chosen:
                assert got == expected, (
                    f"{each.name}={option.value}: count {option.count}, "
                    f"expected {expected}, {option.href} returned {got}"
                )
            else:
                assert got <= expected
            checked += 1
    return checked


def _without(response, name: str) -> str:
    query = response.wsgi_request.GET.copy()
    query.pop(name, None)
    return f"?{query.urlencode()}"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "organization=openai",
        "reason=ousted&reason=resigned",
        "seniority=c_suite&founder=true",
        "tag=board-conflict&status=confirmed",
        "from=2024-05&to=2024-08&reversed=exclude",
        "reason=resigned&seniority=c_suite&function=research&reversed=exclude",
        "q=safety",
    ],
)
def test_each_facet_count_equals_the_rows_its_link_returns(client, demo_data, query):
    assert assert_every_count_matches_its_link(client, query) > 10


def test_facet_counts_apply_every_other_filter_but_their_own(client):
    openai = OrganizationFactory(slug="openai", name="OpenAI")
    other = OrganizationFactory(slug="other", name="Other")
    DepartureFactory(role=RoleFactory(organization=openai), reason="resigned")
    DepartureFactory(role=RoleFactory(organization=openai), reason="retired")
    DepartureFactory(role=RoleFactory(organization=other), reason="resigned")

    response = client.get("/?organization=openai&reason=resigned")

    # Reasons are counted within OpenAI, whatever reason is selected...
    assert counts(response, "reason") == {"resigned": 1, "retired": 1}
    # ...and organizations within "resigned", whatever organization is.
    assert counts(response, "organization") == {"openai": 1, "other": 1}
    selected = [o.value for o in facet(response, "organization").options if o.selected]
    assert selected == ["openai"]


def test_a_selected_slug_with_no_rows_stays_listed_so_it_can_be_removed(client):
    DepartureFactory(reason="resigned")
    response = client.get("/?organization=gone")
    options = facet(response, "organization").options
    assert [(o.value, o.count, o.selected) for o in options if o.value == "gone"] == [
        ("gone", 0, True)
    ]
    assert [chip.label for chip in response.context["chips"]] == ["Organization: gone"]


def test_open_ended_facets_list_the_biggest_options_and_the_selected(client):
    for n in range(14):
        organization = OrganizationFactory(slug=f"org-{n:02d}", name=f"Org {n:02d}")
        for _ in range(n + 1):
            DepartureFactory(role=RoleFactory(organization=organization))
    response = client.get("/?organization=org-00")
    values = [o.value for o in facet(response, "organization").options]
    assert values[0] == "org-00"
    assert values[1:] == [f"org-{n:02d}" for n in range(13, 3, -1)]


def test_reversed_counts_all_excluded_and_only(client):
    DepartureFactory(
        announced_on=datetime.date(2023, 11, 17),
        reversed_on=datetime.date(2023, 11, 22),
    )
    DepartureFactory()
    response = client.get("/")
    assert counts(response, "reversed") == {"include": 2, "exclude": 1, "only": 1}


def test_a_toggle_adds_and_removes_a_value_and_resets_the_page():
    links = Links(QueryDict("reason=ousted&page=3&q=x"))
    assert links.toggle("reason", "leave", multiple=True) == (
        "?reason=ousted&reason=leave&q=x"
    )
    assert links.toggle("reason", "ousted", multiple=True) == "?q=x"
    assert links.toggle("founder", "true", multiple=False) == (
        "?reason=ousted&q=x&founder=true"
    )


@pytest.mark.parametrize(
    "query",
    [
        "",
        "page=2",
        "q=a+b%26c%3D%C3%A9&reason=ousted&reason=resigned&page=3",
        "from=2020-01&q=%E2%80%9Cx%E2%80%9D&to=&organization=a&founder=true",
        "reversed=only&sort=oldest&q=%25_%5C",
    ],
)
def test_links_are_what_a_changed_querydict_encodes(query):
    """Each link is the page's QueryDict, copied, changed and encoded, as
    the links were made before Links encoded the page once."""
    params = QueryDict(query)
    links = Links(params)

    def changed(**lists):
        copy = params.copy()
        copy.pop("page", None)
        for name, values in lists.items():
            copy.setlist(name, values)
        return f"?{copy.urlencode()}"

    for name, value in [("reason", "ousted"), ("tag", "a b"), ("founder", "true")]:
        before = params.getlist(name)
        after = (
            [v for v in before if v != value] if value in before else [*before, value]
        )
        assert links.toggle(name, value, multiple=True) == changed(**{name: after})
    assert links.toggle("founder", "false", multiple=False) == changed(
        founder=["false"]
    )
    assert links.without("q", "reversed") == changed(q=[], reversed=[])
    assert links.replace(**{"from": "2021-03", "to": "2021-05"}) == changed(
        **{"from": ["2021-03"], "to": ["2021-05"]}
    )


def test_unfiltered_organization_counts_from_the_tally_match_a_count(client):
    """With nothing selected the organization facet, and the page's count,
    read the stored tally:
    it must say what counting the published departures says, drafts, a
    role moved to another organization and a deletion included (every
    reason selected narrows nothing, but counts by GROUP BY)."""
    a, b, c = (OrganizationFactory(slug=s, name=s.upper()) for s in "abc")
    for organization, n in ((a, 3), (b, 2), (c, 1)):
        for _ in range(n):
            DepartureFactory(role=RoleFactory(organization=organization))
    DepartureFactory(role=RoleFactory(organization=c), published_at=None)
    moved = Departure.objects.filter(role__organization=a).first().role
    moved.organization = c
    moved.save()
    Departure.objects.filter(role__organization=b).first().delete()

    unfiltered = client.get("/")
    everything = client.get("/?reason=" + "&reason=".join(REASONS))
    stored = counts(unfiltered, "organization")
    counted = counts(everything, "organization")
    assert stored == counted == {"a": 2, "b": 1, "c": 2}
    # The page's count too, their sum.
    assert unfiltered.context["paginator"].count == 5
    assert everything.context["paginator"].count == 5
