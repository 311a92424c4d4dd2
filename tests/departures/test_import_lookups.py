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


def test_a_new_row_costs_its_writes_only_however_long_the_file(db):
    import_departures(new_rows(0, 3))  # the organizations and tags exist
    short, long = queries_of(new_rows(100, 5)), queries_of(new_rows(200, 15))
    per_row = (long - short) / 10
    # Person, role, departure, tags, source and citation, each with its
    # history: no lookups, no constraint queries. The departure's two history
    # rows with tags each read back the columns the database keeps for it
    # (simple-history rebuilds the instance without its excluded fields).
    # PostgreSQL adds two for the new person: the lock that queues concurrent
    # creators of one name, and the look-up again after it (people/services.py).
    assert per_row <= (30 if connection.vendor == "postgresql" else 28)


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
