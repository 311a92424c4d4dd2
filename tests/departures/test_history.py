from django.urls import reverse

from departures.models import Departure
from departures.services import departure_record
from people.dates import PartialDate
from tests.factories import DepartureFactory, UserFactory, departure_form_data


def test_admin_change_keeps_who_when_and_what_changed(client, db):
    editor = UserFactory(groups=["Editors"])
    departure = DepartureFactory(draft=True, stated_reason="Old words.")
    client.force_login(editor)

    client.post(
        reverse("admin:departures_departure_change", args=[departure.pk]),
        departure_form_data(departure, stated_reason="New words."),
    )

    latest = departure.history.latest()
    assert latest.history_user == editor
    assert latest.history_type == "~"
    delta = latest.diff_against(latest.prev_record)
    assert [(c.field, c.old, c.new) for c in delta.changes] == [
        ("stated_reason", "Old words.", "New words.")
    ]


def test_history_page_lists_the_change_and_its_author(client, db):
    editor = UserFactory(groups=["Editors"], username="eddie")
    departure = DepartureFactory(draft=True, stated_reason="Old words.")
    client.force_login(editor)
    client.post(
        reverse("admin:departures_departure_change", args=[departure.pk]),
        departure_form_data(departure, stated_reason="New words."),
    )

    page = client.get(
        reverse("admin:departures_departure_history", args=[departure.pk])
    ).content.decode()

    assert "eddie" in page
    assert "Old words." in page
    assert "New words." in page


def test_revert_restores_an_earlier_version(client, db):
    editor = UserFactory(groups=["Editors"])
    departure = DepartureFactory(draft=True, stated_reason="First.")
    first = departure.history.latest()
    departure.stated_reason = "Second."
    departure.save()
    client.force_login(editor)

    response = client.post(
        reverse(
            "admin:departures_departure_simple_history",
            args=[departure.pk, first.history_id],
        ),
        departure_form_data(departure, stated_reason="First."),
    )

    assert response.status_code == 302
    departure.refresh_from_db()
    assert departure.stated_reason == "First."
    assert departure.history.latest().history_user == editor


def test_service_records_its_actor_and_tag_changes(db):
    editor = UserFactory(groups=["Editors"])

    departure = departure_record(
        person="Hana History",
        organization="Archive Corp",
        role_title="Chief Archivist",
        announced=PartialDate.parse("2024-06"),
        tags=["record keeping"],
        actor=editor,
    )

    assert departure.history.earliest().history_user == editor
    tags_history = departure.history.latest().tags.all()
    assert [t.tag.name for t in tags_history] == ["record keeping"]
    assert Departure.history.count() >= 1


def test_history_page_shows_labels_and_hides_saves_that_changed_nothing(client, db):
    editor = UserFactory(groups=["Editors"])
    departure = DepartureFactory(draft=True, reason="resigned")
    departure.refresh_from_db()
    client.force_login(editor)
    url = reverse("admin:departures_departure_change", args=[departure.pk])
    client.post(url, departure_form_data(departure, reason="ousted"))
    departure.refresh_from_db()
    recorded = departure.history.count()
    client.post(url, departure_form_data(departure))  # changes nothing
    assert departure.history.count() == recorded + 1

    page = client.get(
        reverse("admin:departures_departure_history", args=[departure.pk])
    ).content.decode()

    assert "Reason:</strong> Resigned &rarr; Ousted" in page
    assert "reason:</strong> resigned" not in page
    # Every record but the save that changed nothing has its row.
    table = page.split('id="change-history"')[1].split("</table>")[0]
    assert table.count("<tr>") - 1 == recorded
