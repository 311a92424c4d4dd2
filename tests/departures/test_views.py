import datetime

import pytest
from django.db import OperationalError, connection

from tests.factories import DepartureFactory, PersonFactory, RoleFactory

pytestmark = pytest.mark.django_db


def test_draft_departures_are_not_on_the_timeline(client):
    DepartureFactory(role=RoleFactory(person=PersonFactory(name="Public Person")))
    DepartureFactory(
        role=RoleFactory(person=PersonFactory(name="Secret Draft")), draft=True
    )

    page = client.get("/").content.decode()

    assert "Public Person" in page
    assert "Secret Draft" not in page


def test_a_draft_departure_has_no_public_page(client):
    draft = DepartureFactory(draft=True)

    assert client.get(draft.get_absolute_url()).status_code == 404


def test_timeline_shows_dates_at_their_precision(client):
    DepartureFactory(
        announced_on=datetime.date(2024, 4, 1), announced_precision="month"
    )

    page = client.get("/").content.decode()

    assert "April 2024" in page
    assert "April 1, 2024" not in page


def test_timeline_links_each_departure_to_its_sources(client, demo_data):
    page = client.get("/").content.decode()

    assert "https://www.thehindu.com/sci-tech/technology/openai-cto-mira-murati" in page


def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.content == b"ok\n"


def test_healthz_answers_503_when_the_database_does_not(client, monkeypatch):
    def broken_cursor(*args, **kwargs):
        raise OperationalError("connection refused")

    monkeypatch.setattr(connection, "cursor", broken_cursor)

    assert client.get("/healthz").status_code == 503
