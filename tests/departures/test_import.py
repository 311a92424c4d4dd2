from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from departures.importing import COLUMNS, SOURCE_COLUMNS, import_departures
from departures.models import Citation, Departure, Source, Tag
from people.models import Organization, Person, Role
from tests.factories import DepartureFactory, RoleFactory, SourceFactory, UserFactory

HEADER = (
    "person,organization,role_title,seniority,announced,reason,published,"
    "source1_url,source1_title,source1_kind"
)
GOOD = [
    "Rita Row,Row Labs,Chief Executive Officer,c_suite,2024-05-01,resigned,true,"
    "https://news.example.com/rita,Rita leaves,press",
    "Sam Second,Row Labs,Chief Financial Officer,c_suite,2024-06,retired,true,"
    "https://news.example.com/sam,Sam retires,press",
]
MODELS = (Person, Organization, Role, Departure, Source, Citation, Tag)
README = Path(__file__).resolve().parents[2] / "README.md"


def csv_text(*rows: str) -> str:
    return "\n".join([HEADER, *rows]) + "\n"


def counts() -> dict:
    return {model.__name__: model.objects.count() for model in MODELS}


def history_counts() -> dict:
    return {model.__name__: model.history.count() for model in MODELS}


def test_import_creates_everything_and_publishes_sourced_rows(db):
    report = import_departures(csv_text(*GOOD))

    assert report.ok, report.errors
    assert counts() == {
        "Person": 2,
        "Organization": 1,
        "Role": 2,
        "Departure": 2,
        "Source": 2,
        "Citation": 2,
        "Tag": 0,
    }
    assert Departure.objects.published().count() == 2
    assert [row.action for row in report.outcomes] == ["created", "created"]
    assert report.created["departures"] == 2


def test_one_bad_row_imports_zero_rows_and_lists_every_error(db):
    text = csv_text(
        GOOD[0],
        "Bad Date,Row Labs,Chief Data Officer,c_suite,2024-13-01,sacked,true,,,",
        GOOD[1],
        ",Row Labs,Chief Legal Officer,chief,2024-01-01,resigned,maybe,,,",
    )

    report = import_departures(text)

    assert not report.ok
    assert counts() == dict.fromkeys(counts(), 0)
    found = {(e.line, e.column) for e in report.errors}
    assert found == {
        (3, "announced"),
        (3, "reason"),
        (5, "person"),
        (5, "seniority"),
        (5, "published"),
    }
    assert "nothing was imported" in report.summary()


def test_a_row_refused_by_the_model_aborts_the_file_too(db):
    text = csv_text(
        GOOD[0],
        # Published without a source: refused by departure_publish.
        "Nora Nosource,Row Labs,Chief People Officer,c_suite,2024-02-02,"
        "resigned,true,,,",
    )

    report = import_departures(text)

    assert [(e.line, e.column, e.message) for e in report.errors] == [
        (3, "", "A departure needs at least one source before it can be published.")
    ]
    assert counts() == dict.fromkeys(counts(), 0)


def test_importing_the_same_file_twice_changes_nothing(db):
    import_departures(csv_text(*GOOD))
    before, history_before = counts(), history_counts()

    again = import_departures(csv_text(*GOOD))

    assert again.ok
    assert counts() == before
    assert history_counts() == history_before
    assert not again.changed
    assert [row.action for row in again.outcomes] == ["unchanged", "unchanged"]
    assert all(count == 0 for count in again.created.values())


def test_the_demo_file_reimports_without_a_change(demo_data_imported):
    history_before = history_counts()

    call_command("load_demo", verbosity=0)

    assert history_counts() == history_before


def test_unknown_columns_are_refused_on_line_one(db):
    report = import_departures("person,colour\nA,blue\n")

    assert [(e.line, e.column) for e in report.errors] == [(1, "colour")]


def test_rows_match_existing_records_regardless_of_case_and_url_form(db):
    role = RoleFactory(
        person__name="Rita Row", organization__name="Row Labs", title="CEO"
    )
    source = SourceFactory(url="https://news.example.com/rita")
    text = (
        "person,organization,role_title,announced,source1_url\n"
        "RITA ROW,row labs,ceo,2024-05-01,"
        "HTTPS://NEWS.EXAMPLE.COM/rita?utm_campaign=x#top\n"
    )

    report = import_departures(text)

    assert report.ok, report.errors
    departure = Departure.objects.get()
    assert departure.role == role
    assert departure.citations.get().source == source
    kinds = {o.kind: o.action for o in report.outcomes[0].outcomes}
    assert kinds == {
        "departure": "created",
        "person": "reused",
        "organization": "reused",
        "role": "reused",
        "source": "reused",
    }


def test_preview_reports_what_a_row_changes(db):
    SourceFactory(url="https://news.example.com/rita", title="")
    report = import_departures(csv_text(GOOD[0]), dry_run=True)

    outcome = {o.kind: o.action for o in report.outcomes[0].outcomes}
    assert outcome["source"] == "changed"  # the title is filled in
    assert outcome["person"] == "created"
    assert report.created["departures"] == 1
    assert Source.objects.get().title == ""  # a dry run writes nothing
    assert not Departure.objects.exists()


def test_empty_published_cell_leaves_publication_alone(db):
    departure = DepartureFactory(
        role__person__name="Rita Row",
        role__organization__name="Row Labs",
        role__title="Chief Executive Officer",
        announced_on="2024-05-01",
    )
    text = (
        "person,organization,role_title,announced,published\n"
        "Rita Row,Row Labs,Chief Executive Officer,2024-05-01,\n"
    )

    import_departures(text)

    departure.refresh_from_db()
    assert departure.is_published


def test_without_publish_permission_the_published_column_is_ignored(db):
    report = import_departures(csv_text(*GOOD), can_publish=False)

    assert report.ok
    assert not Departure.objects.published().exists()
    assert [(w.line, w.column) for w in report.warnings] == [
        (2, "published"),
        (3, "published"),
    ]


def test_command_dry_run_writes_nothing(tmp_path, db, capsys):
    path = tmp_path / "rows.csv"
    path.write_text(csv_text(*GOOD), encoding="utf-8")

    call_command("import_departures", str(path), "--dry-run")

    assert "would create" in capsys.readouterr().out
    assert not Departure.objects.exists()


def test_command_reports_each_error_with_file_and_line(tmp_path, db, capsys):
    path = tmp_path / "rows.csv"
    path.write_text(csv_text("X,Y,Z,c_suite,someday,,,,,"), encoding="utf-8")

    with pytest.raises(CommandError):
        call_command("import_departures", str(path))

    assert "rows.csv:line 2, column announced" in capsys.readouterr().err


@pytest.fixture
def editor_client(client, db):
    client.force_login(UserFactory(groups=["Editors"]))
    return client


def upload(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("rows.csv", text.encode(), "text/csv")


def test_admin_import_previews_then_imports_on_confirm(editor_client):
    url = reverse("admin:departures_departure_import")

    preview = editor_client.post(url, {"file": upload(csv_text(*GOOD))})

    assert preview.status_code == 200
    page = preview.content.decode()
    assert "Rita Row" in page and "created" in page
    assert not Departure.objects.exists()

    done = editor_client.post(url, {"payload": preview.context["payload"]})

    assert done.status_code == 302
    assert Departure.objects.count() == 2
    assert Departure.objects.get(role__person__name="Rita Row").created_by is not None


def test_admin_import_lists_errors_by_line_and_column(editor_client):
    url = reverse("admin:departures_departure_import")

    response = editor_client.post(
        url, {"file": upload(csv_text(GOOD[0], "A,B,C,nope,2024-01-01,,,,,"))}
    )

    page = response.content.decode()
    assert "<td>3</td><td>seniority</td>" in page
    assert response.context["payload"] is None
    assert not Departure.objects.exists()


def test_admin_import_refuses_a_tampered_payload(editor_client):
    url = reverse("admin:departures_departure_import")

    response = editor_client.post(url, {"payload": "not-signed"})

    assert response.status_code == 302
    assert not Departure.objects.exists()


def test_admin_import_page_lists_every_column(editor_client):
    page = editor_client.get(
        reverse("admin:departures_departure_import")
    ).content.decode()

    for column in COLUMNS:
        assert f"<code>{column}</code>" in page
    for column in SOURCE_COLUMNS:
        assert f"_{column}</code>" in page


def test_readme_documents_every_column():
    text = README.read_text(encoding="utf-8")
    section = text[text.index("## Editing and importing") :]

    for column in [*COLUMNS, *(f"sourceN_{c}" for c in SOURCE_COLUMNS)]:
        assert f"`{column}`" in section, column


def test_command_records_the_named_user_in_history(tmp_path, db):
    editor = UserFactory(username="ida", groups=["Editors"])
    path = tmp_path / "rows.csv"
    path.write_text(csv_text(GOOD[0]), encoding="utf-8")

    call_command("import_departures", str(path), "--user", "ida", verbosity=0)

    assert Departure.objects.get().history.earliest().history_user == editor
