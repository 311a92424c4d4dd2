import pytest
from django.test import Client
from django.urls import reverse

from departures.models import Citation, Departure, Source
from people.models import Organization, Person, Role
from tests.factories import (
    CitationFactory,
    DepartureFactory,
    RoleFactory,
    SourceFactory,
    UserFactory,
)

URL = "/admin/departures/departure/log/"


def log_data(**overrides) -> dict:
    data = {
        "person": "Nadia Newcomer",
        "organization": "Brand New Labs",
        "role_title": "Chief Technology Officer",
        "seniority": "c_suite",
        "function": "engineering",
        "announced": "2025-03",
        "effective": "2025-04-30",
        "reason": "new_role",
        "stated_reason": "To start something new.",
        "context": "Reported after a reorganization.",
        "destination": "Next Thing Inc",
        "destination_title": "Chief Executive Officer",
        "status": "confirmed",
        "new_tags": "talent flow; founders",
        "source-TOTAL_FORMS": 2,
        "source-INITIAL_FORMS": 0,
        "source-0-url": "https://news.example.com/nadia?utm_source=feed",
        "source-0-title": "Nadia Newcomer leaves",
        "source-0-publisher": "Example News",
        "source-0-published": "2025-03-05",
        "source-0-kind": "press",
        "source-0-quote": "She is leaving.",
        "source-1-kind": "press",
    }
    data.update(overrides)
    return data


@pytest.fixture
def editor(db):
    return UserFactory(groups=["Editors"])


@pytest.fixture
def publisher(db):
    return UserFactory(groups=["Publishers"])


def test_admin_index_and_changelist_link_to_the_log_form(client, editor):
    client.force_login(editor)

    assert URL in client.get("/admin/").content.decode()
    assert URL in client.get("/admin/departures/departure/").content.decode()


def test_one_submit_creates_person_organization_role_departure_and_source(
    client, editor
):
    client.force_login(editor)

    response = client.post(URL, log_data())

    departure = Departure.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:departures_departure_change", args=[departure.pk]
    )
    assert departure.role.person.name == "Nadia Newcomer"
    assert departure.role.organization.name == "Brand New Labs"
    assert departure.role.title == "Chief Technology Officer"
    assert departure.role.function == "engineering"
    assert departure.announced.isoformat() == "2025-03"
    assert departure.effective.isoformat() == "2025-04-30"
    assert departure.destination.name == "Next Thing Inc"
    assert departure.destination_title == "Chief Executive Officer"
    assert sorted(departure.tags.values_list("name", flat=True)) == [
        "founders",
        "talent flow",
    ]
    citation = departure.citations.get()
    assert citation.source.url == "https://news.example.com/nadia"
    assert citation.quote == "She is leaving."
    assert departure.created_by == editor
    assert departure.published_at is None


def test_log_form_reuses_people_organizations_roles_and_sources(client, editor):
    role = RoleFactory(
        person__name="Ada Existing",
        organization__name="Old Corp",
        title="Chief Scientist",
        seniority="c_suite",
        function="research",
        is_founder=True,
    )
    source = SourceFactory(url="https://news.example.com/ada")
    client.force_login(editor)

    client.post(
        URL,
        log_data(
            person="ada existing",
            organization="OLD CORP",
            role_title="chief scientist",
            seniority="staff",
            function="other",
            destination="",
            destination_title="",
            **{"source-0-url": "https://news.example.com/ada#comments"},
        ),
    )

    departure = Departure.objects.get()
    assert departure.role == role
    role.refresh_from_db()
    # An existing role is reused as it is: the form's role details are for new ones.
    assert (role.seniority, role.function, role.is_founder) == (
        "c_suite",
        "research",
        True,
    )
    assert departure.citations.get().source == source
    assert (Person.objects.count(), Organization.objects.count()) == (1, 1)
    assert (Role.objects.count(), Source.objects.count()) == (1, 1)


def test_log_form_offers_the_persons_roles_at_the_organization(client, editor):
    RoleFactory(
        person__name="Ada Existing",
        organization__name="Old Corp",
        title="Chief Scientist",
        function="research",
    )
    client.force_login(editor)

    response = client.get(
        URL + "roles/", {"person": "ada existing", "organization": "old corp"}
    )

    assert response.json() == {
        "roles": [
            {
                "title": "Chief Scientist",
                "seniority": "c_suite",
                "function": "research",
                "is_founder": False,
            }
        ]
    }


def test_likely_duplicate_is_shown_and_nothing_saved_until_confirmed(client, editor):
    existing = DepartureFactory(
        role__person__name="Nadia Newcomer",
        role__organization__name="Brand New Labs",
        announced_on="2025-02-01",
        draft=True,
    )
    client.force_login(editor)

    warned = client.post(URL, log_data(role_title="President"))

    assert warned.status_code == 200
    page = warned.content.decode()
    assert "Likely duplicate" in page
    assert reverse("admin:departures_departure_change", args=[existing.pk]) in page
    assert Departure.objects.count() == 1

    confirmed = client.post(
        URL, log_data(role_title="President", confirm_duplicate="on")
    )

    assert confirmed.status_code == 302
    assert Departure.objects.count() == 2


def test_departure_more_than_90_days_apart_is_not_a_duplicate(client, editor):
    DepartureFactory(
        role__person__name="Nadia Newcomer",
        role__organization__name="Brand New Labs",
        announced_on="2024-10-01",
    )
    client.force_login(editor)

    response = client.post(URL, log_data(announced="2025-03-05"))

    assert response.status_code == 302
    assert Departure.objects.count() == 2


def test_publisher_publishes_from_the_log_form(client, publisher):
    client.force_login(publisher)

    client.post(URL, log_data(publish="on"))

    assert Departure.objects.get().is_published


def test_log_form_refuses_to_publish_without_a_source_and_says_why(client, publisher):
    client.force_login(publisher)

    response = client.post(
        URL,
        log_data(
            publish="on",
            **{
                "source-0-url": "",
                "source-0-title": "",
                "source-0-publisher": "",
                "source-0-published": "",
                "source-0-quote": "",
            },
        ),
    )

    assert response.status_code == 200
    assert "needs at least one source" in response.content.decode()
    assert not Departure.objects.exists()


def test_editor_sees_no_publish_checkbox(client, editor, publisher):
    client.force_login(editor)
    assert 'name="publish"' not in client.get(URL).content.decode()
    client.force_login(publisher)
    assert 'name="publish"' in client.get(URL).content.decode()


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"announced": "2025-13"}, "announced", "is not a real date"),
        ({"announced": "March 2025"}, "announced", "is not a date"),
        ({"person": ""}, "person", "This field is required"),
        ({"source-0-url": "", "source-0-quote": "x"}, "source-0-url", "needs its URL"),
        ({"reason": "bored"}, "reason", "Select a valid choice"),
    ],
)
def test_invalid_input_is_shown_next_to_its_field_and_saves_nothing(
    client, editor, overrides, field, message
):
    client.force_login(editor)

    response = client.post(URL, log_data(**overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Departure.objects.exists()
    assert not Person.objects.exists()


def test_a_failure_inside_the_service_rolls_everything_back(client, editor):
    # A tag name too long for its column is caught by the model, after the
    # person, organization, role and departure were created in the transaction.
    client.force_login(editor)

    response = client.post(URL, log_data(new_tags="x" * 150))

    assert response.status_code == 200
    assert "at most 100 characters" in response.content.decode()
    assert not Organization.objects.exists()
    assert not Person.objects.exists()
    assert not Departure.objects.exists()


def test_log_form_enforces_csrf(editor):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    refused = client.post(URL, log_data())

    assert refused.status_code == 403
    assert not Departure.objects.exists()

    token = client.get(URL).cookies["csrftoken"].value
    accepted = client.post(URL, log_data(csrfmiddlewaretoken=token))

    assert accepted.status_code == 302
    assert Departure.objects.count() == 1


def test_every_record_the_log_form_writes_has_history_with_its_author(client, editor):
    client.force_login(editor)

    client.post(URL, log_data())

    departure = Departure.objects.get()
    for obj in (
        departure,
        departure.role,
        departure.role.person,
        departure.role.organization,
        departure.citations.get(),
        departure.citations.get().source,
    ):
        record = obj.history.earliest()
        assert record.history_type == "+"
        assert record.history_user == editor


def test_the_same_departure_cannot_be_logged_over_an_existing_record(client, editor):
    citation = CitationFactory(
        departure__role__person__name="Nadia Newcomer",
        departure__role__organization__name="Brand New Labs",
        departure__role__title="Chief Technology Officer",
        departure__announced_on="2025-03-01",
        departure__announced_precision="month",
        departure__stated_reason="Recorded words.",
        source__url="https://news.example.com/nadia",
    )
    client.force_login(editor)

    response = client.post(
        URL,
        log_data(
            confirm_duplicate="on",
            stated_reason="",
            destination="",
            destination_title="",
        ),
    )

    assert response.status_code == 200
    page = response.content.decode()
    assert "This departure is already recorded" in page
    assert "Save anyway" not in page
    departure = Departure.objects.get()
    assert departure.stated_reason == "Recorded words."
    assert Citation.objects.count() == 1 and citation.departure == departure


def test_save_and_log_another_returns_to_an_empty_form(client, editor):
    client.force_login(editor)

    response = client.post(URL, log_data(_addanother="Save and log another"))

    assert response.status_code == 302
    assert response["Location"] == URL
    assert Departure.objects.count() == 1


def test_add_another_source_shows_one_more_row_and_saves_nothing(client, editor):
    client.force_login(editor)

    response = client.post(URL, log_data(_addsource="Add another source"))

    assert response.status_code == 200
    assert len(response.context["form"].sources.forms) == 3
    assert 'name="source-2-url"' in response.content.decode()
    assert not Departure.objects.exists()


def test_log_form_records_successor_dispute_and_reversal(client, editor):
    client.force_login(editor)

    client.post(
        URL,
        log_data(
            successor="Sam Successor",
            role_start="2020",
            is_disputed="on",
            disputed_note="Sources differ on the month.",
            reversed_on="2025-05-01",
            reversal_note="Came back.",
        ),
    )

    departure = Departure.objects.get()
    assert departure.successor.name == "Sam Successor"
    assert departure.role.start_on.year == 2020
    assert departure.is_disputed and departure.disputed_note
    assert str(departure.reversed_on) == "2025-05-01"


@pytest.mark.parametrize(
    ("field", "recorded", "typed"),
    [
        ("organization", "OpenAI", "Open AI"),
        ("person", "Marguerite Okonkwo-Hale", "Marguerite Okonkwo Hale"),
    ],
)
def test_a_name_close_to_a_recorded_one_asks_did_you_mean(
    client, editor, field, recorded, typed
):
    model = Organization if field == "organization" else Person
    model.objects.create(name=recorded, slug="recorded")
    client.force_login(editor)

    asked = client.post(URL, log_data(**{field: typed}))

    assert asked.status_code == 200
    assert f"Did you mean “{recorded}”?" in asked.content.decode()
    assert not Departure.objects.exists()

    confirmed = client.post(URL, log_data(**{field: typed}, confirm_names="on"))

    assert confirmed.status_code == 302
    assert model.objects.filter(name=typed).exists()


def test_reusing_a_role_keeps_its_start_date_when_none_is_typed(client, editor):
    role = RoleFactory(
        person__name="Nadia Newcomer",
        organization__name="Brand New Labs",
        title="Chief Technology Officer",
        start_on="2019-01-01",
        start_precision="year",
    )
    client.force_login(editor)

    response = client.post(URL, log_data())

    assert response.status_code == 302
    role.refresh_from_db()
    assert str(role.start_on) == "2019-01-01"
    assert Departure.objects.get().role == role
