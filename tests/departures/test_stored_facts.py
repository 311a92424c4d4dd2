"""The role's facts and the month stored on each departure row, and the text
indexes behind search (departures/database.py, people/text_search.py), on
every path that writes — not only through the services."""

import datetime

import pytest
from django.db import connection, transaction

from departures import database
from departures.models import Departure
from people.bulk import WriteBatch
from people.models import Person, Role
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
)

pytestmark = pytest.mark.django_db


def stored(departure: Departure) -> tuple:
    return Departure.objects.values_list(
        "person_id", "organization_id", "seniority", "function", "is_founder"
    ).get(pk=departure.pk)


def facts(role: Role) -> tuple:
    role.refresh_from_db()
    return (
        role.person_id,
        role.organization_id,
        role.seniority,
        role.function,
        role.is_founder,
    )


def test_a_new_departure_carries_its_roles_facts_and_month():
    role = RoleFactory(seniority="vp", function="safety", is_founder=True)
    departure = DepartureFactory(
        role=role, announced_on=datetime.date(2024, 5, 17), announced_precision="day"
    )
    assert stored(departure) == facts(role)
    assert Departure.objects.get(pk=departure.pk).announced_month == datetime.date(
        2024, 5, 1
    )


def tenure(departure: Departure) -> int | None:
    return Departure.objects.values_list("tenure_days", flat=True).get(pk=departure.pk)


def test_the_tenure_runs_from_the_roles_start_to_the_effective_else_announced_date():
    role = RoleFactory(start_on=datetime.date(2020, 1, 1), start_precision="day")
    departure = DepartureFactory(
        role=role, announced_on=datetime.date(2020, 3, 1), effective_on=None
    )
    assert tenure(departure) == 60
    Departure.objects.filter(pk=departure.pk).update(
        effective_on=datetime.date(2020, 1, 31), effective_precision="day"
    )
    assert tenure(departure) == 30
    # The role's start moved, by save() and by a queryset update; then gone.
    role.start_on = datetime.date(2020, 1, 21)
    role.save()
    assert tenure(departure) == 10
    Role.objects.filter(pk=role.pk).update(start_on=datetime.date(2019, 12, 31))
    assert tenure(departure) == 31
    Role.objects.filter(pk=role.pk).update(start_on=None, start_precision="")
    assert tenure(departure) is None


def test_a_role_changed_by_save_or_by_a_queryset_update_updates_its_departures():
    role = RoleFactory(seniority="vp", function="safety")
    first, second = DepartureFactory(role=role), DepartureFactory(role=role)
    role.seniority = "board"
    role.save()
    assert stored(first) == stored(second) == facts(role)
    # What a merge does: move roles with one UPDATE, no save() at all.
    survivor = PersonFactory()
    Role.objects.filter(pk=role.pk).update(person=survivor, function="policy")
    assert stored(first) == facts(role)
    assert stored(first)[0] == survivor.pk


def test_a_stale_copy_written_back_by_the_orm_is_corrected():
    role = RoleFactory(seniority="vp")
    departure = DepartureFactory(role=role)
    departure.seniority = "staff"  # what an in-memory copy could hold
    departure.person_id = None
    departure.save()
    assert stored(departure) == facts(role)


def test_moving_a_departure_to_another_role_copies_the_new_roles_facts():
    departure = DepartureFactory(role=RoleFactory(seniority="vp"))
    other = RoleFactory(seniority="head", organization=OrganizationFactory())
    Departure.objects.filter(pk=departure.pk).update(role=other)
    assert stored(departure) == facts(other)


def test_bulk_created_departures_carry_their_roles_facts():
    role = RoleFactory(seniority="lead", is_founder=True)
    made = Departure.objects.bulk_create(
        [
            Departure(role=role, announced_on=datetime.date(2020, 1, n))
            for n in range(1, 4)
        ]
    )
    for departure in made:
        assert stored(departure) == facts(role)


def wrong_copies(role: Role, announced_on: datetime.date) -> Departure:
    """A departure of `role` holding copies that are none of its role's."""
    return Departure(
        role=role,
        announced_on=announced_on,
        person=PersonFactory(),
        organization=OrganizationFactory(),
        seniority="staff",
        function="policy",
        is_founder=not role.is_founder,
        announced_month=datetime.date(1999, 1, 1),
        tenure_days=-1,
    )


def write_in_a_batch(departures: list[Departure]) -> None:
    """Write `departures` as an import's batch does, as they are."""
    batch = WriteBatch()
    with transaction.atomic():
        for departure in departures:
            batch.add(departure)
        batch.flush()


@pytest.mark.parametrize(
    "write",
    [Departure.objects.bulk_create, write_in_a_batch],
    ids=["bulk_create", "import batch"],
)
def test_departures_inserted_in_bulk_with_wrong_copies_are_corrected(write):
    role = RoleFactory(
        seniority="vp",
        function="safety",
        is_founder=True,
        start_on=datetime.date(2024, 4, 30),
        start_precision="day",
    )
    made = [wrong_copies(role, datetime.date(2024, 5, n)) for n in (2, 17)]
    write(made)
    for departure in made:
        assert stored(departure) == facts(role)
        assert Departure.objects.get(pk=departure.pk).announced_month == (
            datetime.date(2024, 5, 1)
        )
    assert [tenure(departure) for departure in made] == [2, 17]


def test_an_import_writes_the_copies_itself_the_triggers_correcting_nothing():
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER departures_departure_stored_insert")
        else:
            cursor.execute(
                "DROP TRIGGER departures_departure_stored ON departures_departure"
            )
    assert_imported_with_its_copies(
        "Ada Example,Example Labs,Chief Scientist,vp,research,true,2024-05-17"
    )


def keep_nothing_on(write: str) -> None:
    """Put in place an earlier definition of what a departure's `write`
    (insert or update) keeps: one that keeps nothing."""
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            name = f"departures_departure_stored_{write}"
            cursor.execute(f"DROP TRIGGER {name}")
            cursor.execute(
                f"CREATE TRIGGER {name} AFTER {write.upper()} "
                "ON departures_departure BEGIN SELECT 1; END"
            )
        else:
            cursor.execute(
                "CREATE OR REPLACE FUNCTION departures_departure_stored() "
                "RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$"
            )


def test_install_replaces_a_trigger_whose_definition_changed():
    role = RoleFactory(seniority="vp")
    keep_nothing_on("insert")
    database.install(connection)
    departure = DepartureFactory(role=role)
    assert stored(departure) == facts(role)


def test_install_brings_the_rows_up_to_date_where_a_definition_changed():
    """The rows kept by an earlier definition (here: one that kept no
    tenure) are stale under the new one; the next install recomputes them."""
    departure = DepartureFactory(
        role=RoleFactory(start_on=datetime.date(2020, 1, 1), start_precision="day"),
        announced_on=datetime.date(2020, 1, 11),
        effective_on=None,
    )
    keep_nothing_on("update")
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The fingerprint an earlier install would have left.
            cursor.execute(
                "COMMENT ON FUNCTION departures_departure_stored() IS 'earlier'"
            )
        cursor.execute("UPDATE departures_departure SET tenure_days = NULL")
    assert tenure(departure) is None
    database.install(connection)
    assert tenure(departure) == 10


def test_install_is_idempotent_and_repairs_copies_left_stale_without_triggers():
    departure = DepartureFactory(role=RoleFactory(seniority="vp"))
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER people_role_departure_facts_update")
        else:
            cursor.execute(
                "DROP TRIGGER departures_departure_stored ON departures_departure"
            )
    Role.objects.filter(pk=departure.role_id).update(seniority="staff")
    database.install(connection)
    database.install(connection)
    assert stored(departure)[2] == "staff"


@pytest.fixture
def texts():
    person = PersonFactory(name="Quillfeather Ölund")
    organization = OrganizationFactory(name="Acme Widgets")
    role = RoleFactory(person=person, organization=organization, title="Chief Widget")
    departure = DepartureFactory(
        role=role,
        stated_reason="To spend time on governance.",
        context="Reported as 100% amicable_ish.",
    )
    DepartureFactory(stated_reason="Unrelated.", context="")
    return departure


@pytest.mark.parametrize(
    "text",
    [
        "quillfeather",  # person, any case
        "ÖLUND",  # beyond ASCII
        "widgets",  # organization
        "chief wid",  # role title, across a space
        "f widget",
        "GOVERNANCE",  # stated reason
        "amicable_ish",  # context
        "%",  # LIKE's wildcards, taken as the characters themselves
        "_",
        "QU",  # shorter than a trigram: the fallback
    ],
)
def test_search_finds_a_substring_of_any_searched_field_regardless_of_case(texts, text):
    assert list(Departure.objects.search(text)) == [texts]


@pytest.mark.parametrize("text", ['"', 'a"b', "1_0", "10%a", "no such words"])
def test_search_takes_quotes_and_wildcards_as_text(texts, text):
    assert list(Departure.objects.search(text)) == []


def test_search_follows_a_rename_and_a_deleted_row(texts):
    Person.objects.filter(pk=texts.role.person_id).update(name="Renamed Person")
    assert list(Departure.objects.search("quillfeather")) == []
    assert list(Departure.objects.search("renamed")) == [texts]
    Departure.objects.filter(pk=texts.pk).update(stated_reason="Nothing.")
    assert list(Departure.objects.search("governance")) == []


def test_an_imported_file_written_in_bulk_carries_the_roles_facts_and_month():
    assert_imported_with_its_copies(
        "Ada Example,Example Labs,Chief Scientist,c_suite,research,true,2024-05"
    )


def assert_imported_with_its_copies(line: str) -> None:
    """Import one row announced in May 2024; its departure carries its
    role's facts and its month."""
    from departures.importing import import_departures

    report = import_departures(
        f"person,organization,role_title,seniority,function,founder,announced\n{line}\n"
    )
    assert report.ok, report.errors
    departure = Departure.objects.get()
    assert stored(departure) == facts(departure.role)
    assert departure.announced_month == datetime.date(2024, 5, 1)
