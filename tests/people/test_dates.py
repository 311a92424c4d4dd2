import datetime

import pytest

from people.dates import PartialDate, Precision


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
