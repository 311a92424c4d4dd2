"""An import reads what its rows refer to once per file, and still matches
every record a row names exactly as the log form does."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from departures.importing import import_departures
from departures.models import Departure
from people.models import Person, Role
from tests.factories import DepartureFactory

HEADER = "person,organization,role_title,announced,tags,source1_url\n"


def new_rows(start: int, n: int) -> str:
    return HEADER + "".join(
        f"Person {i},Org {i % 3},Chief Officer,2024-03-{i % 28 + 1:02d},"
        f"theme {i % 2},https://news.example.com/{i}\n"
        for i in range(start, start + n)
    )


def queries_of(text: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        report = import_departures(text)
    assert report.ok, report.errors
    return len(ctx.captured_queries)


def test_a_new_row_costs_no_query_of_its_own_however_long_the_file(db):
    import_departures(new_rows(0, 3))  # the organizations and tags exist
    short, long = queries_of(new_rows(100, 5)), queries_of(new_rows(200, 15))
    # Lookups are made per file, and the rows' new records (person, role,
    # departure, tags, source and citation, each with its history row) are
    # written per table, 500 rows a statement (people/bulk.py); PostgreSQL
    # locks the file's new names at once. Was 26 queries a row (28 on
    # PostgreSQL), and 70 before the per-file lookups.
    assert long == short


def test_a_row_over_stored_records_costs_no_query_of_its_own(db):
    import_departures(new_rows(0, 15))
    # The same rows again: every record is found by the per-file lookups,
    # tags and citations included, and nothing changes.
    assert queries_of(new_rows(0, 5)) == queries_of(new_rows(0, 15))


def test_names_in_another_case_reuse_the_preloaded_records(db):
    recorded = DepartureFactory(
        role__person__name="Ada Lovelace",
        role__organization__name="Analytical Engines",
        role__title="Chief Engineer",
    )
    text = (
        "person,organization,role_title,announced\n"
        f"ada LOVELACE,analytical engines,chief engineer,{recorded.announced_on}\n"
    )
    report = import_departures(text)
    assert report.ok, report.errors
    assert report.outcomes[0].action == "unchanged"
    assert Person.objects.count() == 1
    assert Role.objects.count() == 1
    assert Departure.objects.count() == 1


def test_names_beyond_ascii_are_still_matched_by_the_database(db):
    recorded = DepartureFactory(
        role__person__name="Émile Zola", role__organization__name="Société Générale"
    )
    text = (
        "person,organization,role_title,announced\n"
        f"Émile Zola,Société Générale,{recorded.role.title},{recorded.announced_on}\n"
    )
    report = import_departures(text)
    assert report.ok, report.errors
    assert report.outcomes[0].action == "unchanged"
    assert Person.objects.count() == 1


def test_a_row_that_fails_leaves_later_rows_matching_stored_records(db):
    text = (
        "person,organization,role_title,announced,role_start,role_end\n"
        "Kay Kept,Keep Co,Chief Officer,2024-01-01,2023-01-01,2022-01-01\n"
        "Kay Kept,Keep Co,Chief Officer,2024-01-01,,\n"
    )
    report = import_departures(text, dry_run=True)
    assert [e.line for e in report.errors] == [2]
    assert Person.objects.count() == 0
