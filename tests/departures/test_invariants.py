"""No published departure without a source, through every admin path; no lost
updates; staff previews of drafts and pending changes."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from departures.models import Citation, Departure
from departures.revisions import revision_propose
from departures.services import departure_merge
from tests.factories import (
    CitationFactory,
    DepartureFactory,
    SourceFactory,
    UserFactory,
    departure_form_data,
)


@pytest.fixture
def publisher(db):
    return UserFactory(groups=["Publishers"], username="pat")


@pytest.fixture
def editor(db):
    return UserFactory(groups=["Editors"], username="eddie")


def test_deleting_the_last_citation_inline_of_a_published_departure_is_refused(
    client, publisher
):
    departure = DepartureFactory()
    client.force_login(publisher)

    response = client.post(
        reverse("admin:departures_departure_change", args=[departure.pk]),
        departure_form_data(departure, **{"citations-0-DELETE": "on"}),
    )

    assert response.status_code == 200
    assert "needs at least one source" in response.content.decode()
    assert departure.citations.exists()


def test_moving_the_only_citation_of_a_published_departure_is_refused(
    client, publisher
):
    departure = DepartureFactory()
    citation = departure.citations.get()
    draft = DepartureFactory(draft=True, cited=False)
    client.force_login(publisher)

    response = client.post(
        reverse("admin:departures_citation_change", args=[citation.pk]),
        {"departure": draft.pk, "source": citation.source_id, "quote": ""},
    )

    assert response.status_code == 200
    assert "only source of a published departure" in response.content.decode()
    citation.refresh_from_db()
    assert citation.departure == departure


@pytest.mark.parametrize("how", ["delete view", "delete action"])
def test_deleting_the_only_citation_of_a_published_departure_is_refused(
    client, publisher, how
):
    departure = DepartureFactory()
    citation = departure.citations.get()
    client.force_login(publisher)

    if how == "delete view":
        client.post(
            reverse("admin:departures_citation_delete", args=[citation.pk]),
            {"post": "yes"},
        )
    else:
        client.post(
            reverse("admin:departures_citation_changelist"),
            {
                "action": "delete_selected",
                "_selected_action": [citation.pk],
                "post": "yes",
            },
        )

    assert Citation.objects.filter(pk=citation.pk).exists()


def test_a_second_citation_of_a_published_departure_can_go(client, publisher):
    departure = DepartureFactory()
    extra = CitationFactory(departure=departure)
    client.force_login(publisher)

    client.post(
        reverse("admin:departures_citation_delete", args=[extra.pk]),
        {"post": "yes"},
    )

    assert list(departure.citations.all()) == [departure.citations.get()]
    assert not Citation.objects.filter(pk=extra.pk).exists()


def test_an_editor_sees_citations_of_published_departures_read_only(client, editor):
    citation = DepartureFactory().citations.get()
    draft = DepartureFactory(draft=True)
    client.force_login(editor)

    response = client.post(
        reverse("admin:departures_citation_change", args=[citation.pk]),
        {"departure": draft.pk, "source": citation.source_id, "quote": "x"},
    )

    assert response.status_code == 403
    citation.refresh_from_db()
    assert citation.quote == ""


def test_an_editor_cannot_add_a_citation_to_a_published_departure_directly(
    client, editor
):
    departure = DepartureFactory()
    source = SourceFactory()
    client.force_login(editor)

    response = client.post(
        reverse("admin:departures_citation_add"),
        {"departure": departure.pk, "source": source.pk, "quote": ""},
    )

    assert response.status_code == 200
    assert "propose the source on its change form" in response.content.decode()
    assert departure.citations.count() == 1


def test_an_editor_sees_a_source_a_published_page_shows_read_only(client, editor):
    source = DepartureFactory().citations.get().source
    client.force_login(editor)

    page = client.get(
        reverse("admin:departures_source_change", args=[source.pk])
    ).content.decode()
    response = client.post(
        reverse("admin:departures_source_change", args=[source.pk]),
        {"url": source.url, "title": "Rewritten", "kind": "press"},
    )

    assert "only a publisher may change" in page
    assert response.status_code == 403
    source.refresh_from_db()
    assert source.title != "Rewritten"


def test_an_editor_sees_a_person_a_published_page_shows_read_only(client, editor):
    person = DepartureFactory().role.person
    client.force_login(editor)

    response = client.post(
        reverse("admin:people_person_change", args=[person.pk]),
        {"name": "Renamed", "slug": person.slug},
    )

    assert response.status_code == 403
    person.refresh_from_db()
    assert person.name != "Renamed"


def test_merging_keeps_the_survivor_sourced(publisher):
    survivor = DepartureFactory(draft=True, cited=False)
    merged = DepartureFactory()

    departure_merge(survivor=survivor, merged=merged, actor=publisher)

    survivor.refresh_from_db()
    assert survivor.is_published
    assert survivor.citations.exists()


def test_approving_a_change_that_drops_every_source_is_refused(publisher, editor):
    from departures.revisions import revision_approve

    departure = DepartureFactory()
    revision = revision_propose(
        departure=departure,
        fields=Departure.objects.get(pk=departure.pk),
        tags=[],
        citations=[],
        actor=editor,
    )

    with pytest.raises(ValidationError):
        revision_approve(revision=revision, actor=publisher)
    assert departure.citations.exists()


def test_second_of_two_saves_over_the_same_version_is_refused_and_says_who(
    client, publisher
):
    departure = DepartureFactory(stated_reason="First words.")
    other = UserFactory(groups=["Publishers"], username="olga")
    opened = departure_form_data(departure)
    url = reverse("admin:departures_departure_change", args=[departure.pk])
    client.force_login(other)
    client.post(url, {**opened, "stated_reason": "Olga's words."})
    client.force_login(publisher)

    response = client.post(url, {**opened, "context": "Pat's context."})

    assert response.status_code == 200
    page = response.content.decode()
    assert "changed since you opened it" in page
    assert "olga" in page and "stated reason" in page
    departure.refresh_from_db()
    assert departure.stated_reason == "Olga's words."
    assert departure.context == ""


def test_staff_preview_a_draft_with_a_banner_and_no_caching(client, editor):
    draft = DepartureFactory(draft=True, stated_reason="Draft words here.")
    client.force_login(editor)

    response = client.get(reverse("departures:preview", args=[draft.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Draft — not public." in page and "Draft words here." in page
    assert response["X-Robots-Tag"] == "noindex"
    assert response["Cache-Control"] == "private, no-store"
    client.logout()
    assert client.get(draft.get_absolute_url()).status_code == 404
    preview = client.get(reverse("departures:preview", args=[draft.pk]))
    assert preview.status_code == 302


def test_staff_preview_a_pending_change_without_saving_it(client, editor):
    departure = DepartureFactory(stated_reason="Public words.")
    proposed = Departure.objects.get(pk=departure.pk)
    proposed.stated_reason = "Proposed words."
    revision = revision_propose(
        departure=departure,
        fields=proposed,
        tags=[],
        citations=[(c.source_id, c.quote) for c in departure.citations.all()],
        actor=editor,
    )
    client.force_login(editor)

    page = client.get(
        reverse("departures:preview", args=[departure.pk]) + f"?revision={revision.pk}"
    ).content.decode()

    assert "Proposed words." in page and "not public until a publisher" in page
    departure.refresh_from_db()
    assert departure.stated_reason == "Public words."


def test_view_on_site_of_a_draft_opens_the_preview(client, editor):
    draft = DepartureFactory(draft=True)
    client.force_login(editor)

    page = client.get(
        reverse("admin:departures_departure_change", args=[draft.pk])
    ).content.decode()

    assert "View on site" in page
    assert reverse("departures:preview", args=[draft.pk]) in page
