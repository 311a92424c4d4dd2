import datetime

import pytest

from departures.charts import Bar, Chart, bar_chart_svg, bars, describe, period_counts
from tests.factories import DepartureFactory

D = datetime.date


def test_months_in_range_become_one_bar_each_with_gaps_filled():
    chart = bars([(D(2024, 1, 1), "day", 2), (D(2024, 4, 1), "month", 1)])
    assert chart.unit == "month"
    assert [(b.label, b.count) for b in chart.bars] == [
        ("January 2024", 2),
        ("February 2024", 0),
        ("March 2024", 0),
        ("April 2024", 1),
    ]
    assert (chart.bars[0].start, chart.bars[0].end) == ("2024-01", "2024-01")


def test_long_ranges_become_quarters_then_years():
    quarters = bars([(D(2020, 2, 1), "day", 1), (D(2024, 11, 1), "day", 3)])
    assert quarters.unit == "quarter"
    assert quarters.bars[0].label == "Q1 2020"
    assert (quarters.bars[-1].start, quarters.bars[-1].end) == ("2024-10", "2024-12")
    assert quarters.total == 4

    years = bars([(D(1990, 5, 1), "day", 1), (D(2024, 1, 1), "year", 2)])
    assert years.unit == "year"
    assert len(years.bars) == 35
    assert (years.bars[-1].label, years.bars[-1].count) == ("2024", 2)


def test_dates_known_only_to_the_year_stay_out_of_monthly_bars_and_are_said():
    chart = bars([(D(2024, 1, 1), "year", 2), (D(2024, 5, 1), "day", 1)])
    assert [b.label for b in chart.bars] == ["May 2024"]
    assert chart.year_only == 2
    assert "2 known only to the year are not in the bars" in describe(chart)


def test_no_rows_make_no_chart():
    chart = bars([])
    assert chart.bars == []
    assert bar_chart_svg(chart, title="Nothing") == ""


def test_svg_has_a_text_alternative_links_and_escapes_everything():
    chart = Chart(
        unit="month",
        bars=[
            Bar("May 2024", "May", "2024-05", "2024-05", 3, href='?a=1&b="x"'),
            Bar("June 2024", "Jun", "2024-06", "2024-06", 0, href="?c=1"),
        ],
    )
    svg = bar_chart_svg(chart, title="<Departures>", chart_id="c")
    assert svg.startswith('<svg class="bar-chart"')
    assert '<title id="c-title">&lt;Departures&gt;</title>' in svg
    assert "3 departures per month, May 2024 to June 2024" in svg
    assert 'href="?a=1&amp;b=&quot;x&quot;"' in svg
    assert 'aria-label="May 2024: 3 departures"' in svg
    # A bar with nothing in it is not a link to an empty page.
    assert "?c=1" not in svg


@pytest.mark.django_db
def test_period_counts_groups_by_month_in_the_database():
    DepartureFactory(announced_on=D(2024, 5, 3))
    DepartureFactory(announced_on=D(2024, 5, 30))
    DepartureFactory(announced_on=D(2024, 7, 1), announced_precision="month")
    from departures.models import Departure

    assert period_counts(Departure.objects.published()) == [
        (D(2024, 5, 1), "day", 2),
        (D(2024, 7, 1), "month", 1),
    ]


def _axis_labels(svg: str) -> list[tuple[float, str]]:
    import re

    return [
        (float(x), text)
        for x, text in re.findall(
            r'<text x="([\d.]+)" y="[\d.]+" class="axis-label" '
            r'text-anchor="middle">([^<]*)</text>',
            svg,
        )
    ]


@pytest.mark.parametrize(
    "first, last",
    [
        ((1990, 1), (2026, 1)),
        ((2014, 1), (2025, 12)),
        ((2024, 1), (2025, 12)),
        ((2024, 1), (2025, 2)),
    ],
)
@pytest.mark.parametrize("width", [360, 720])
def test_axis_labels_never_touch_however_narrow_the_drawing(first, last, width):
    """Years, quarters and months, on the timeline's and an organization
    page's drawing: each label clear of the next by its text's width."""
    chart = bars([(D(*first, 1), "day", 1), (D(*last, 1), "day", 5)])
    labels = _axis_labels(bar_chart_svg(chart, title="t", width=width))
    assert len(labels) >= 2
    for (x1, a), (x2, b) in zip(labels, labels[1:], strict=False):
        # 13px text: no more than 7.5 units a character (site.css).
        assert x2 - x1 >= (len(a) + len(b)) * 7.5 / 2, (a, b, x2 - x1)
    if chart.unit == "year":
        years = [int(text) for _, text in labels]
        steps = {b - a for a, b in zip(years, years[1:], strict=False)}
        assert len(steps) == 1 and steps <= {1, 2, 5, 10}, years
