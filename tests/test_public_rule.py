"""The one rule for what is public: only through a published departure."""

import pytest

from departures.models import Citation, Source, Tag
from people.models import Organization, Person, Role
from tests.factories import (
    CitationFactory,
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def records():
    """One published departure and one draft, each with its own everything."""
    public = DepartureFactory(
        destination=OrganizationFactory(name="Public Destination"),
        successor=PersonFactory(name="Public Successor"),
    )
    public.tags.add(TagFactory(name="Public theme"))
    draft = DepartureFactory(
        draft=True,
        destination=OrganizationFactory(name="Draft Destination"),
        successor=PersonFactory(name="Draft Successor"),
    )
    draft.tags.add(TagFactory(name="Draft theme"))
    return public, draft


def test_public_people_are_those_who_left_or_succeeded_in_a_published_departure(
    records,
):
    public, draft = records
    PersonFactory(name="Nobody")
    assert set(Person.objects.public()) == {public.role.person, public.successor}


def test_public_organizations_are_those_left_or_joined_in_a_published_departure(
    records,
):
    public, draft = records
    OrganizationFactory(name="Unrelated")
    assert set(Organization.objects.public()) == {
        public.role.organization,
        public.destination,
    }


def test_only_roles_left_in_a_published_departure_are_public(records):
    public, draft = records
    assert list(Role.objects.public()) == [public.role]


def test_only_tags_sources_and_quotes_of_published_departures_are_public(records):
    public, draft = records
    assert [t.name for t in Tag.objects.public()] == ["Public theme"]
    assert list(Source.objects.public()) == [c.source for c in public.citations.all()]
    assert list(Citation.objects.public()) == list(public.citations.all())


def test_a_source_cited_by_a_draft_and_a_published_departure_is_public_once(records):
    public, draft = records
    shared = public.citations.get().source
    CitationFactory(departure=draft, source=shared)
    assert list(Source.objects.public().filter(pk=shared.pk)) == [shared]


def test_a_person_whose_only_departure_is_a_draft_is_not_public(records):
    public, draft = records
    assert not Person.objects.public().filter(pk=draft.role.person_id).exists()
    assert not Person.objects.public().filter(pk=draft.successor_id).exists()
