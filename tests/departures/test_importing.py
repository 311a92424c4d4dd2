import pytest

from departures.importing import import_departures
from departures.models import Departure
from people.models import Person

pytestmark = pytest.mark.django_db

HEADER = (
    "person,organization,role_title,seniority,function,announced,reason,"
    "published,source1_url,source1_kind\n"
)
GOOD = (
    "Jan Leike,OpenAI,Head of Alignment,head,safety,2024-05-14,resigned,true,"
    "https://www.businessinsider.com/leike,press\n"
)


def test_a_valid_file_imports_every_row():
    report = import_departures(HEADER + GOOD)

    assert report.ok, report.errors
    assert Departure.objects.published().get().role.person.name == "Jan Leike"
    assert report.created["departures"] == 1


def test_one_bad_row_imports_no_row_and_names_every_error_by_line_and_column():
    bad = "Bob McGrew,OpenAI,Chief Research Officer,chief,research,2024-13,left,,,\n"

    report = import_departures(HEADER + GOOD + bad)

    assert not report.ok
    assert Departure.objects.count() == 0
    assert Person.objects.count() == 0
    assert {(e.line, e.column) for e in report.errors} == {
        (3, "seniority"),
        (3, "announced"),
        (3, "reason"),
    }


def test_importing_the_same_file_twice_changes_nothing():
    import_departures(HEADER + GOOD)
    history_rows = Departure.history.count()

    report = import_departures(HEADER + GOOD)

    assert report.ok
    assert all(count == 0 for count in report.created.values())
    assert Departure.objects.count() == 1
    assert Departure.history.count() == history_rows


def test_a_dry_run_reports_what_it_would_create_and_creates_nothing():
    report = import_departures(HEADER + GOOD, dry_run=True)

    assert report.ok
    assert report.created["departures"] == 1
    assert Departure.objects.count() == 0


def test_unknown_columns_are_refused_on_line_one():
    report = import_departures("person,colour\nA,blue\n")

    assert [(e.line, e.column) for e in report.errors] == [(1, "colour")]


def test_errors_from_the_model_name_the_csv_column():
    row = "Jan Leike,OpenAI,Head of Alignment,head,safety,2024-05-14,resigned,true,,\n"

    report = import_departures(HEADER + row)

    assert [(e.line, e.column) for e in report.errors] == [(2, "")]
    assert "source" in report.errors[0].message
