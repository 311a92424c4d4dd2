"""Every query the timeline makes over the departures table reads an index.

The plans are asked of the database itself (EXPLAIN QUERY PLAN on SQLite,
with no statistics, so that it takes the table to be large; EXPLAIN on
PostgreSQL with sequential scans priced out): a plan still scanning the table
means no index can serve the query — a small test table would otherwise be
scanned whatever the indexes.
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
            role=RoleFactory(
                organization=organizations[n % 5],
                start_on=datetime.date(2019, 1, 1) if n % 4 else None,
                start_precision="day" if n % 4 else "",
            ),
            announced_on=datetime.date(2020, 1, 1) + datetime.timedelta(days=9 * n),
            reason=["resigned", "retired", "new_role"][n % 3],
            stated_reason="governance" if n % 7 == 0 else "other things",
        )
        departure.tags.add(tags[n % 3])
    DepartureFactory(published_at=None, stated_reason="governance")
    if connection.vendor == "postgresql":
        # Statistics, for estimates; its sequential scans are priced out
        # (plan()). SQLite without statistics takes a table to be large, as
        # the benchmark's is, rather than the 120 rows it may scan faster.
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
    # Not vacuous: the list and its page, and the count, the chart and the
    # facets (or, for a search, its rows read once, and their themes).
    assert len(plans_of(client, path)) >= 4


def test_an_organizations_page_reads_its_stretch_of_the_indexes(client, rows):
    """Its totals, chart, flows and median tenure: the median from the tenure
    stored on each row, in dep_pub_org_tenure_idx (no join to the roles)."""
    plans = plans_of(client, "/organizations/org-1/")
    tenure = [lines for sql, lines in plans if '"tenure_days" IS NOT NULL' in sql]
    assert len(tenure) == 2, plans  # the count, then the middle row(s)
    for lines in tenure:
        assert any("dep_pub_org_tenure_idx" in line for line in lines), lines


def plans_of(client, path: str) -> list[tuple[str, list[str]]]:
    """(SQL, plan) of each query of `path` over the departures, each asserted
    to read an index, never the table."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(path)
    assert response.status_code == 200
    plans = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.startswith("SELECT") or "departures_departure" not in sql:
            continue
        # The captured SQL has its parameters filled in already.
        lines = plan(sql, None)
        assert table_scans(lines) == [], f"{sql}\n" + "\n".join(lines)
        plans.append((sql, lines))
    return plans
