"""`manage.py generate_synthetic`: deterministic, valid and marked synthetic."""

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from departures import synthetic
from departures.models import Citation, Departure, Source, Tag
from people.models import Organization, Person, Role
from tests.factories import DepartureFactory

pytestmark = pytest.mark.django_db

SIZE = 500


def generate(*, seed=7, force=False):
    call_command(
        "generate_synthetic", departures=SIZE, seed=seed, force=force, verbosity=0
    )


def fingerprint():
    """What a reader would see of every departure, without database ids."""
    return [
        (
            *values,
            tuple(
                Source.objects.filter(departures__pk=values[0])
                .order_by("url")
                .values_list("url", flat=True)
            ),
        )[1:]
        for values in Departure.objects.order_by("pk").values_list(
            "pk",
            "role__person__name",
            "role__organization__name",
            "role__title",
            "role__seniority",
            "role__is_founder",
            "announced_on",
            "announced_precision",
            "reason",
            "is_involuntary",
            "status",
            "stated_reason",
            "context",
            "reversed_on",
            "destination__name",
            "successor__name",
        )
    ]


def generated_then_undone(seed):
    with transaction.atomic():
        generate(seed=seed)
        rows = fingerprint()
        transaction.set_rollback(True)
    return rows


def test_the_same_seed_gives_the_same_departures_and_another_seed_others():
    first = generated_then_undone(7)
    assert len(first) == SIZE
    assert generated_then_undone(7) == first
    assert generated_then_undone(8) != first


def test_synthetic_departures_are_published_and_each_cites_a_source():
    generate()
    assert Departure.objects.published().count() == SIZE
    assert not Departure.objects.filter(citations__isnull=True).exists()
    citations = Citation.objects.count()
    assert SIZE * 1.15 < citations < SIZE * 1.45
    assert Source.objects.count() == citations


def test_every_synthetic_row_carries_the_marker():
    generate()
    assert all(
        synthetic.is_synthetic_source_url(url)
        for url in Source.objects.values_list("url", flat=True)
    )
    assert synthetic.synthetic_sources().count() == Source.objects.count()
    assert synthetic.synthetic_people().count() == Person.objects.count() > 0
    assert (
        synthetic.synthetic_organizations().count() == Organization.objects.count() > 0
    )
    assert all(
        name.endswith(" (synthetic)")
        for name in Organization.objects.values_list("name", flat=True)
    )
    assert all(
        name.startswith("synthetic: ")
        for name in Tag.objects.values_list("name", flat=True)
    )


def test_a_sample_of_synthetic_rows_passes_full_validation():
    generate()
    for model in (Departure, Role, Person, Organization, Source, Citation, Tag):
        for row in model.objects.order_by("?")[:40]:
            row.full_clean()


def test_synthetic_data_is_varied_like_real_records():
    generate()
    reasons = set(Departure.objects.values_list("reason", flat=True))
    assert reasons == set(Departure.Reason.values)
    assert set(Role.objects.values_list("seniority", flat=True)) == set(
        Role.Seniority.values
    )
    assert Role.objects.filter(is_founder=True).exists()
    assert Departure.objects.filter(announced_precision="month").exists()
    assert Departure.objects.filter(announced_precision="year").exists()
    assert Departure.objects.filter(reversed_on__isnull=False).exists()
    assert Departure.objects.filter(destination__isnull=False).exists()
    assert Departure.objects.filter(successor__isnull=False).exists()
    assert Departure.objects.filter(tags__isnull=False).exists()
    undisclosed = Departure.objects.filter(reason="undisclosed").count()
    assert undisclosed > SIZE * 0.2
    sizes = sorted(
        (org.roles.count() for org in Organization.objects.all()), reverse=True
    )
    assert sizes[0] > 10 * sizes[len(sizes) // 2]
    assert Person.objects.filter(name__endswith=synthetic.RARE_SURNAME).count() == 2


def test_a_database_with_departures_is_refused_unless_forced():
    DepartureFactory()
    with pytest.raises(CommandError, match="already has departures"):
        generate()
    assert Departure.objects.count() == 1
    generate(force=True)
    assert Departure.objects.count() == SIZE + 1


def test_synthetic_data_is_not_generated_twice_into_one_database():
    generate()
    with pytest.raises(CommandError, match="already holds synthetic data"):
        generate(force=True)
    assert Departure.objects.count() == SIZE


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's visibility map"
)
@pytest.mark.django_db(transaction=True)
def test_on_postgresql_the_generated_rows_are_vacuumed():
    """Committed, then vacuumed: the departures' pages are marked all-visible,
    so that the facets' index-only scans need not read the table."""
    call_command("generate_synthetic", departures=300, seed=2, verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relallvisible FROM pg_class WHERE relname = %s",
            [Departure._meta.db_table],
        )
        assert cursor.fetchone()[0] > 0
