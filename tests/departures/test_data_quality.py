import datetime

import pytest
from django.core.cache import cache
from django.urls import reverse

from departures import quality
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

URL = "/admin/departures/departure/data-quality/"


def labels(issues) -> list[str]:
    return [issue.label for issue in issues]


def test_published_departure_without_a_source_is_listed_with_its_fix(db):
    unsourced = DepartureFactory(cited=False)
    DepartureFactory()  # sourced
    DepartureFactory(draft=True, cited=False)  # a draft may lack a source

    issues = quality.published_without_sources()

    assert [issue.url for issue in issues] == [
        reverse("admin:departures_departure_change", args=[unsourced.pk])
    ]


def test_role_with_an_end_date_but_no_departure_is_listed(db):
    ended = RoleFactory(end_on=datetime.date(2024, 1, 1), end_precision="day")
    DepartureFactory(role__end_on=datetime.date(2024, 2, 1), role__end_precision="day")
    RoleFactory()  # still in role

    issues = quality.roles_ended_without_departure()

    assert labels(issues) == [str(ended)]
    assert issues[0].url == reverse("admin:people_role_change", args=[ended.pk])


def test_role_starting_after_its_departure_is_listed(db):
    wrong = DepartureFactory(
        announced_on=datetime.date(2023, 12, 1),
        role__start_on=datetime.date(2024, 1, 1),
        role__start_precision="year",
    )
    DepartureFactory(
        announced_on=datetime.date(2024, 3, 1),
        role__start_on=datetime.date(2024, 1, 1),
        role__start_precision="year",
    )

    issues = quality.roles_starting_after_departure()

    assert labels(issues) == [str(wrong)]
    assert "role began 2024" in issues[0].note


def test_overlapping_roles_of_one_person_at_one_organization_are_listed(db):
    person, org = PersonFactory(name="Olive Overlap"), OrganizationFactory()
    RoleFactory(
        person=person,
        organization=org,
        title="CTO",
        start_on=datetime.date(2020, 1, 1),
        start_precision="day",
        end_on=datetime.date(2022, 1, 1),
        end_precision="day",
    )
    RoleFactory(
        person=person,
        organization=org,
        title="CEO",
        start_on=datetime.date(2021, 1, 1),
        start_precision="year",
    )
    # One after the other at another organization: fine.
    other = OrganizationFactory()
    RoleFactory(
        person=person,
        organization=other,
        title="CTO",
        start_on=datetime.date(2010, 1, 1),
        start_precision="day",
        end_on=datetime.date(2011, 1, 1),
        end_precision="day",
    )
    RoleFactory(
        person=person,
        organization=other,
        title="CEO",
        start_on=datetime.date(2012, 1, 1),
        start_precision="day",
    )

    issues = quality.overlapping_roles()

    assert len(issues) == 1
    assert "Olive Overlap" in issues[0].label


@pytest.mark.parametrize(
    ("effective", "listed"),
    [
        (datetime.date(2025, 6, 2), True),
        (datetime.date(2023, 5, 31), True),
        (datetime.date(2024, 12, 31), False),
    ],
)
def test_effective_date_more_than_a_year_from_announcement(db, effective, listed):
    DepartureFactory(
        announced_on=datetime.date(2024, 6, 1),
        effective_on=effective,
        effective_precision="day",
    )

    assert bool(quality.effective_far_from_announced()) is listed


@pytest.mark.parametrize(
    ("a", "b", "listed"),
    [
        ("Mira Murati", "mira murati", True),
        ("Mira Murati", "Míra Muratí", True),
        ("Sam Altman", "Samuel Altman", True),
        ("Ilya Sutskever", "Ilya Sutskevar", True),
        ("Jan Leike", "Jan Smith", False),
        ("Greg Brockman", "Greta Brockman", False),
    ],
)
def test_likely_duplicate_people(db, a, b, listed):
    first, second = PersonFactory(name=a), PersonFactory(name=b)

    issues = quality.duplicate_people()

    assert bool(issues) is listed
    if listed:
        assert f"id__in={first.pk},{second.pk}" in issues[0].url


@pytest.mark.parametrize(
    ("a", "b", "listed"),
    [
        ("Safe Superintelligence Inc.", "Safe Superintelligence", True),
        ("Open AI", "OpenAI", True),
        ("DeepMind", "Deep Mind Ltd", True),
        ("OpenAI", "Anthropic", False),
    ],
)
def test_likely_duplicate_organizations(db, a, b, listed):
    OrganizationFactory(name=a)
    OrganizationFactory(name=b)

    assert len(quality.duplicate_organizations()) == int(listed)


def test_likely_duplicate_departures_within_90_days(db):
    role = RoleFactory()
    first = DepartureFactory(role=role, announced_on=datetime.date(2024, 1, 1))
    second = DepartureFactory(
        role__person=role.person,
        role__organization=role.organization,
        role__title="Adviser",
        announced_on=datetime.date(2024, 3, 1),
    )
    DepartureFactory(role=role, announced_on=datetime.date(2025, 1, 1))

    issues = quality.duplicate_departures()

    assert len(issues) == 1
    assert issues[0].url.endswith(f"/{second.pk}/change/")
    assert issues[0].other_url.endswith(f"/{first.pk}/change/")


def test_a_whole_table_check_is_kept_until_a_table_it_reads_changes(db, monkeypatch):
    computed = []

    def counted(key, find):
        def run(**kwargs):
            computed.append(key)
            return find(**kwargs)

        return run

    monkeypatch.setattr(
        quality,
        "CHECKS",
        [(key, t, d, counted(key, find)) for key, t, d, find in quality.CHECKS],
    )
    cache.clear()
    departure = DepartureFactory()
    person = PersonFactory(name="Ada Quillfeather")
    PersonFactory(name="Ada Quilfeather")

    def recomputed() -> set[str]:
        computed.clear()
        checks = {check.key: check for check in quality.run_checks()}
        assert len(checks["duplicate-people"].issues) == 1
        return set(computed) & set(quality.WHOLE_TABLE)

    assert recomputed() == set(quality.WHOLE_TABLE)
    assert recomputed() == set()
    departure.context = "Announced at an all-hands."
    departure.save()
    assert recomputed() == {"duplicate-departures"}
    person.name = "Ada Quillfeathers"
    person.save()
    assert recomputed() == {
        "overlapping-roles",
        "duplicate-people",
        "duplicate-departures",
    }


def test_demo_data_is_clean_except_for_the_expected(demo_data):
    checks = {check.key: check.issues for check in quality.run_checks()}

    assert checks["published-without-sources"] == []
    assert checks["duplicate-people"] == []
    assert checks["duplicate-departures"] == []
    assert checks["role-starts-after-departure"] == []


def test_page_shows_every_check_and_links_to_fixes(client, db):
    unsourced = DepartureFactory(cited=False)
    client.force_login(UserFactory(groups=["Editors"]))

    response = client.get(URL)

    page = response.content.decode()
    assert response.status_code == 200
    for _, title, _, _ in quality.CHECKS:
        assert title in page
    assert reverse("admin:departures_departure_change", args=[unsourced.pk]) in page


def test_merge_link_opens_the_changelist_with_just_the_pair(client, db):
    first = PersonFactory(name="Mira Murati")
    second = PersonFactory(name="Mira  Murati")
    PersonFactory(name="Someone Else")
    client.force_login(UserFactory(groups=["Publishers"]))

    response = client.get(quality.duplicate_people()[0].url)

    assert response.status_code == 200
    assert {p.pk for p in response.context["cl"].result_list} == {first.pk, second.pk}


def test_page_is_linked_from_the_admin_index(client, db):
    client.force_login(UserFactory(groups=["Editors"]))

    assert URL in client.get("/admin/").content.decode()


def test_page_answers_in_a_bounded_number_of_queries(
    client, db, django_assert_max_num_queries
):
    for _ in range(5):
        DepartureFactory(cited=False)
    client.force_login(UserFactory(groups=["Editors"]))

    with django_assert_max_num_queries(30):
        response = client.get(URL)

    assert response.status_code == 200
