import datetime

import pytest

from departures.models import Departure
from departures.stats import describe_duration, median_tenure
from tests.factories import DepartureFactory, RoleFactory

pytestmark = pytest.mark.django_db
D = datetime.date


def leaver(start, announced, effective=None):
    return DepartureFactory(
        role=RoleFactory(start_on=start, start_precision="day" if start else ""),
        announced_on=announced,
        effective_on=effective,
        effective_precision="day" if effective else "",
    )


def test_median_of_an_odd_number_is_the_middle_tenure():
    leaver(D(2020, 1, 1), D(2020, 1, 11))  # 10 days
    leaver(D(2020, 1, 1), D(2020, 1, 31))  # 30 days
    leaver(D(2020, 1, 1), D(2021, 1, 1))  # 366 days
    assert median_tenure(Departure.objects.published()) == datetime.timedelta(30)


def test_median_of_an_even_number_averages_the_middle_two():
    leaver(D(2020, 1, 1), D(2020, 1, 11))
    leaver(D(2020, 1, 1), D(2020, 1, 31))
    assert median_tenure(Departure.objects.published()) == datetime.timedelta(20)


def test_tenure_runs_to_the_effective_date_when_there_is_one():
    leaver(D(2020, 1, 1), D(2020, 1, 11), effective=D(2020, 3, 1))
    assert median_tenure(Departure.objects.published()) == datetime.timedelta(60)


def test_roles_without_a_start_do_not_count():
    leaver(None, D(2020, 1, 11))
    assert median_tenure(Departure.objects.published()) is None
    assert describe_duration(None) == "not enough data"


def test_durations_read_as_years_months_or_days():
    assert describe_duration(datetime.timedelta(days=1826)) == "5.0 years"
    assert describe_duration(datetime.timedelta(days=92)) == "3 months"
    assert describe_duration(datetime.timedelta(days=1)) == "1 day"
