"""Every query the timeline makes over the departures table reads an index.

The plans are asked of the database itself (EXPLAIN QUERY PLAN on SQLite;
EXPLAIN on PostgreSQL with sequential scans priced out, so that a plan still
scanning the table means no index can serve the query — a small test table
would otherwise be scanned whatever the indexes).
"""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    RoleFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

TABLES = ("departures_departure", "departures_departure_tags")


@pytest.fixture
def rows():
    organizations = [OrganizationFactory(slug=f"org-{n}") for n in range(5)]
    tags = [TagFactory(slug=f"tag-{n}") for n in range(3)]
    for n in range(120):
        departure = DepartureFactory(
            role=RoleFactory(organization=organizations[n % 5]),
            announced_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=9 * n),
            reason=["resigned", "retired", "new_role"][n % 3],
            stated_reason="governance" if n % 7 == 0 else "other things",
        )
        departure.tags.add(tags[n % 3])
    DepartureFactory(published_at=None, stated_reason="governance")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


def plan(sql: str, params) -> list[str]:
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"EXPLAIN QUERY PLAN {sql}", params)
            return [row[-1] for row in cursor.fetchall()]
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return [row[0] for row in cursor.fetchall()]


def table_scans(lines: list[str]) -> list[str]:
    if connection.vendor == "sqlite":
        # "SCAN t" reads the table; "SCAN t USING (COVERING) INDEX" an index.
        return [
            line
            for line in lines
            if any(line.strip() == f"SCAN {table}" for table in TABLES)
        ]
    return [
        line
        for line in lines
        if any(f"Seq Scan on {table}" in line for table in TABLES)
    ]


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/?reason=resigned",
        "/?organization=org-1",
        "/?from=2020-01&to=2020-12",
        "/?q=governance",
        "/?q=governance&reason=resigned",
        "/?tag=tag-1&founder=false",
        "/?page=2",
    ],
)
def test_every_timeline_query_over_departures_reads_an_index(client, rows, path):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    checked = 0
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or "departures_departure" not in sql:
            continue
        # The captured SQL has its parameters filled in already.
        lines = plan(sql, None)
        assert table_scans(lines) == [], f"{sql}\n" + "\n".join(lines)
        checked += 1
    # Not vacuous: the list, its count, the chart and the facets.
    assert checked >= 5
