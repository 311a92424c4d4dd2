import datetime

import pytest
from django.core.exceptions import ValidationError

from people.dates import PartialDate, Precision
from tests.factories import DepartureFactory, RoleFactory, SourceFactory


@pytest.mark.parametrize(
    ("text", "start", "precision", "shown"),
    [
        ("2024", datetime.date(2024, 1, 1), Precision.YEAR, "2024"),
        ("2024-04", datetime.date(2024, 4, 1), Precision.MONTH, "April 2024"),
        ("2024-09-25", datetime.date(2024, 9, 25), Precision.DAY, "September 25, 2024"),
    ],
)
def test_partial_dates_parse_and_display_at_their_precision(
    text, start, precision, shown
):
    value = PartialDate.parse(text)

    assert value.start == start
    assert value.precision == precision
    assert str(value) == shown
    assert value.isoformat() == text


@pytest.mark.parametrize("text", ["", "24", "2024-13", "2024-02-30", "May 2024"])
def test_malformed_or_impossible_dates_are_refused(text):
    with pytest.raises(ValueError):
        PartialDate.parse(text)


def test_a_month_precision_date_spans_its_whole_month():
    assert PartialDate.parse("2024-02").end == datetime.date(2024, 2, 29)
    assert PartialDate.parse("2023").end == datetime.date(2023, 12, 31)


def test_a_partial_date_must_start_its_period():
    with pytest.raises(ValueError):
        PartialDate(datetime.date(2024, 4, 15), Precision.MONTH)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("factory", "name"),
    [
        (RoleFactory, "start"),
        (RoleFactory, "end"),
        (DepartureFactory, "effective"),
        (SourceFactory, "published"),
    ],
)
def test_every_partial_date_pair_is_cleaned_the_same_way(factory, name):
    obj = factory()
    on, precision = f"{name}_on", f"{name}_precision"

    # A date without a precision is a date to the day.
    setattr(obj, on, datetime.date(2024, 5, 14))
    setattr(obj, precision, "")
    obj.full_clean()
    assert getattr(obj, precision) == Precision.DAY

    # No date, no precision.
    setattr(obj, on, None)
    setattr(obj, precision, Precision.MONTH)
    obj.full_clean()
    assert getattr(obj, precision) == ""

    # A month is given by its first day.
    setattr(obj, on, datetime.date(2024, 5, 14))
    setattr(obj, precision, Precision.MONTH)
    with pytest.raises(ValidationError) as error:
        obj.full_clean()
    assert error.value.message_dict == {
        on: ["A month-precision date starts its period, not 2024-05-14."]
    }
