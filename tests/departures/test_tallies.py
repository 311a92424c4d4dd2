"""The tallies of published departures per person and per organization
(departures/database.py), which /people/ and /organizations/ read: right after
every path that writes a departure, a role, a person or an organization — not
only the services."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models import Count
from django.db.models.expressions import RawSQL

from departures import database
from departures.merging import organization_merge, person_merge
from departures.models import (
    ChoiceTally,
    Departure,
    OrganizationTally,
    PersonTally,
)
from departures.services import departure_publish, departure_unpublish
from people.models import Role
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publisher(db):
    return UserFactory(groups=["Publishers"], username="pat")


def counted(key: str) -> dict[int, int]:
    """What the tallies should hold: published departures counted afresh."""
    return dict(
        Departure.objects.published().order_by().values_list(key).annotate(n=Count("*"))
    )


def combinations(rows) -> dict[tuple, tuple[int, int]]:
    """The choice facets' values -> (departures, reversed) of `rows`."""
    return {
        row[:-2]: row[-2:]
        for row in rows.values_list(*ChoiceTally.COLUMNS, "departures", "reversed")
    }


def assert_tallies_right():
    people = dict(
        PersonTally.objects.filter(departures__gt=0).values_list("person", "departures")
    )
    organizations = dict(
        OrganizationTally.objects.filter(departures__gt=0).values_list(
            "organization", "departures"
        )
    )
    assert people == counted("person")
    assert organizations == counted("organization")
    assert combinations(ChoiceTally.objects.filter(departures__gt=0)) == combinations(
        Departure.objects.published()
        .order_by()
        .values(*ChoiceTally.COLUMNS)
        .annotate(departures=Count("*"), reversed=Count("reversed_on"))
    )
    # No step ever leaves a tally below zero.
    assert not PersonTally.objects.filter(departures__lt=0).exists()
    assert not OrganizationTally.objects.filter(departures__lt=0).exists()
    assert not ChoiceTally.objects.filter(departures__lt=0).exists()
    assert not ChoiceTally.objects.filter(reversed__lt=0).exists()


def test_a_published_departure_counts_and_a_draft_does_not():
    role = RoleFactory()
    DepartureFactory(role=role)
    DepartureFactory(role=role)
    DepartureFactory(role=role, draft=True)
    assert_tallies_right()
    assert PersonTally.objects.get(person=role.person).departures == 2
    assert OrganizationTally.objects.get(organization=role.organization).departures == 2


def test_publishing_and_unpublishing_move_the_tallies(publisher):
    draft = DepartureFactory(draft=True)
    assert_tallies_right()
    departure_publish(departure=draft, actor=publisher)
    assert_tallies_right()
    assert PersonTally.objects.get(person=draft.role.person).departures == 1
    departure_unpublish(departure=draft, actor=publisher)
    assert_tallies_right()
    assert PersonTally.objects.get(person=draft.role.person).departures == 0


def test_deleting_a_departure_takes_it_off_the_tallies():
    departure = DepartureFactory()
    DepartureFactory(role=departure.role)
    departure.delete()
    assert_tallies_right()
    Departure.objects.all().delete()
    assert_tallies_right()


def test_a_taking_away_never_creates_a_tally():
    # What a flush on SQLite does: the tallies' rows go first, then the
    # departures, whose people may be gone already.
    DepartureFactory()
    PersonTally.objects.all().delete()
    OrganizationTally.objects.all().delete()
    Departure.objects.all().delete()
    assert not PersonTally.objects.exists()
    assert not OrganizationTally.objects.exists()


def test_a_role_moved_by_save_or_by_a_queryset_update_moves_its_departures_count():
    role = RoleFactory()
    DepartureFactory(role=role)
    DepartureFactory(role=role)
    role.person = PersonFactory()
    role.save()
    assert_tallies_right()
    Role.objects.filter(pk=role.pk).update(organization=OrganizationFactory())
    assert_tallies_right()


def test_a_departure_moved_to_another_role_or_written_back_stale_counts_once():
    departure = DepartureFactory()
    other = RoleFactory()
    Departure.objects.filter(pk=departure.pk).update(role=other)
    assert_tallies_right()
    # An in-memory copy holding an old person, saved by the ORM.
    departure.refresh_from_db()
    departure.person_id = PersonFactory().pk
    departure.save()
    assert_tallies_right()
    departure.role = RoleFactory()
    departure.save()
    assert_tallies_right()


def test_bulk_created_departures_count():
    role = RoleFactory()
    Departure.objects.bulk_create(
        [
            Departure(
                role=role,
                announced_on=datetime.date(2020, 1, n),
                published_at=datetime.datetime(2020, 2, 1, tzinfo=datetime.UTC)
                if n % 2
                else None,
            )
            for n in range(1, 6)
        ]
    )
    assert_tallies_right()
    assert PersonTally.objects.get(person=role.person).departures == 3


def test_merging_people_and_organizations_moves_their_counts():
    people = [PersonFactory(), PersonFactory()]
    organizations = [OrganizationFactory(), OrganizationFactory()]
    for person, organization in zip(people, organizations, strict=True):
        DepartureFactory(role=RoleFactory(person=person, organization=organization))
    person_merge(survivor=people[0], merged=[people[1]])
    assert_tallies_right()
    organization_merge(survivor=organizations[0], merged=[organizations[1]])
    assert_tallies_right()
    assert PersonTally.objects.get(person=people[0]).departures == 2
    assert OrganizationTally.objects.get(organization=organizations[0]).departures == 2


def test_an_imported_file_written_in_bulk_counts():
    from departures.importing import import_departures

    DepartureFactory()
    report = import_departures(
        "person,organization,role_title,announced,status,source1_url\n"
        "Ada Tally,Tallyco,CTO,2024-03,confirmed,https://example.com/a\n"
        "Bo Tally,Tallyco,CFO,2024-04,confirmed,https://example.com/b\n",
        published=True,
    )
    assert report.ok, report.errors
    assert_tallies_right()
    assert OrganizationTally.objects.get(organization__name="Tallyco").departures == 2


def test_install_recounts_tallies_left_wrong_without_triggers():
    departure = DepartureFactory()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("DROP TRIGGER departures_departure_tally_update")
        else:
            cursor.execute(
                "DROP TRIGGER departures_departure_tally_update ON departures_departure"
            )
    Departure.objects.filter(pk=departure.pk).update(published_at=None)
    database.install(connection)
    database.install(connection)
    assert_tallies_right()
    Departure.objects.filter(pk=departure.pk).update(
        published_at=datetime.datetime(2024, 1, 1, tzinfo=datetime.UTC)
    )
    assert_tallies_right()


def test_a_change_of_any_choice_moves_the_departure_between_combinations():
    role = RoleFactory(seniority="c_suite", function="executive", is_founder=False)
    departure = DepartureFactory(
        role=role,
        reason="resigned",
        status="confirmed",
        announced_on=datetime.date(2024, 3, 1),
    )
    DepartureFactory(role=role, reason="new_role")
    DepartureFactory(role=role, reason="new_role", draft=True)
    assert_tallies_right()
    # The departure's own choices: by save, by a queryset update.
    departure.reason = "retired"
    departure.save()
    assert_tallies_right()
    Departure.objects.filter(pk=departure.pk).update(status="reported")
    assert_tallies_right()
    Departure.objects.filter(pk=departure.pk).update(
        reversed_on=datetime.date(2024, 6, 1)
    )
    assert_tallies_right()
    assert ChoiceTally.objects.get(reason="retired", status="reported").reversed == 1
    Departure.objects.filter(role=role).update(reversed_on=None, reason="new_role")
    assert_tallies_right()
    # The role's: every published departure of it moves, drafts stay out.
    role.seniority = "vp"
    role.save()
    assert_tallies_right()
    Role.objects.filter(pk=role.pk).update(function="safety", is_founder=True)
    assert_tallies_right()
    moved = ChoiceTally.objects.filter(
        reason="new_role", seniority="vp", function="safety", is_founder=True
    )
    assert sum(moved.values_list("departures", flat=True)) == 2


def test_a_role_inserted_after_its_departures_brings_their_combinations():
    # Foreign keys are checked at commit: a departure may be written before
    # its role, as a restore of a copy may do.
    template = RoleFactory(seniority="board", function="legal")
    person, organization = template.person, template.organization
    role_id = Role.objects.order_by("-pk").values_list("pk", flat=True)[0] + 100
    with transaction.atomic():
        Departure.objects.bulk_create(
            [
                Departure(
                    role_id=role_id,
                    announced_on=datetime.date(2021, 3, n),
                    reason="retired",
                    status="confirmed",
                    published_at=datetime.datetime(2021, 4, 1, tzinfo=datetime.UTC),
                )
                for n in (1, 2)
            ]
        )
        Role.objects.create(
            pk=role_id,
            person=person,
            organization=organization,
            title="General Counsel",
            seniority="board",
            function="legal",
        )
    assert_tallies_right()
    assert (
        ChoiceTally.objects.get(
            reason="retired", seniority="board", function="legal"
        ).departures
        == 2
    )


def test_a_change_no_combination_counts_leaves_their_tally_unwritten():
    """A merge or a role given to another person writes no combination's row:
    so it takes none of their locks, which concurrent publishes share."""
    if connection.vendor != "postgresql":
        pytest.skip("SQLite's choice triggers do not fire for it, by their WHEN")
    departure = DepartureFactory()

    def versions():
        return list(
            ChoiceTally.objects.annotate(version=RawSQL("xmin::text", []))
            .order_by("pk")
            .values_list("pk", "version")
        )

    before = versions()
    moved = PersonFactory()
    Role.objects.filter(pk=departure.role_id).update(person=moved)
    person_merge(survivor=PersonFactory(), merged=[moved])
    assert_tallies_right()
    assert versions() == before
    Departure.objects.filter(pk=departure.pk).update(reason="retired")
    assert versions() != before
