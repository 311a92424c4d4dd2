import datetime

import pytest
from django.contrib import admin
from django.urls import reverse

from people.models import Organization, Role
from tests.factories import OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

EDITORIAL = [
    m for m in admin.site._registry if m._meta.app_label in {"people", "departures"}
]


def url(model, view, *args):
    meta = model._meta
    return reverse(f"admin:{meta.app_label}_{meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", EDITORIAL, ids=lambda m: m._meta.label)
def test_every_admin_page_renders_for_a_superuser(admin_client, demo_data, model):
    obj = model.objects.first()

    for page in (
        url(model, "changelist"),
        url(model, "add"),
        url(model, "change", obj.pk),
        url(model, "history", obj.pk),
    ):
        assert admin_client.get(page).status_code == 200, page


@pytest.mark.parametrize("model", EDITORIAL, ids=lambda m: m._meta.label)
def test_admin_search_answers_for_every_model(admin_client, demo_data, model):
    response = admin_client.get(url(model, "changelist"), {"q": "OpenAI"})

    assert response.status_code == 200


def test_autocomplete_finds_roles_by_person(admin_client, demo_data):
    response = admin_client.get(
        "/admin/autocomplete/",
        {
            "term": "Murati",
            "app_label": "departures",
            "model_name": "departure",
            "field_name": "role",
        },
    )

    assert response.status_code == 200
    assert "Mira Murati" in response.json()["results"][0]["text"]


def test_admin_shows_a_field_error_for_a_role_ending_before_it_starts(admin_client):
    person, organization = PersonFactory(), OrganizationFactory()

    response = admin_client.post(
        url(Role, "add"),
        {
            "person": person.pk,
            "organization": organization.pk,
            "title": "Chief Executive Officer",
            "seniority": "c_suite",
            "function": "executive",
            "start_on": "2024-05-01",
            "start_precision": "day",
            "end_on": "2024-04-01",
            "end_precision": "day",
        },
    )

    assert response.status_code == 200
    assert "end_on" in response.context["adminform"].form.errors
    assert not Role.objects.exists()


def test_admin_shows_a_field_error_for_an_organization_differing_only_in_case(
    admin_client,
):
    OrganizationFactory(name="OpenAI", slug="openai")

    response = admin_client.post(
        url(Organization, "add"), {"name": "openai", "slug": "openai-inc"}
    )

    assert response.status_code == 200
    assert "name" in response.context["adminform"].form.errors
    assert Organization.objects.count() == 1


def test_admin_records_who_created_a_departure(admin_client, superuser):
    from departures.models import Departure

    person = PersonFactory()
    role = Role.objects.create(
        person=person,
        organization=OrganizationFactory(),
        title="CTO",
        seniority="c_suite",
        function="executive",
    )
    response = admin_client.post(
        url(Departure, "add"),
        {
            "role": role.pk,
            "announced": "2024-09-25",
            "reason": "resigned",
            "status": "confirmed",
            "citations-TOTAL_FORMS": "0",
            "citations-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 302, response.context["adminform"].form.errors
    departure = Departure.objects.get()
    assert departure.created_by == superuser
    assert departure.announced_on == datetime.date(2024, 9, 25)
    assert departure.history.get().history_user == superuser


def test_departure_change_form_takes_dates_as_the_log_form_does(admin_client):
    from departures.models import Departure
    from tests.factories import DepartureFactory, departure_form_data

    departure = DepartureFactory(announced_on="2024-09-25")
    departure.refresh_from_db()

    response = admin_client.post(
        url(Departure, "change", departure.pk),
        departure_form_data(departure, announced="2024-09", effective="2025-13"),
    )

    assert response.status_code == 200
    assert "is not a real date" in response.content.decode()
    response = admin_client.post(
        url(Departure, "change", departure.pk),
        departure_form_data(departure, announced="2024-09", effective="2024"),
    )
    assert response.status_code == 302
    departure.refresh_from_db()
    assert departure.announced.isoformat() == "2024-09"
    assert departure.effective.isoformat() == "2024"
