"""Edits of published departures by editors wait for a publisher's review."""

import pytest
from django.urls import reverse

from departures.models import DepartureRevision
from departures.revisions import revision_approve
from departures.services import SourceInput, departure_record
from people.dates import PartialDate
from tests.factories import (
    CitationFactory,
    DepartureFactory,
    SourceFactory,
    UserFactory,
    departure_form_data,
)


@pytest.fixture
def editor(db):
    return UserFactory(groups=["Editors"], username="eddie")


@pytest.fixture
def publisher(db):
    return UserFactory(groups=["Publishers"], username="pat")


@pytest.fixture
def published(db):
    return DepartureFactory(
        role__person__name="Mira Published",
        role__person__slug="mira-published",
        stated_reason="To spend time with family.",
        reason="resigned",
    )


def change_url(departure):
    return reverse("admin:departures_departure_change", args=[departure.pk])


def public_page(client, departure):
    client.logout()
    return client.get(departure.get_absolute_url()).content.decode()


def pending(departure):
    return DepartureRevision.objects.get(departure=departure, status="pending")


def test_editor_change_form_save_of_a_published_departure_waits_for_review(
    client, editor, published
):
    client.force_login(editor)

    response = client.post(
        change_url(published),
        departure_form_data(published, stated_reason="Asked to leave."),
        follow=True,
    )

    assert "sent for review" in response.content.decode()
    published.refresh_from_db()
    assert published.stated_reason == "To spend time with family."
    assert "Asked to leave." not in public_page(client, published)
    assert pending(published).created_by == editor


def test_approval_puts_the_change_live_and_records_who_approved(
    client, editor, publisher, published
):
    client.force_login(editor)
    client.post(
        change_url(published),
        departure_form_data(published, stated_reason="Asked to leave."),
    )
    revision = pending(published)
    client.force_login(publisher)

    response = client.post(
        reverse("admin:departures_departure_review", args=[revision.pk]),
        {"_approve": "Approve"},
    )

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.stated_reason == "Asked to leave."
    assert "Asked to leave." in public_page(client, published)
    latest = published.history.latest()
    assert latest.history_user == publisher
    assert "eddie" in latest.history_change_reason
    assert "approved by pat" in latest.history_change_reason
    revision.refresh_from_db()
    assert (revision.status, revision.reviewed_by) == ("approved", publisher)


def test_rejection_needs_a_comment_which_the_editor_then_sees(
    client, editor, publisher, published
):
    client.force_login(editor)
    client.post(change_url(published), departure_form_data(published, reason="ousted"))
    revision = pending(published)
    review_url = reverse("admin:departures_departure_review", args=[revision.pk])
    client.force_login(publisher)

    refused = client.post(review_url, {"_reject": "Reject", "comment": " "})
    client.post(review_url, {"_reject": "Reject", "comment": "No source says so."})

    assert refused.status_code == 400
    assert "Say why" in refused.content.decode()
    client.force_login(editor)
    page = client.get(change_url(published)).content.decode()
    assert "No source says so." in page
    published.refresh_from_db()
    assert published.reason == "resigned"


def test_review_page_shows_the_change_in_words(client, editor, publisher, published):
    client.force_login(editor)
    client.post(
        change_url(published),
        departure_form_data(
            published,
            reason="ousted",
            announced="2024-03",
        ),
    )
    client.force_login(publisher)

    page = client.get(
        reverse("admin:departures_departure_review", args=[pending(published).pk])
    ).content.decode()

    assert "<td>Resigned</td><td>Ousted</td>" in page
    assert "March 2024" in page
    assert "ousted</td>" not in page


def test_editor_citation_inline_change_waits_for_review(
    client, editor, publisher, published
):
    citation = published.citations.get()
    new_source = SourceFactory(title="A Better Story")
    client.force_login(editor)

    client.post(
        change_url(published),
        departure_form_data(
            published,
            **{
                "citations-TOTAL_FORMS": 2,
                "citations-0-quote": "He is leaving.",
                "citations-1-source": new_source.pk,
                "citations-1-quote": "She was asked to go.",
            },
        ),
    )

    assert list(published.citations.all()) == [citation]
    page = public_page(client, published)
    assert "A Better Story" not in page and "He is leaving." not in page
    revision_approve(revision=pending(published), actor=publisher)
    assert {c.source for c in published.citations.all()} == {
        citation.source,
        new_source,
    }
    page = public_page(client, published)
    assert "She was asked to go." in page and "He is leaving." in page


def test_editor_revert_of_a_published_departure_waits_for_review(
    client, editor, published
):
    first = published.history.earliest()
    published.stated_reason = "Later words."
    published.save()
    client.force_login(editor)

    response = client.post(
        reverse(
            "admin:departures_departure_simple_history",
            args=[published.pk, first.history_id],
        ),
        departure_form_data(published, stated_reason="To spend time with family."),
    )

    assert response.status_code == 302
    published.refresh_from_db()
    assert published.stated_reason == "Later words."
    assert pending(published).values["fields"]["stated_reason"] == (
        "To spend time with family."
    )


def test_an_import_row_by_an_editor_over_a_published_departure_waits_for_review(
    client, editor, published
):
    source = published.citations.get().source
    departure_record(
        person=published.role.person,
        organization=published.role.organization,
        role_title=published.role.title,
        announced=published.announced,
        reason="ousted",
        stated_reason="Fired by the board.",
        sources=[SourceInput(url=source.url, title="Retitled by the row")],
        actor=editor,
    )

    published.refresh_from_db()
    source.refresh_from_db()
    assert published.reason == "resigned"
    assert source.title != "Retitled by the row"
    assert "Fired by the board." not in public_page(client, published)
    assert pending(published).values["fields"]["reason"] == "ousted"


def test_publishers_own_save_goes_live_at_once(client, publisher, published):
    client.force_login(publisher)

    client.post(
        change_url(published),
        departure_form_data(published, stated_reason="Asked to leave."),
    )

    published.refresh_from_db()
    assert published.stated_reason == "Asked to leave."
    assert not DepartureRevision.objects.exists()


def test_editor_edits_a_draft_directly(client, editor):
    draft = DepartureFactory(draft=True)
    client.force_login(editor)

    client.post(change_url(draft), departure_form_data(draft, context="More."))

    draft.refresh_from_db()
    assert draft.context == "More."
    assert not DepartureRevision.objects.exists()


def test_review_queue_lists_pending_changes_for_publishers_only(
    client, editor, publisher, published
):
    client.force_login(editor)
    client.post(change_url(published), departure_form_data(published, context="x"))
    editor_index = client.get(reverse("admin:index")).content.decode()
    client.force_login(publisher)

    index = client.get(reverse("admin:index")).content.decode()
    filtered = client.get(
        reverse("admin:departures_departure_changelist") + "?review=pending"
    )

    assert "Changes awaiting review" in index
    assert "Mira Published" in index
    assert 'id="review-queue"' not in editor_index
    assert [d.pk for d in filtered.context["cl"].result_list] == [published.pk]


def test_a_draft_citing_a_published_source_does_not_retitle_it(client, publisher):
    source = SourceFactory(title="The Original Headline")
    shown = CitationFactory(source=source, departure=DepartureFactory(cited=False))

    departure_record(
        person="Dora Draft",
        organization="Draft Works",
        role_title="Chief Executive Officer",
        announced=PartialDate.parse("2025-02-03"),
        sources=[SourceInput(url=source.url, title="A New Headline")],
        actor=publisher,
    )

    source.refresh_from_db()
    assert source.title == "The Original Headline"
    assert "The Original Headline" in public_page(client, shown.departure)


def test_an_editor_saving_a_published_departure_unchanged_sends_nothing(
    client, editor, published
):
    client.force_login(editor)

    response = client.post(
        change_url(published), departure_form_data(published), follow=True
    )

    assert "Nothing changed" in response.content.decode()
    assert not DepartureRevision.objects.exists()


def test_an_editor_recording_the_same_facts_again_proposes_nothing(editor, published):
    departure_record(
        person=published.role.person,
        organization=published.role.organization,
        role_title=published.role.title,
        seniority=published.role.seniority,
        function=published.role.function,
        announced=published.announced,
        reason=published.reason,
        status=published.status,
        stated_reason=published.stated_reason,
        actor=editor,
    )

    assert not DepartureRevision.objects.exists()
