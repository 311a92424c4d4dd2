import pytest
from django.urls import reverse

from tests.factories import (
    DepartureFactory,
    SourceFactory,
    UserFactory,
    departure_form_data,
)

CHANGELIST = "/admin/departures/departure/"


@pytest.fixture
def publisher_client(client, db):
    client.force_login(UserFactory(groups=["Publishers"]))
    return client


def change_url(departure):
    return reverse("admin:departures_departure_change", args=[departure.pk])


def test_publisher_publishes_through_the_change_form(publisher_client):
    departure = DepartureFactory(draft=True)

    response = publisher_client.post(
        change_url(departure), departure_form_data(departure, _publish="on")
    )

    assert response.status_code == 302
    departure.refresh_from_db()
    assert departure.is_published


def test_change_form_refuses_to_publish_without_a_source_and_says_why(
    publisher_client,
):
    departure = DepartureFactory(draft=True, cited=False)

    response = publisher_client.post(
        change_url(departure), departure_form_data(departure, _publish="on")
    )

    assert response.status_code == 200
    assert "needs at least one source" in response.content.decode()
    departure.refresh_from_db()
    assert not departure.is_published


def test_deleting_the_last_source_while_publishing_is_refused(publisher_client):
    departure = DepartureFactory(draft=True)

    response = publisher_client.post(
        change_url(departure),
        departure_form_data(departure, _publish="on", **{"citations-0-DELETE": "on"}),
    )

    assert response.status_code == 200
    departure.refresh_from_db()
    assert not departure.is_published
    assert departure.citations.exists()


def test_publisher_unpublishes_through_the_change_form(publisher_client):
    departure = DepartureFactory()

    publisher_client.post(
        change_url(departure), departure_form_data(departure, _unpublish="Unpublish")
    )

    departure.refresh_from_db()
    assert not departure.is_published


def test_a_publishers_plain_save_keeps_a_published_departure_published(
    publisher_client,
):
    departure = DepartureFactory()

    publisher_client.post(
        change_url(departure), departure_form_data(departure, context="More.")
    )

    departure.refresh_from_db()
    assert departure.is_published
    assert departure.context == "More."


def test_change_form_offers_publishers_the_publish_buttons(publisher_client):
    draft, published = DepartureFactory(draft=True), DepartureFactory()

    draft_page = publisher_client.get(change_url(draft)).content.decode()
    published_page = publisher_client.get(change_url(published)).content.decode()

    assert 'name="_publish"' in draft_page and 'name="_unpublish"' not in draft_page
    assert 'name="_unpublish"' in published_page
    assert 'name="published_at"' not in published_page


def test_change_form_tells_an_editor_why_a_draft_cannot_be_published(client, db):
    departure = DepartureFactory(draft=True, cited=False)
    client.force_login(UserFactory(groups=["Editors"]))

    page = client.get(change_url(departure)).content.decode()

    assert "needs at least one source before it can be published" in page
    assert 'name="_publish"' not in page
    assert 'name="published' not in page


def test_publish_action_skips_departures_without_a_source_and_says_so(
    publisher_client,
):
    ready = DepartureFactory(draft=True)
    unsourced = DepartureFactory(draft=True, cited=False)

    response = publisher_client.post(
        CHANGELIST,
        {"action": "publish_selected", "_selected_action": [ready.pk, unsourced.pk]},
        follow=True,
    )

    ready.refresh_from_db()
    unsourced.refresh_from_db()
    assert ready.is_published
    assert not unsourced.is_published
    assert "for want of a source" in response.content.decode()


def test_unpublish_action_returns_departures_to_draft(publisher_client):
    departure = DepartureFactory()

    publisher_client.post(
        CHANGELIST,
        {"action": "unpublish_selected", "_selected_action": [departure.pk]},
    )

    departure.refresh_from_db()
    assert not departure.is_published


def test_editor_sees_no_publish_actions(client, db):
    DepartureFactory(draft=True)
    client.force_login(UserFactory(groups=["Editors"]))

    page = client.get(CHANGELIST).content.decode()

    assert "publish_selected" not in page
    assert "delete_selected" not in page


def test_revert_form_offers_no_published_checkbox(publisher_client):
    departure = DepartureFactory(draft=True)
    version = departure.history.latest()

    page = publisher_client.get(
        reverse(
            "admin:departures_departure_simple_history",
            args=[departure.pk, version.history_id],
        )
    ).content.decode()

    assert 'name="published"' not in page
    assert 'name="stated_reason"' in page


def test_publisher_adds_the_first_source_and_publishes_in_one_save(publisher_client):
    departure = DepartureFactory(draft=True, cited=False)
    source = SourceFactory()
    data = departure_form_data(
        departure,
        _publish="on",
        **{
            "citations-TOTAL_FORMS": 1,
            "citations-0-source": source.pk,
            "citations-0-quote": "She is leaving.",
        },
    )

    response = publisher_client.post(change_url(departure), data)

    assert response.status_code == 302
    departure.refresh_from_db()
    assert departure.is_published
    assert departure.citations.get().source == source
