import datetime

import pytest
from django.core.exceptions import ValidationError

from departures.models import Citation, Departure, Source
from departures.services import (
    SourceInput,
    departure_publish,
    departure_record,
)
from people.dates import PartialDate
from people.models import Organization, Person, Role
from tests.factories import DepartureFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db

DAY = PartialDate.parse


def record(**overrides):
    values = {
        "person": "Mira Murati",
        "organization": "OpenAI",
        "role_title": "Chief Technology Officer",
        "announced": DAY("2024-09-25"),
        "reason": Departure.Reason.RESIGNED,
        "sources": [SourceInput(url="https://www.thehindu.com/murati")],
    }
    return departure_record(**{**values, **overrides})


def test_recording_creates_person_organization_role_and_source():
    departure = record(destination="Thinking Machines Lab", tags=["C-suite exit"])

    assert departure.role.person.name == "Mira Murati"
    assert departure.role.person.slug == "mira-murati"
    assert departure.role.organization.slug == "openai"
    assert departure.destination.name == "Thinking Machines Lab"
    assert [t.name for t in departure.tags.all()] == ["C-suite exit"]
    assert departure.sources.get().url == "https://www.thehindu.com/murati"
    assert departure.is_published is False


def test_recording_reuses_people_organizations_and_sources_regardless_of_case():
    person = PersonFactory(name="Mira Murati", slug="mira-murati")
    organization = OrganizationFactory(name="OpenAI", slug="openai")
    record(announced=DAY("2024-09-25"))

    record(
        person="MIRA MURATI",
        organization="openai",
        role_title="chief technology officer",
        announced=DAY("2024-10-01"),
        sources=[SourceInput(url="HTTPS://WWW.THEHINDU.COM/murati?utm_medium=x")],
    )

    assert Person.objects.get() == person
    assert Organization.objects.get() == organization
    assert Role.objects.count() == 1
    assert Source.objects.count() == 1
    assert Departure.objects.count() == 2


def test_recording_the_same_facts_twice_changes_nothing():
    first = record(tags=["safety concerns"])
    history_rows = Departure.history.count()

    again = record(tags=["Safety Concerns"])

    assert again == first
    assert Departure.objects.count() == 1
    assert Citation.objects.count() == 1
    assert Departure.history.count() == history_rows


def test_recording_is_atomic_when_a_later_step_fails():
    with pytest.raises(ValidationError):
        record(
            person="New Person",
            organization="New Org",
            reversed_on=datetime.date(2024, 9, 1),  # before the announcement
        )

    assert not Person.objects.filter(name="New Person").exists()
    assert not Organization.objects.filter(name="New Org").exists()
    assert not Source.objects.exists()


def test_recording_updates_a_departure_already_recorded_for_that_role_and_date():
    record(reason=Departure.Reason.UNDISCLOSED)

    departure = record(reason=Departure.Reason.RESIGNED, stated_reason="Exploring.")

    assert Departure.objects.get() == departure
    assert departure.reason == Departure.Reason.RESIGNED
    assert departure.stated_reason == "Exploring."


def test_an_ouster_is_recorded_as_involuntary():
    departure = record(reason=Departure.Reason.OUSTED)

    assert departure.is_involuntary is True


def test_a_departure_without_a_source_cannot_be_published():
    departure = DepartureFactory(draft=True, cited=False)

    with pytest.raises(ValidationError, match="source"):
        departure_publish(departure=departure)

    departure.refresh_from_db()
    assert departure.published_at is None


def test_recording_with_published_true_needs_a_source():
    with pytest.raises(ValidationError, match="source"):
        record(sources=[], published=True)

    assert not Departure.objects.exists()


def test_history_keeps_who_recorded_a_departure(django_user_model):
    editor = django_user_model.objects.create_user("editor", password="x" * 12)

    departure = record(actor=editor)

    assert departure.created_by == editor
    assert departure.history.get().history_user == editor
