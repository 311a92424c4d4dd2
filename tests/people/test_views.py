import datetime

import pytest
from django.utils import timezone

from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db
D = datetime.date


def test_people_index_searches_and_goes_a_to_z(client):
    for name in ["Ada Lovelace", "Alan Turing", "Grace Hopper"]:
        DepartureFactory(role=RoleFactory(person=PersonFactory(name=name)))
    PersonFactory(name="Ann Nodeparture")

    def names(query):
        response = client.get(f"/people/?{query}")
        assert response.status_code == 200
        return [person.name for person in response.context["object_list"]]

    assert names("") == ["Ada Lovelace", "Alan Turing", "Grace Hopper"]
    assert names("q=hop") == ["Grace Hopper"]
    assert names("letter=A") == ["Ada Lovelace", "Alan Turing"]
    assert names("letter=A&q=turing") == ["Alan Turing"]
    assert client.get("/people/?letter=%C3%84").status_code == 400
    # A letter's page is in the order of the letter's index: case aside.
    DepartureFactory(role=RoleFactory(person=PersonFactory(name="aaron lower")))
    assert names("letter=A") == ["aaron lower", "Ada Lovelace", "Alan Turing"]


def test_a_person_page_lists_roles_in_order_with_tenure(client, demo_data):
    html = client.get("/people/ilya-sutskever/").content.decode()
    roles = html[html.index("Roles") : html.index("Departures</h2>")]
    assert roles.index("Board Member") < roles.index("Chief Scientist")
    assert "2017 – November 22, 2023 (6.9 years)" in roles
    assert "Where they went next" in html
    assert "Safe Superintelligence Inc." in html
    assert "Sources</h2>" in html


def test_a_reversed_departure_leaves_the_role_running(client, demo_data):
    html = client.get("/people/sam-altman/").content.decode()
    assert "2019 – present" in html
    assert "Ousted, reversed" in html


def test_organizations_are_ranked_by_departures_in_the_last_twelve_months(client):
    today = timezone.localdate()
    recent, old = OrganizationFactory(name="Recent"), OrganizationFactory(name="Old")
    DepartureFactory(role=RoleFactory(organization=recent), announced_on=today)
    for n in range(3):
        DepartureFactory(
            role=RoleFactory(organization=old),
            announced_on=today - datetime.timedelta(days=400 + n),
        )
    OrganizationFactory(name="Quiet")
    response = client.get("/organizations/")
    rows = [(o.name, o.recent, o.total) for o in response.context["object_list"]]
    assert rows == [("Recent", 1, 1), ("Old", 0, 3)]


def test_an_organization_page_shows_years_tenure_alumni_and_arrivals(client):
    acme = OrganizationFactory(name="Acme", slug="acme")
    rival = OrganizationFactory(name="Rival", slug="rival")
    DepartureFactory(
        role=RoleFactory(
            organization=acme, start_on=D(2020, 1, 1), start_precision="day"
        ),
        announced_on=D(2022, 1, 1),
        destination=rival,
    )
    DepartureFactory(role=RoleFactory(organization=acme), announced_on=D(2024, 3, 1))
    DepartureFactory(role=RoleFactory(organization=rival), destination=acme)

    response = client.get("/organizations/acme/")
    html = response.content.decode()
    assert [(b.label, b.count) for b in response.context["chart"].bars] == [
        ("2022", 1),
        ("2023", 0),
        ("2024", 1),
    ]
    assert '?organization=acme&amp;from=2022&amp;to=2022"' in html
    assert response.context["median_tenure"] == "2.0 years"
    assert response.context["went_to"] == [
        ("Rival", 1, "/?organization=acme&destination=rival")
    ]
    assert response.context["came_from"] == [
        ("Rival", 1, "/?organization=rival&destination=acme")
    ]


def test_an_organization_page_lists_its_biggest_flows_and_counts_the_rest(client):
    from people.views import FLOWS_SHOWN

    acme = OrganizationFactory(name="Acme", slug="acme")
    for n in range(FLOWS_SHOWN + 3):
        destination = OrganizationFactory(name=f"Next {n:02}")
        for _ in range(2 if n == FLOWS_SHOWN + 2 else 1):
            DepartureFactory(
                role=RoleFactory(organization=acme), destination=destination
            )
    response = client.get("/organizations/acme/")
    went_to = response.context["went_to"]
    assert len(went_to) == FLOWS_SHOWN
    assert went_to[0][:2] == (f"Next {FLOWS_SHOWN + 2:02}", 2)  # biggest first
    assert response.context["went_to_more"] == 3
    html = response.content.decode()
    assert "And 3 more organizations" in html
    assert 'href="/departures.csv?organization=acme"' in html
    assert response.context["came_from_more"] == 0


def test_every_count_on_an_organization_page_matches_its_timeline(client, demo_data):
    response = client.get("/organizations/openai/")
    context = response.context
    checks = [(n, href) for _, n, href in context["went_to"]]
    checks += [(bar.count, bar.href) for bar in context["chart"].bars if bar.count]
    checks.append((context["totals"]["total"], context["timeline_url"]))
    assert len(checks) > 4
    for count, href in checks:
        assert client.get(href).context["paginator"].count == count, href


def test_median_tenure_says_when_there_is_not_enough_data(client):
    acme = OrganizationFactory(slug="acme")
    DepartureFactory(role=RoleFactory(organization=acme))
    html = client.get("/organizations/acme/").content.decode()
    assert "not enough data" in html


def test_openai_median_tenure_on_the_demo_data(client, demo_data):
    response = client.get("/organizations/openai/")
    assert response.context["median_tenure"].endswith("years")
    assert response.context["totals"]["total"] == 24


@pytest.mark.parametrize("path", ["/people/", "/organizations/"])
@pytest.mark.parametrize(
    ("page", "problem"),
    [("0", "less than 1"), ("abc", "not “last”"), ("99", "contains no results")],
)
def test_index_pages_answer_a_bad_page_with_400_and_say_why(
    client, path, page, problem
):
    DepartureFactory()

    response = client.get(path, {"page": page})

    assert response.status_code == 400
    assert problem in response.content.decode()


def test_an_organization_chart_table_shows_every_year_even_without_departures(
    client,
):
    acme = OrganizationFactory(name="Acme", slug="acme")
    for announced in (D(2022, 6, 1), D(2024, 6, 1)):
        DepartureFactory(role=RoleFactory(organization=acme), announced_on=announced)

    html = client.get("/organizations/acme/").content.decode()

    assert '<th scope="col">Year</th>' in html
    assert '<th scope="row">2023</th><td class="num">0</td>' in html
    assert '1<span class="visually-hidden"> departure in 2024</span>' in html
    assert "Chart as a table" not in html
