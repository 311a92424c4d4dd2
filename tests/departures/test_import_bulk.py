"""An import writes its new records in bulk (people/bulk.py); what a reader of
the history, the preview or the site sees is as if each row had been saved."""

import datetime

from django.db import connection
from django.utils import timezone

from departures.importing import import_departures
from departures.models import Citation, Departure, Source, Tag
from people.bulk import _prepared
from people.models import Organization, Person, Role
from tests.factories import DepartureFactory, PersonFactory, UserFactory

HEADER = "person,organization,role_title,announced,stated_reason,tags,source1_url\n"


def test_new_records_have_their_creation_in_history_by_the_importing_user(db):
    editor = UserFactory(username="ida", groups=["Publishers"])
    text = (
        HEADER
        + "Ann New,New Co,Chief Officer,2024-03-01,Words.,ai; safety,https://n.example.com/a\n"
    )

    report = import_departures(text, actor=editor)

    assert report.ok, report.errors
    for model in (Person, Organization, Role, Departure, Source, Citation, Tag):
        rows = model.history.all()
        assert {row.history_type for row in rows} == {"+"}, model
        assert {row.history_user for row in rows} == {editor}, model
    created = Departure.objects.get().history.get()
    assert created.stated_reason == "Words."
    assert sorted(t.tag.name for t in created.tags.all()) == ["ai", "safety"]


def test_two_rows_naming_one_new_person_warn_of_a_likely_duplicate(db):
    text = (
        HEADER
        + "Nia New,Dup Co,Chief Officer,2024-03-01,,,\n"
        + "Nia New,Dup Co,Chief Operating Officer,2024-03-20,,,\n"
    )

    report = import_departures(text)

    assert report.ok, report.errors
    assert [w.line for w in report.warnings] == [3]
    assert "Likely duplicate of Nia New left Dup Co" in report.warnings[0].message
    assert Person.objects.count() == 1


def test_a_later_row_naming_a_new_departure_again_adds_only_what_is_new(db):
    text = (
        HEADER
        + "Lee Twice,Two Co,Chief Officer,2024-03-01,,ai,https://n.example.com/l\n"
        + "Lee Twice,Two Co,Chief Officer,2024-03-01,Later words.,ai; ml,"
        + "https://n.example.com/l\n"
    )

    report = import_departures(text)

    assert report.ok, report.errors
    departure = Departure.objects.get()
    assert departure.stated_reason == "Later words."
    assert sorted(departure.tags.values_list("name", flat=True)) == ["ai", "ml"]
    assert departure.citations.count() == 1
    assert [row.action for row in report.outcomes] == ["created", "changed"]


def test_new_names_sharing_a_slug_get_different_slugs(db):
    PersonFactory(name="Bo Taken", slug="bo-taken")
    text = (
        HEADER
        + "Ada Lovelace,Slug Co,Chief Officer,2024-03-01,,,\n"
        + "Ada-Lovelace,Slug Co,Chief Officer,2024-03-02,,,\n"
        + "Bo  Taken!,Slug Co,Chief Officer,2024-03-03,,,\n"
    )

    report = import_departures(text)

    assert report.ok, report.errors
    slugs = set(Person.objects.values_list("slug", flat=True))
    assert slugs == {"bo-taken", "ada-lovelace", "ada-lovelace-2", "bo-taken-2"}


def test_new_rows_around_a_change_to_a_stored_departure_all_apply(db):
    stored = DepartureFactory(
        role__person__name="Sid Stored",
        role__organization__name="Stored Co",
        role__title="Chief Officer",
        stated_reason="Old words.",
    )
    text = (
        HEADER
        + "Ann Before,Stored Co,Chief Officer,2024-03-01,,ai,https://n.example.com/b\n"
        + f"Sid Stored,Stored Co,Chief Officer,{stored.announced_on},New words.,ai,\n"
        + "Cy After,Stored Co,Chief Officer,2024-03-02,,ai,https://n.example.com/c\n"
    )

    report = import_departures(text)

    assert report.ok, report.errors
    stored.refresh_from_db()
    assert stored.stated_reason == "New words."
    assert list(stored.tags.values_list("name", flat=True)) == ["ai"]
    assert stored.history.latest().history_type == "~"
    assert Departure.objects.count() == 3
    assert Tag.objects.count() == 1


def test_a_bad_row_after_a_change_to_a_stored_departure_leaves_nothing(db):
    stored = DepartureFactory(
        role__person__name="Sid Stored",
        role__organization__name="Stored Co",
        role__title="Chief Officer",
        stated_reason="Old words.",
    )
    before = {m: m.objects.count() for m in (Person, Role, Departure, Source, Tag)}
    text = (
        "person,organization,role_title,announced,stated_reason,tags,role_start,"
        "role_end\n"
        "Ann Before,Stored Co,Chief Officer,2024-03-01,,ai,,\n"
        f"Sid Stored,Stored Co,Chief Officer,{stored.announced_on},New words.,ai,,\n"
        "Cy Bad,Stored Co,Chief Officer,2024-03-02,,,2024-01-01,2023-01-01\n"
    )

    report = import_departures(text)

    assert [e.line for e in report.errors] == [4]
    stored.refresh_from_db()
    assert stored.stated_reason == "Old words."
    assert {m: m.objects.count() for m in before} == before


def test_a_dry_run_counts_what_the_import_would_create(db):
    text = HEADER + "".join(
        f"Dee {i},Dry Co,Chief Officer,2024-03-{i + 1:02d},,ai,https://n.example.com/{i}\n"
        for i in range(3)
    )

    preview = import_departures(text, dry_run=True)
    assert Person.objects.count() == 0
    imported = import_departures(text)

    assert preview.created == imported.created
    assert preview.created["people"] == 3


def test_a_source_a_row_cites_on_a_published_page_is_not_rewritten_by_a_draft(db):
    stored = DepartureFactory(
        role__person__name="Pia Public",
        role__organization__name="Page Co",
        role__title="Chief Officer",
        cited=False,
    )
    Source.objects.create(url="https://n.example.com/shared", title="As published")
    text = (
        "person,organization,role_title,announced,published,source1_url,"
        "source1_title\n"
        f"Pia Public,Page Co,Chief Officer,{stored.announced_on},,"
        "https://n.example.com/shared,\n"
        "Dan Draft,Page Co,Chief Officer,2024-03-01,false,"
        "https://n.example.com/shared,Rewritten by a draft\n"
    )

    report = import_departures(text)

    assert report.ok, report.errors
    assert Source.objects.get().title == "As published"


def test_the_batch_converts_dates_and_utc_datetimes_as_the_fields_do(db):
    """`_prepared`'s shortcuts for dates and UTC datetimes give what each
    field's own get_db_prep_save gives, on this database."""
    names = ("created_at", "announced_on", "reversed_on", "published_at")
    fields = [Departure._meta.get_field(name) for name in names]
    values = [
        timezone.now(),
        datetime.date(2024, 5, 1),
        None,
        datetime.datetime(2024, 5, 1, 12, 30, 15, 123456, tzinfo=datetime.UTC),
    ]

    fast = _prepared(fields, [values])[0]

    assert fast == [
        None if v is None else f.get_db_prep_save(v, connection)
        for f, v in zip(fields, values, strict=True)
    ]
