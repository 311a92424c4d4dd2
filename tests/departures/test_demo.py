import datetime

import pytest
from django.core.management import call_command

from departures.importing import COUNTED
from departures.models import Departure

pytestmark = pytest.mark.django_db


def counts():
    models = [*COUNTED, *(m.history.model for m in COUNTED if hasattr(m, "history"))]
    return {m._meta.label: m.objects.count() for m in models}


def test_load_demo_twice_leaves_every_row_count_unchanged(demo_data_imported):
    before = counts()

    call_command("load_demo", verbosity=0)

    assert counts() == before
    assert before["departures.Departure"] == 24


def test_demo_data_records_altmans_ouster_and_reinstatement(demo_data):
    altman = Departure.objects.get(role__person__name="Sam Altman")

    assert altman.announced_on == datetime.date(2023, 11, 17)
    assert altman.reversed_on == datetime.date(2023, 11, 22)
    assert altman.reason == Departure.Reason.OUSTED
    assert altman.is_published


def test_demo_data_has_murati_mcgrew_and_zoph_leaving_on_one_day(demo_data):
    names = Departure.objects.filter(
        announced_on=datetime.date(2024, 9, 25)
    ).values_list("role__person__name", flat=True)

    assert sorted(names) == ["Barret Zoph", "Bob McGrew", "Mira Murati"]


def test_every_published_demo_departure_cites_a_source(demo_data):
    assert not Departure.objects.published().filter(citations__isnull=True).exists()


def test_load_demo_if_empty_skips_a_database_that_has_departures(demo_data):
    Departure.objects.filter(role__person__name="Sam Altman").delete()

    call_command("load_demo", "--if-empty", verbosity=0)

    assert not Departure.objects.filter(role__person__name="Sam Altman").exists()
