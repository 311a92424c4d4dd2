import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from departures.merging import organization_merge, person_merge
from departures.models import Citation, Departure
from people.models import Organization, OrganizationRedirect, Person, PersonRedirect
from tests.factories import (
    CitationFactory,
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    TagFactory,
    UserFactory,
)


@pytest.fixture
def publisher(db):
    return UserFactory(groups=["Publishers"])


def test_person_merge_moves_roles_departures_successions_and_citations(publisher):
    survivor = PersonFactory(name="Mira Murati", slug="mira-murati", bio="")
    loser = PersonFactory(
        name="Mira Murrati", slug="mira-murrati", bio="CTO.", links="https://x.example"
    )
    kept_role = RoleFactory(person=survivor, title="Chief Technology Officer")
    # The same role recorded twice, with the same departure recorded twice.
    twin_role = RoleFactory(
        person=loser,
        organization=kept_role.organization,
        title="chief technology officer",
    )
    kept = DepartureFactory(role=kept_role, announced_on=datetime.date(2024, 9, 25))
    twin = DepartureFactory(
        role=twin_role, announced_on=datetime.date(2024, 9, 25), stated_reason="Why."
    )
    twin_tag = TagFactory(name="wave")
    twin.tags.add(twin_tag)
    twin_source = twin.citations.get().source
    other_role = RoleFactory(person=loser, title="Board Member")
    other_departure = DepartureFactory(role=other_role)
    succeeded = DepartureFactory(successor=loser)

    person_merge(survivor=survivor, merged=[survivor, loser], actor=publisher)

    assert not Person.objects.filter(pk=loser.pk).exists()
    assert set(survivor.roles.all()) == {kept_role, other_role}
    assert not Departure.objects.filter(pk=twin.pk).exists()
    kept.refresh_from_db()
    assert kept.stated_reason == "Why."
    assert twin_tag in kept.tags.all()
    assert Citation.objects.filter(departure=kept, source=twin_source).exists()
    other_departure.refresh_from_db()
    assert other_departure.role.person == survivor
    succeeded.refresh_from_db()
    assert succeeded.successor == survivor
    survivor.refresh_from_db()
    assert survivor.bio == "CTO."
    assert survivor.links == "https://x.example"
    assert PersonRedirect.objects.get(old_slug="mira-murrati").person == survivor


def test_merge_keeps_history_with_who_did_it(publisher):
    survivor, loser = PersonFactory(), PersonFactory()
    role = RoleFactory(person=loser)
    loser_pk = loser.pk

    person_merge(survivor=survivor, merged=[loser], actor=publisher)

    deleted = Person.history.filter(id=loser_pk).latest()
    assert deleted.history_type == "-"
    assert deleted.history_user == publisher
    assert "Merged into" in deleted.history_change_reason
    moved = role.history.latest()
    assert moved.person_id == survivor.pk
    assert moved.history_user == publisher


def test_organization_merge_moves_roles_destinations_and_redirects(publisher):
    survivor = OrganizationFactory(name="Anthropic", slug="anthropic", website="")
    loser = OrganizationFactory(
        name="Anthropic PBC", slug="anthropic-pbc", website="https://anthropic.com"
    )
    role = RoleFactory(organization=loser)
    arrival = DepartureFactory(destination=loser)

    organization_merge(survivor=survivor, merged=[loser], actor=publisher)

    role.refresh_from_db()
    arrival.refresh_from_db()
    survivor.refresh_from_db()
    assert role.organization == survivor
    assert arrival.destination == survivor
    assert survivor.website == "https://anthropic.com"
    assert not Organization.objects.filter(pk=loser.pk).exists()
    assert OrganizationRedirect.objects.get(old_slug="anthropic-pbc").organization == (
        survivor
    )


def test_merging_into_itself_alone_is_refused(db):
    person = PersonFactory()

    with pytest.raises(ValidationError):
        person_merge(survivor=person, merged=[person])


def test_merged_away_person_url_redirects_permanently(client, publisher):
    survivor = PersonFactory(slug="ilya-sutskever")
    loser = PersonFactory(slug="ilya-sutskevar")
    DepartureFactory(role__person=survivor)

    person_merge(survivor=survivor, merged=[loser], actor=publisher)
    response = client.get("/people/ilya-sutskevar/")

    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


def test_merged_away_organization_url_redirects_permanently(client, publisher):
    survivor = OrganizationFactory(slug="openai")
    loser = OrganizationFactory(slug="open-ai")
    DepartureFactory(role__organization=survivor)

    organization_merge(survivor=survivor, merged=[loser], actor=publisher)
    response = client.get("/organizations/open-ai/")

    assert response.status_code == 301
    assert response["Location"] == survivor.get_absolute_url()


def test_chained_merges_redirect_to_the_last_survivor(client, publisher):
    first, second, third = (PersonFactory() for _ in range(3))
    DepartureFactory(role__person=third)

    person_merge(survivor=second, merged=[first], actor=publisher)
    person_merge(survivor=third, merged=[second], actor=publisher)

    assert client.get(f"/people/{first.slug}/")["Location"] == (
        third.get_absolute_url()
    )


def test_merged_away_url_never_redirects_to_a_person_only_drafts_show(
    client, publisher
):
    survivor = PersonFactory(slug="draft-only-survivor")
    loser = PersonFactory(slug="draft-only-loser")
    DepartureFactory(role__person=survivor, draft=True)

    person_merge(survivor=survivor, merged=[loser], actor=publisher)

    assert client.get("/people/draft-only-loser/").status_code == 404


def test_unknown_slug_still_404s(client, db):
    assert client.get("/people/nobody-at-all/").status_code == 404


def test_merged_away_slug_is_never_handed_out_again(publisher):
    from people.services import person_get_or_create

    survivor = PersonFactory(name="Jan Leike", slug="jan-leike-2")
    loser = PersonFactory(name="Jan  Leike", slug="jan-leike")
    person_merge(survivor=survivor, merged=[loser], actor=publisher)
    survivor.name = "Jan Leike (researcher)"
    survivor.save()

    newcomer = person_get_or_create(name="Jan Leike")

    assert newcomer.slug not in {"jan-leike", "jan-leike-2"}


def test_admin_merge_action_asks_for_the_survivor_then_merges(client, publisher):
    keep, lose = PersonFactory(name="Keep Me"), PersonFactory(name="Lose Me")
    RoleFactory(person=lose)
    client.force_login(publisher)
    url = reverse("admin:people_person_changelist")
    selected = {"action": "merge_selected", "_selected_action": [keep.pk, lose.pk]}

    confirm = client.post(url, selected)

    assert confirm.status_code == 200
    assert "Keep Me" in confirm.content.decode()

    done = client.post(url, {**selected, "post": "yes", "survivor": keep.pk})

    assert done.status_code == 302
    assert done["Location"] == reverse("admin:people_person_change", args=[keep.pk])
    assert list(Person.objects.all()) == [keep]
    assert keep.roles.count() == 1


def test_citations_of_merged_departures_survive(publisher):
    citation = CitationFactory(quote="said so")
    loser = citation.departure.role.person
    survivor = PersonFactory()

    person_merge(survivor=survivor, merged=[loser], actor=publisher)

    citation.refresh_from_db()
    assert citation.departure.role.person == survivor


def test_folded_departure_url_redirects_to_the_surviving_departure(client, publisher):
    survivor, loser = PersonFactory(), PersonFactory()
    kept = DepartureFactory(
        role__person=survivor, role__title="CEO", announced_on="2024-09-25"
    )
    folded = DepartureFactory(
        role__person=loser,
        role__organization=kept.role.organization,
        role__title="CEO",
        announced_on="2024-09-25",
    )
    old_url = folded.get_absolute_url()

    person_merge(survivor=survivor, merged=[loser], actor=publisher)
    response = client.get(old_url)

    assert response.status_code == 301
    assert response["Location"] == kept.get_absolute_url()


def test_folded_draft_url_does_not_reveal_a_draft_survivor(client, publisher):
    survivor, loser = PersonFactory(), PersonFactory()
    draft = DepartureFactory(
        role__person=survivor, role__title="CEO", announced_on="2024-09-25", draft=True
    )
    folded = DepartureFactory(
        role__person=loser,
        role__organization=draft.role.organization,
        role__title="CEO",
        announced_on="2024-09-25",
        draft=True,
    )
    old_url = folded.get_absolute_url()

    person_merge(survivor=survivor, merged=[loser], actor=publisher)

    assert not Departure.objects.filter(pk=folded.pk).exists()
    assert client.get(old_url).status_code == 404


def test_folding_a_published_departure_into_a_draft_keeps_it_public(publisher):
    survivor, loser = PersonFactory(), PersonFactory()
    draft = DepartureFactory(
        role__person=survivor, role__title="CEO", announced_on="2024-09-25", draft=True
    )
    DepartureFactory(
        role__person=loser,
        role__organization=draft.role.organization,
        role__title="CEO",
        announced_on="2024-09-25",
    )

    person_merge(survivor=survivor, merged=[loser], actor=publisher)

    draft.refresh_from_db()
    assert draft.is_published
    assert draft.citations.count() == 2
