"""`/departures.csv`: the filter contract, every row once, hostile cells defused."""

import csv
import datetime
import io

import pytest
from django.utils.text import slugify

from departures.exports import HEADER, defuse, line, slug, voluntary
from departures.models import Departure
from tests.factories import (
    CitationFactory,
    DepartureFactory,
    OrganizationFactory,
    RoleFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = [
    "=cmd|' /C calc'!A0",
    "+1",
    "-2+3",
    "@SUM(A1:A2)",
    "\tTabbed",
    "\rReturned",
    'He said "enough", then left,\nfor good.',
    "Plain, with a comma",
]


def get_csv(client, query=""):
    response = client.get(f"/departures.csv{query}")
    assert response.status_code == 200, response.content
    body = b"".join(response.streaming_content).decode("utf-8")
    return response, list(csv.DictReader(io.StringIO(body, newline="")))


def undefused(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in "=+-@\t\r" else cell


@pytest.fixture
def hostile():
    """Published departures with hostile text, at two organizations, and a draft."""
    acme = OrganizationFactory(name="=Acme", slug="acme")
    globex = OrganizationFactory(name="Globex", slug="globex")
    theme = TagFactory(name="@risk", slug="risk")
    departures = []
    for n, text in enumerate(HOSTILE):
        departure = DepartureFactory(
            role=RoleFactory(
                organization=acme if n % 2 else globex,
                title=text,
                person__name=f"{text} {n}",
            ),
            announced_on=datetime.date(2024, 5, 1 + n),
            reason=Departure.Reason.OUSTED if n % 3 == 0 else Departure.Reason.RESIGNED,
            is_involuntary=n % 3 == 0,
            stated_reason=text,
            context=HOSTILE[-1 - n],
            destination=globex if n == 1 else None,
            destination_title="+Chief" if n == 1 else "",
        )
        departure.tags.add(theme)
        departures.append(departure)
    DepartureFactory(draft=True, role__organization=acme, stated_reason="DRAFT")
    return departures


@pytest.mark.parametrize(
    "query, expected",
    [
        ("", lambda d: True),
        ("?organization=acme", lambda d: d.role.organization.slug == "acme"),
        ("?reason=ousted", lambda d: d.reason == "ousted"),
        (
            "?organization=globex&reason=resigned&sort=oldest",
            lambda d: d.role.organization.slug == "globex" and d.reason == "resigned",
        ),
        ("?tag=risk&from=2024-05-03&to=2024-05", lambda d: d.announced_on.day >= 3),
    ],
)
def test_the_csv_parses_back_to_exactly_the_matching_published_rows(
    client, hostile, query, expected
):
    response, rows = get_csv(client, query)
    matching = [d for d in hostile if expected(d)]
    matching.sort(key=lambda d: (d.announced_on, d.pk), reverse="oldest" not in query)
    assert [int(row["id"]) for row in rows] == [d.pk for d in matching]
    for row, departure in zip(rows, matching, strict=True):
        departure.refresh_from_db()
        assert list(row) == HEADER
        values = {name: undefused(cell) for name, cell in row.items()}
        assert values["person"] == departure.role.person.name
        assert values["organization"] == departure.role.organization.name
        assert values["role_title"] == departure.role.title
        assert values["stated_reason"] == departure.stated_reason
        assert values["context"] == departure.context
        assert values["reason"] == departure.reason
        assert values["voluntary"] == voluntary(departure)
        assert values["announced_on"] == departure.announced_on.isoformat()
        assert values["tags"] == "@risk"
        assert values["source_urls"] == " ".join(
            c.source.url for c in departure.citations.all()
        )
        assert values["url"] == f"http://testserver{departure.get_absolute_url()}"
        assert values["destination_title"] == departure.destination_title


def test_cells_a_spreadsheet_would_run_start_with_an_apostrophe(client, hostile):
    _, rows = get_csv(client)
    cells = [cell for row in rows for cell in row.values()]
    assert "'=cmd|' /C calc'!A0" in cells
    assert "'+1" in cells
    assert "'@SUM(A1:A2)" in cells
    assert "'=Acme" in cells
    assert "'@risk" in cells
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]


def test_the_csv_is_utf8_rfc4180_with_a_header_and_a_filename_naming_the_filter(
    client, hostile
):
    response = client.get("/departures.csv?organization=acme&reason=ousted&page=1")
    body = b"".join(response.streaming_content)
    assert response["Content-Type"].startswith("text/csv; charset=utf-8")
    assert response["Content-Disposition"] == (
        'attachment; filename="departures-organization-acme-reason-ousted.csv"'
    )
    assert body.startswith(b"id,url,announced_on,announced_precision,")
    assert body.endswith(b"\r\n")
    body.decode("utf-8")


def test_the_filename_of_a_hostile_parameter_is_sanitized(client, db):
    response = client.get('/departures.csv?q=../../etc/"passwd";x')
    assert response["Content-Disposition"] == (
        'attachment; filename="departures-q-etcpasswdx.csv"'
    )


def test_a_draft_is_never_in_the_csv(client, hostile):
    _, rows = get_csv(client)
    assert "DRAFT" not in {row["stated_reason"] for row in rows}
    assert len(rows) == len(HOSTILE)


def test_a_bad_parameter_answers_400_naming_each_problem(client, db):
    response = client.get("/departures.csv?reason=sacked&from=2024-13&page=0")
    assert response.status_code == 400
    assert response["Content-Type"] == "text/plain; charset=utf-8"
    text = response.content.decode()
    assert "reason: Select a valid choice. sacked" in text
    assert "from: “2024-13” is not a real date." in text
    assert "page:" in text


def test_voluntary_is_true_false_or_undisclosed(client, db):
    for reason, involuntary in (
        ("resigned", False),
        ("ousted", True),
        ("health_personal", True),
        ("undisclosed", False),
    ):
        DepartureFactory(reason=reason, is_involuntary=involuntary)
    _, rows = get_csv(client, "?sort=oldest")
    assert [(r["reason"], r["voluntary"]) for r in rows] == [
        ("resigned", "true"),
        ("ousted", "false"),
        ("health_personal", "false"),
        ("undisclosed", "undisclosed"),
    ]


@pytest.mark.parametrize("sort", ["newest", "oldest"])
def test_every_row_comes_once_when_120_share_a_date(client, db, sort):
    organization = OrganizationFactory(slug="tied")
    source = SourceFactory()
    day = datetime.date(2024, 6, 1)
    ids = []
    for _ in range(120):
        departure = DepartureFactory(
            role__organization=organization, announced_on=day, cited=False
        )
        CitationFactory(departure=departure, source=source)
        ids.append(departure.pk)
    _, rows = get_csv(client, f"?organization=tied&sort={sort}")
    got = [int(row["id"]) for row in rows]
    assert len(got) == 120
    assert set(got) == set(ids)
    assert got == sorted(ids, reverse=sort == "newest")


def csv_writer_line(cells):
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow([defuse(cell) for cell in cells])
    return buffer.getvalue()


@pytest.mark.django_db(False)
def test_a_line_is_what_csv_writer_writes_of_the_defused_cells():
    """exports.line() writes without the csv module (for speed): the same bytes
    as csv.writer, for every character alone, inside a cell and starting one,
    and for the hostile cells."""
    specials = [chr(n) for n in range(0x3000)] + ["\u2028", "\u2029", "\ufeff"]
    rows = [HOSTILE, ["", ""], ["", "x", ""], [" ", "  "], ['""', '"', "'="]]
    rows += [[c, f"a{c}b", c + c, f"{c}x{c}"] for c in specials]
    for cells in rows:
        assert line(cells) == csv_writer_line(cells), repr(cells)


@pytest.mark.django_db(False)
def test_the_slug_of_a_row_is_what_slugify_makes():
    """exports.slug() is slugify() without its regular expressions (for speed)."""
    texts = [
        "Ada Lovelace Analytical Engines (synthetic)",
        "",
        " - _ ",
        "Ünïcödé Straße",
    ]
    texts += ["_a_", "-a-", "a - b", "a\u00a0b", "ﬁne", "Ǆ", "a\u0301", "a\x1fb"]
    for n in range(0x3000):
        c = chr(n)
        texts += [c, f"a{c}b", f"{c}a{c}", f"_{c}-", f"x {c} y", c * 3]
    for text in texts:
        assert slug(text) == slugify(text), repr(text)
