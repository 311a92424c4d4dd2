"""The JSON API: the filter contract, pages, read-only, and only public records."""

import datetime

import pytest

from departures.models import Departure
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def rows():
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    departures = [
        DepartureFactory(
            role=RoleFactory(organization=openai),
            announced_on=datetime.date(2024, 5, 1),
            announced_precision="month",
        )
        for _ in range(60)
    ]
    DepartureFactory(draft=True, role__organization=openai, context="DRAFT MARKER")
    return departures


def test_the_list_pages_by_50_with_a_count_and_links(client, rows):
    first = client.get("/api/departures?organization=openai").json()
    assert first["count"] == 60
    assert len(first["results"]) == 50
    assert first["previous"] is None
    assert (
        first["next"] == "http://testserver/api/departures?organization=openai&page=2"
    )
    second = client.get(first["next"]).json()
    assert len(second["results"]) == 10
    ids = [d["id"] for d in first["results"] + second["results"]]
    assert ids == sorted((d.pk for d in rows), reverse=True)


def test_dates_come_with_their_precision(client, rows):
    departure = client.get(f"/api/departures/{rows[0].pk}").json()
    assert departure["announced"] == {
        "date": "2024-05",
        "precision": "month",
        "start": "2024-05-01",
        "end": "2024-05-31",
    }
    assert departure["effective"] is None
    assert departure["voluntary"] == "true"
    assert departure["sources"][0]["url"].startswith("https://news.example.com/")


def test_bad_parameters_answer_400_naming_each(client, db):
    response = client.get("/api/departures?reason=sacked&from=2024-13&founder=maybe")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert set(errors) == {"reason", "from", "founder"}
    assert errors["from"] == ["“2024-13” is not a real date."]


def test_a_page_past_the_last_is_a_400(client, rows):
    response = client.get("/api/departures?page=3")
    assert response.status_code == 400
    assert response.json() == {
        "errors": {"page": ["There are only 2 pages of results."]}
    }


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, rows, method):
    for url in (
        "/api/departures",
        f"/api/departures/{rows[0].pk}",
        "/api/organizations/openai",
    ):
        assert getattr(client, method)(url).status_code == 405


def test_drafts_and_what_only_they_show_are_not_in_the_api(client, rows):
    draft = Departure.objects.drafts().get()
    assert client.get(f"/api/departures/{draft.pk}").status_code == 404
    assert client.get(f"/api/people/{draft.role.person.slug}").status_code == 404
    listed = client.get("/api/departures?page=2").content
    assert b"DRAFT MARKER" not in listed
    hidden = DepartureFactory(draft=True)
    assert (
        client.get(f"/api/organizations/{hidden.role.organization.slug}").status_code
        == 404
    )


def test_a_person_lists_their_published_departures(client, db):
    person = PersonFactory(name="Mira Murati", slug="mira-murati")
    published = DepartureFactory(role__person=person)
    DepartureFactory(role__person=person, draft=True)
    body = client.get("/api/people/mira-murati").json()
    assert body["name"] == "Mira Murati"
    assert [d["id"] for d in body["departures"]] == [published.pk]


def test_an_organization_counts_its_published_departures(client, rows):
    body = client.get("/api/organizations/openai").json()
    assert body["departure_count"] == 60
    assert body["departures"] == "http://testserver/api/departures?organization=openai"


def test_the_schema_names_every_filter_with_its_choices(client, db):
    schema = client.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.")
    parameters = {
        p["name"]: p["schema"]
        for p in schema["paths"]["/api/departures"]["get"]["parameters"]
    }
    assert set(parameters) == {
        "q", "organization", "seniority", "function", "founder", "reason", "tag",
        "status", "destination", "from", "to", "reversed", "sort", "page",
    }  # fmt: skip
    assert set(parameters["reason"]["items"]["enum"]) == set(Departure.Reason.values)
    assert parameters["organization"]["type"] == "array"
    # A page number from 1, or left empty (as a form submits it).
    number, empty = parameters["page"]["anyOf"]
    assert number["minimum"] == 1
    assert empty == {"type": "string", "maxLength": 0}
    assert "" in parameters["sort"]["enum"]
