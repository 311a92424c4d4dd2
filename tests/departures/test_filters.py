import datetime

import pytest
from django.http import QueryDict

from departures.filters import DepartureFilterSet
from departures.models import Departure
from people.models import Role
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    RoleFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


def names(query: str) -> set[str]:
    filterset = DepartureFilterSet(
        QueryDict(query), queryset=Departure.objects.published()
    )
    assert filterset.is_valid(), filterset.errors
    return {d.role.person.name for d in filterset.qs}


def errors(query: str) -> dict:
    filterset = DepartureFilterSet(
        QueryDict(query), queryset=Departure.objects.published()
    )
    assert not filterset.is_valid()
    return dict(filterset.errors)


def departure(name: str, **kwargs) -> Departure:
    role_kwargs = {
        key.removeprefix("role__"): kwargs.pop(key)
        for key in list(kwargs)
        if key.startswith("role__")
    }
    return DepartureFactory(
        role=RoleFactory(person__name=name, **role_kwargs), **kwargs
    )


def test_no_parameters_match_every_published_departure():
    departure("Ada")
    departure("Draft", draft=True)
    assert names("") == {"Ada"}


def test_q_searches_person_organization_title_and_both_reasons():
    departure("Ada Lovelace")
    departure("Bob", role__organization=OrganizationFactory(name="Analytical Engines"))
    departure("Cy", role__title="Chief Lovelace Officer")
    departure("Di", stated_reason="To spend time with lovelace")
    departure("Ed", context="A lovelace-related dispute")
    departure("Fay")
    assert names("q=lovelace") == {"Ada Lovelace", "Cy", "Di", "Ed"}
    assert names("q=analytical") == {"Bob"}


def test_organization_takes_several_slugs_with_or():
    openai = OrganizationFactory(slug="openai")
    anthropic = OrganizationFactory(slug="anthropic")
    departure("Ada", role__organization=openai)
    departure("Bob", role__organization=anthropic)
    departure("Cy")
    assert names("organization=openai") == {"Ada"}
    assert names("organization=openai&organization=anthropic") == {"Ada", "Bob"}


def test_an_unknown_slug_matches_nothing_rather_than_failing():
    departure("Ada", role__organization=OrganizationFactory(slug="openai"))
    assert names("organization=no-such-organization") == set()
    assert names("tag=no-such-tag") == set()
    assert names("destination=nowhere") == set()
    assert names("organization=openai&organization=nowhere") == {"Ada"}


@pytest.mark.parametrize(
    ("parameter", "field", "value", "other"),
    [
        ("seniority", "role__seniority", Role.Seniority.BOARD, Role.Seniority.VP),
        ("function", "role__function", Role.Function.SAFETY, Role.Function.PRODUCT),
        ("reason", "reason", Departure.Reason.OUSTED, Departure.Reason.LEAVE),
        ("status", "status", Departure.Status.RUMORED, Departure.Status.REPORTED),
    ],
)
def test_each_choice_filter_alone_and_with_or(parameter, field, value, other):
    involuntary = {"is_involuntary": True} if field == "reason" else {}
    departure("Ada", **{field: value}, **involuntary)
    departure("Bob", **{field: other})
    departure("Cy")
    assert names(f"{parameter}={value}") == {"Ada"}
    assert names(f"{parameter}={value}&{parameter}={other}") == {"Ada", "Bob"}


def test_founder_is_true_or_false():
    departure("Ada", role__is_founder=True)
    departure("Bob", role__is_founder=False)
    assert names("founder=true") == {"Ada"}
    assert names("founder=false") == {"Bob"}


def test_tag_matches_any_of_its_slugs_once_per_departure():
    safety, board = TagFactory(slug="safety"), TagFactory(slug="board")
    ada = departure("Ada")
    ada.tags.add(safety, board)
    departure("Bob").tags.add(board)
    departure("Cy")
    assert names("tag=safety") == {"Ada"}
    filterset = DepartureFilterSet(
        QueryDict("tag=safety&tag=board"), queryset=Departure.objects.published()
    )
    assert filterset.is_valid()
    assert sorted(d.role.person.name for d in filterset.qs) == ["Ada", "Bob"]


def test_destination_filters_where_they_went():
    departure("Ada", destination=OrganizationFactory(slug="anthropic"))
    departure("Bob")
    assert names("destination=anthropic") == {"Ada"}


def test_from_and_to_are_inclusive_and_accept_partial_dates():
    departure("April", announced_on=datetime.date(2024, 4, 30))
    departure("May", announced_on=datetime.date(2024, 5, 1))
    departure("Late May", announced_on=datetime.date(2024, 5, 31))
    departure("June", announced_on=datetime.date(2024, 6, 1))
    departure("2023", announced_on=datetime.date(2023, 12, 31))
    assert names("from=2024-05&to=2024-05") == {"May", "Late May"}
    assert names("from=2024-05-31") == {"Late May", "June"}
    assert names("to=2024-04-30") == {"April", "2023"}
    assert names("from=2024") == {"April", "May", "Late May", "June"}


def test_a_partial_date_counts_when_its_period_overlaps_the_range():
    departure(
        "Sometime in May",
        announced_on=datetime.date(2024, 5, 1),
        announced_precision="month",
    )
    departure(
        "Sometime in 2024",
        announced_on=datetime.date(2024, 1, 1),
        announced_precision="year",
    )
    assert names("from=2024-05-20&to=2024-05-25") == {
        "Sometime in May",
        "Sometime in 2024",
    }
    assert names("from=2024-06") == {"Sometime in 2024"}


def test_reversed_includes_excludes_or_keeps_only_reversed():
    departure(
        "Back",
        announced_on=datetime.date(2023, 11, 17),
        reversed_on=datetime.date(2023, 11, 22),
    )
    departure("Gone")
    assert names("") == {"Back", "Gone"}
    assert names("reversed=include") == {"Back", "Gone"}
    assert names("reversed=exclude") == {"Gone"}
    assert names("reversed=only") == {"Back"}


def test_different_parameters_combine_with_and():
    openai = OrganizationFactory(slug="openai")
    departure(
        "Ada",
        role__organization=openai,
        role__seniority="c_suite",
        reason="ousted",
        is_involuntary=True,
        announced_on=datetime.date(2024, 5, 1),
    )
    departure("Bob", role__organization=openai, role__seniority="c_suite")
    departure("Cy", role__seniority="c_suite", reason="ousted", is_involuntary=True)
    assert names("organization=openai&seniority=c_suite&reason=ousted") == {"Ada"}
    assert names("organization=openai&reason=ousted&from=2025") == set()


def test_sort_orders_newest_or_oldest_first():
    departure("Old", announced_on=datetime.date(2020, 1, 1))
    departure("New", announced_on=datetime.date(2025, 1, 1))
    newest = DepartureFilterSet(QueryDict(""), queryset=Departure.objects.published())
    oldest = DepartureFilterSet(
        QueryDict("sort=oldest"), queryset=Departure.objects.published()
    )
    assert [d.role.person.name for d in newest.qs] == ["New", "Old"]
    assert [d.role.person.name for d in oldest.qs] == ["Old", "New"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("reason=sacked", "reason"),
        ("seniority=intern", "seniority"),
        ("function=magic", "function"),
        ("status=whispered", "status"),
        ("from=2024-13", "from"),
        ("to=2024-02-30", "to"),
        ("from=yesterday", "from"),
        ("from=2025&to=2024", "to"),
        ("page=0", "page"),
        ("page=abc", "page"),
        ("page=-1", "page"),
        ("sort=sideways", "sort"),
        ("founder=maybe", "founder"),
        ("reversed=sometimes", "reversed"),
        ("q=%00", "q"),
        ("organization=open%00ai", "organization"),
    ],
)
def test_a_bad_value_is_an_error_on_its_own_field(query, field):
    assert list(errors(query)) == [field]
