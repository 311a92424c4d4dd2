"""Imports never lose data and never crash on a bad file."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from departures.importing import import_departures
from departures.models import Departure
from tests.factories import DepartureFactory, UserFactory

pytestmark = pytest.mark.django_db

ROW_KEY = "person,organization,role_title,announced"
KEY = "Rita Row,Row Labs,Chief Executive Officer,2024-05-01"


@pytest.fixture
def recorded():
    return DepartureFactory(
        role__person__name="Rita Row",
        role__organization__name="Row Labs",
        role__title="Chief Executive Officer",
        role__seniority="c_suite",
        role__function="research",
        announced_on="2024-05-01",
        reason="resigned",
        status="confirmed",
        stated_reason="To spend time with family.",
        context="Reported after a reorganization.",
    )


def _stored(departure) -> dict:
    departure.refresh_from_db()
    departure.role.refresh_from_db()
    return {
        "reason": departure.reason,
        "status": departure.status,
        "stated_reason": departure.stated_reason,
        "context": departure.context,
        "function": departure.role.function,
        "seniority": departure.role.seniority,
    }


def test_columns_left_out_change_nothing_on_a_recorded_departure(recorded):
    before = _stored(recorded)

    report = import_departures(f"{ROW_KEY}\n{KEY}\n")

    assert report.ok, report.errors
    assert _stored(recorded) == before
    assert report.outcomes[0].action == "unchanged"


def test_empty_cells_change_nothing_on_a_recorded_departure(recorded):
    before = _stored(recorded)
    header = ROW_KEY + ",reason,status,stated_reason,context,function,seniority"

    report = import_departures(f"{header}\n{KEY},,,,,,\n")

    assert report.ok, report.errors
    assert _stored(recorded) == before


def test_a_named_value_updates_and_the_preview_shows_old_and_new(recorded):
    report = import_departures(
        f"{ROW_KEY},reason,context\n{KEY},ousted,-\n", dry_run=True
    )

    departure_outcome = report.outcomes[0].outcomes[0]
    assert departure_outcome.action == "changed"
    shown = {str(change) for change in departure_outcome.fields}
    assert "reason: Resigned → Ousted" in shown
    assert "context: Reported after a reorganization. → (empty)" in shown
    assert _stored(recorded)["reason"] == "resigned"  # a dry run writes nothing

    import_departures(f"{ROW_KEY},reason,context\n{KEY},ousted,-\n")

    assert _stored(recorded)["reason"] == "ousted"
    assert _stored(recorded)["context"] == ""
    assert _stored(recorded)["stated_reason"] == "To spend time with family."


def test_one_upload_with_several_bad_rows_reports_every_error():
    text = (
        f"{ROW_KEY},reason,source1_url\n"
        "Ann One,Labs,CEO,2024-13,resigned,https://example.com/a\n"
        "Bob Two,Labs,CEO,2024-01,bored,http://[invalid/x\n"
        "Cy Three,,CEO,,resigned,https://example.com:99999/x\n"
    )

    report = import_departures(text)

    assert {(e.line, e.column) for e in report.errors} == {
        (2, "announced"),
        (3, "reason"),
        (3, "source1_url"),
        (4, "organization"),
        (4, "announced"),
        (4, "source1_url"),
    }
    assert not Departure.objects.exists()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("Rita\x00Row", "Null characters are not allowed."),
        ("R" * 200_000, "Unreadable line"),
    ],
)
def test_a_malformed_cell_is_a_row_error(cell, message):
    report = import_departures(f"{ROW_KEY}\n{cell},Row Labs,CEO,2024-05-01\n")

    assert not report.ok
    assert [e.line for e in report.errors] == [2]
    assert message in report.errors[0].message


def test_a_line_that_is_not_utf8_is_a_row_error_naming_it():
    data = f"{ROW_KEY}\nRita Row,Row Labs,CEO,2024-05-01\n".encode()
    data += "Zoë Latin,Row Labs,CEO,2024-06-01\n".encode("latin-1")

    report = import_departures(data)

    assert [(e.line, e.message) for e in report.errors] == [
        (3, "This line is not UTF-8 text.")
    ]
    assert not Departure.objects.exists()


def test_admin_upload_of_a_malformed_file_lists_row_errors_not_a_500(client):
    client.force_login(UserFactory(groups=["Editors"]))
    data = f"{ROW_KEY},source1_url\n".encode()
    data += b"Rita\x00Row,Row Labs,CEO,2024-05-01,http://[invalid/x\n"
    data += "Zoë,Row Labs,CEO,2024-05-01,\n".encode("latin-1")
    upload = SimpleUploadedFile("bad.csv", data, content_type="text/csv")

    response = client.post("/admin/departures/departure/import/", {"file": upload})

    assert response.status_code == 200
    page = response.content.decode()
    assert "Null characters are not allowed." in page
    assert "Enter a valid URL." in page
    assert "This line is not UTF-8 text." in page


def test_imported_rows_get_the_likely_duplicate_warning(recorded):
    report = import_departures(
        f"{ROW_KEY}\nRita Row,Row Labs,President,2024-06-01\n", dry_run=True
    )

    assert report.ok
    assert [w.line for w in report.warnings] == [2]
    assert "Likely duplicate" in report.warnings[0].message


def test_admin_offers_a_template_csv_that_imports(client):
    client.force_login(UserFactory(groups=["Editors"]))

    response = client.get("/admin/departures/departure/import/template.csv")

    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    report = import_departures(response.content, dry_run=True)
    assert report.ok, report.errors
    assert report.rows == 1
