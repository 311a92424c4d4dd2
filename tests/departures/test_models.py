import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.defaultfilters import truncatechars

from departures.models import Departure, Source
from tests.factories import DepartureFactory, RoleFactory, SourceFactory

pytestmark = pytest.mark.django_db


def test_database_refuses_two_departures_from_one_role_on_one_date():
    first = DepartureFactory(announced_on=datetime.date(2024, 9, 25))

    with pytest.raises(IntegrityError), transaction.atomic():
        DepartureFactory(role=first.role, announced_on=datetime.date(2024, 9, 25))


def test_database_refuses_a_reversal_before_the_announcement():
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartureFactory(
            announced_on=datetime.date(2023, 11, 17),
            reversed_on=datetime.date(2023, 11, 16),
        )


def test_full_clean_reports_a_reversal_before_the_announcement_on_its_field():
    departure = Departure(
        role=RoleFactory(),
        announced_on=datetime.date(2023, 11, 17),
        reversed_on=datetime.date(2023, 11, 1),
    )

    with pytest.raises(ValidationError) as error:
        departure.full_clean()

    assert "reversed_on" in error.value.message_dict


def test_database_refuses_duplicate_source_urls():
    SourceFactory(url="https://www.theverge.com/story")

    with pytest.raises(IntegrityError), transaction.atomic():
        SourceFactory(url="https://www.theverge.com/story")


def test_source_urls_are_normalized_before_the_uniqueness_check():
    SourceFactory(url="https://www.theverge.com/story")
    duplicate = Source(url="HTTPS://WWW.TheVerge.com/story?utm_source=x#top")

    with pytest.raises(ValidationError) as error:
        duplicate.full_clean()

    assert duplicate.url == "https://www.theverge.com/story"
    assert "url" in error.value.message_dict


def test_database_refuses_an_ouster_marked_voluntary():
    with pytest.raises(IntegrityError), transaction.atomic():
        DepartureFactory(reason=Departure.Reason.OUSTED, is_involuntary=False)


def test_clean_derives_involuntary_from_the_reason():
    departure = DepartureFactory.build(role=RoleFactory(), reason="died")
    departure.clean()
    assert departure.is_involuntary is True

    departure.reason = "resigned"
    departure.is_involuntary = True
    departure.clean()
    assert departure.is_involuntary is False


def test_a_departure_displays_its_dates_at_their_precision():
    departure = DepartureFactory(
        announced_on=datetime.date(2024, 4, 1),
        announced_precision="month",
        effective_on=datetime.date(2024, 1, 1),
        effective_precision="year",
    )

    assert str(departure.announced) == "April 2024"
    assert str(departure.effective) == "2024"


def test_between_counts_a_month_precision_date_inside_its_month():
    april = DepartureFactory(
        announced_on=datetime.date(2024, 4, 1), announced_precision="month"
    )
    march = DepartureFactory(announced_on=datetime.date(2024, 3, 31))

    in_april = Departure.objects.between(
        datetime.date(2024, 4, 15), datetime.date(2024, 4, 30)
    )
    in_march = Departure.objects.between(
        datetime.date(2024, 3, 1), datetime.date(2024, 3, 31)
    )

    assert list(in_april) == [april]
    assert list(in_march) == [march]


@pytest.mark.parametrize(
    "publisher",
    ["Reuters", "R" * 40, "Reuters, via Gulf News and the Associated Press wire", ""],
)
def test_a_sources_short_name_is_what_truncatechars_makes_of_it(publisher):
    source = Source(publisher=publisher, url="https://example.com/" + "a" * 60)
    assert source.short_name == truncatechars(publisher or source.url, 40)
