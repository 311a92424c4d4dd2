"""Departures per period as a server-rendered SVG bar chart.

`period_counts` asks the database for one row per month; `bars` turns those
rows into months, quarters or years (whichever keeps the chart readable);
`bar_chart_svg` draws them. Data in, markup out.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass

from django.db.models import Count, F
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString

from departures.database import Unordered
from people.dates import Precision

MONTHS_MAX = 36  # more months than this and the bars become quarters
QUARTERS_MAX = 48  # more quarters than this and they become years


@dataclass(frozen=True)
class Bar:
    label: str  # "May 2024", "Q2 2024", "2024"
    short: str  # axis label: "May", "Q2", "2024"
    start: str  # the period as `from`/`to` parameters
    end: str
    count: int
    href: str = ""


@dataclass(frozen=True)
class Chart:
    unit: str  # "month", "quarter" or "year"
    bars: list[Bar]
    year_only: int = 0  # departures known only to the year, left out of the bars

    @property
    def total(self) -> int:
        return sum(bar.count for bar in self.bars)

    @property
    def peak(self) -> Bar | None:
        return max(self.bars, key=lambda bar: bar.count, default=None)


def period_counts(
    queryset, *, narrowed: bool = False
) -> list[tuple[datetime.date, str, int]]:
    """(first of month, precision, count) for the announced dates in `queryset`.

    The month is stored on each row (a generated column), so this reads
    dep_pub_month_idx rather than computing a month per row — unless other
    parameters `narrowed` the rows, which their own index then finds
    (`Unordered`)."""
    month = Unordered("announced_month") if narrowed else F("announced_month")
    rows = (
        queryset.order_by()
        .annotate(month=month)
        .values_list("month", "announced_precision")
        .annotate(n=Count("*"))
        .order_by("month")
    )
    return [(_as_date(month), precision, n) for month, precision, n in rows]


def month_rows(counts: Mapping) -> list[tuple[datetime.date, str, int]]:
    """`period_counts`' rows from counts already taken: (month, precision)
    -> count."""
    return sorted(
        (_as_date(month), precision, n)
        for (month, precision), n in counts.items()
        if month is not None
    )


def bars(rows: list[tuple[datetime.date, str, int]], *, unit: str = "") -> Chart:
    """Bucket monthly rows into a chart with no gaps between its first and last
    period; by month, quarter or year as the range requires, unless `unit` says."""
    if not rows:
        return Chart(unit=unit or "month", bars=[])
    first, last = rows[0][0], rows[-1][0]
    months = (last.year - first.year) * 12 + last.month - first.month + 1
    if unit:
        pass
    elif months <= MONTHS_MAX:
        unit = "month"
    elif months / 3 <= QUARTERS_MAX:
        unit = "quarter"
    else:
        unit = "year"
    counts: Counter = Counter()
    year_only = 0
    for month, precision, n in rows:
        if precision == Precision.YEAR and unit != "year":
            year_only += n
            continue
        counts[_period(month, unit)] += n
    dated = [
        month
        for month, precision, _ in rows
        if unit == "year" or precision != Precision.YEAR
    ]
    if not dated:
        return Chart(unit=unit, bars=[], year_only=year_only)
    periods = _periods(_period(dated[0], unit), _period(dated[-1], unit), unit)
    return Chart(
        unit=unit,
        bars=[_bar(period, unit, counts[period]) for period in periods],
        year_only=year_only,
    )


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def _period(month: datetime.date, unit: str) -> tuple[int, int]:
    if unit == "year":
        return (month.year, 1)
    if unit == "quarter":
        return (month.year, (month.month - 1) // 3 + 1)
    return (month.year, month.month)


def _periods(first: tuple[int, int], last: tuple[int, int], unit: str):
    per_year = {"year": 1, "quarter": 4, "month": 12}[unit]
    year, index = first
    while (year, index) <= last:
        yield (year, index)
        index += 1
        if index > per_year:
            year, index = year + 1, 1


def _bar(period: tuple[int, int], unit: str, count: int) -> Bar:
    year, index = period
    if unit == "year":
        return Bar(str(year), str(year), str(year), str(year), count)
    if unit == "quarter":
        first, last = 3 * index - 2, 3 * index
        return Bar(
            f"Q{index} {year}",
            f"Q{index}",
            f"{year}-{first:02d}",
            f"{year}-{last:02d}",
            count,
        )
    name = datetime.date(year, index, 1).strftime("%B")
    return Bar(
        f"{name} {year}", name[:3], f"{year}-{index:02d}", f"{year}-{index:02d}", count
    )


def bar_chart_svg(
    chart: Chart,
    *,
    title: str,
    chart_id: str = "chart",
    width: int = 720,
    height: int = 220,
) -> SafeString:
    """An accessible SVG bar chart; each bar with a count links to its `href`.

    `width` and `height` set the drawing's units: a narrower drawing shown in
    a narrow column keeps its text legible."""
    if not chart.bars:
        return SafeString("")
    peak = max(bar.count for bar in chart.bars) or 1
    # Room on the left for the peak's figure, right-aligned 6 units short.
    left, right, top, bottom = max(36, _units(str(peak)) + 10), 8, 22, 42
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / len(chart.bars)
    bar_w = max(step * 0.72, 1.5)
    show_values = len(chart.bars) <= 24

    labels = _axis_labels(chart, step)
    parts = []
    for position, bar in enumerate(chart.bars):
        x = left + position * step + (step - bar_w) / 2
        h = plot_h * bar.count / peak
        y = top + plot_h - h
        noun = "departure" if bar.count == 1 else "departures"
        words = f"{bar.label}: {bar.count} {noun}"
        rect = format_html(
            '<rect x="{}" y="{}" width="{}" height="{}" class="bar"></rect>',
            _n(x),
            _n(y),
            _n(bar_w),
            _n(h),
        )
        value = (
            format_html(
                '<text x="{}" y="{}" class="bar-value" text-anchor="middle">{}</text>',
                _n(x + bar_w / 2),
                _n(y - 5),
                bar.count,
            )
            if show_values and bar.count
            else ""
        )
        if bar.count and bar.href:
            # A taller invisible target makes short bars easy to click.
            parts.append(
                format_html(
                    '<a href="{}" aria-label="{}"><title>{}</title>'
                    '<rect x="{}" y="{}" width="{}" height="{}" class="bar-target">'
                    "</rect>{}{}</a>",
                    bar.href,
                    words,
                    words,
                    _n(left + position * step),
                    top,
                    _n(step),
                    plot_h,
                    rect,
                    value,
                )
            )
        else:
            parts.append(
                format_html("<g><title>{}</title>{}{}</g>", words, rect, value)
            )
        if position in labels:
            parts.append(
                format_html(
                    '<text x="{}" y="{}" class="axis-label" text-anchor="middle">'
                    "{}</text>",
                    _n(left + position * step + step / 2),
                    top + plot_h + 18,
                    labels[position],
                )
            )
    grid = format_html(
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="grid"></line>'
        '<text x="{}" y="{}" class="axis-label" text-anchor="end">{}</text>'
        '<line x1="{}" x2="{}" y1="{}" y2="{}" class="baseline"></line>'
        '<text x="{}" y="{}" class="axis-label" text-anchor="end">0</text>',
        left,
        width - right,
        top,
        top,
        left - 6,
        top + 4,
        peak,
        left,
        width - right,
        top + plot_h,
        top + plot_h,
        left - 6,
        top + plot_h + 4,
    )
    summary = describe(chart)
    return format_html(
        '<svg class="bar-chart" viewBox="0 0 {} {}" role="group" '
        'aria-labelledby="{}-title {}-desc" preserveAspectRatio="xMinYMin meet">'
        '<title id="{}-title">{}</title><desc id="{}-desc">{}</desc>{}{}</svg>',
        width,
        height,
        chart_id,
        chart_id,
        chart_id,
        title,
        chart_id,
        summary,
        grid,
        format_html_join("", "{}", ((part,) for part in parts)),
    )


def describe(chart: Chart) -> str:
    """One sentence that says what the chart shows."""
    if not chart.bars:
        return "No departures to chart."
    peak = chart.peak
    noun = "departure" if chart.total == 1 else "departures"
    text = (
        f"{chart.total} {noun} per {chart.unit}, {chart.bars[0].label} to "
        f"{chart.bars[-1].label}; the most, {peak.count}, in {peak.label}."
    )
    if chart.year_only:
        text += (
            f" {chart.year_only} known only to the year "
            f"{'is' if chart.year_only == 1 else 'are'} not in the bars."
        )
    return text


# An axis label's width, in the drawing's units, per character (the axis
# font is 13px: site.css), and the least space between two labels.
AXIS_CHARACTER = 7.5
AXIS_GAP = 8
YEAR_STEPS = (1, 2, 5, 10, 20, 50, 100)


def _axis_labels(chart: Chart, step: float) -> dict[int, str]:
    """The text under each labelled bar, by position, for bars `step` units
    apart: years at a round interval wide enough for their text; months and
    quarters each January (or Q1) when there are many, else every one. In
    either case a label that would touch the one before it is left out, so
    that however narrow the drawing, no two overlap."""
    if chart.unit == "year":
        every = next(
            (n for n in YEAR_STEPS if n * step >= _units("2024") + AXIS_GAP),
            YEAR_STEPS[-1],
        )
        candidates = [
            position
            for position, bar in enumerate(chart.bars)
            if int(bar.short) % every == 0
        ] or [0]
    else:
        candidates = [
            position
            for position, bar in enumerate(chart.bars)
            if _labelled(position, bar, chart)
        ]
    labels: dict[int, str] = {}
    last = None
    for position in candidates:
        text = _axis_text(chart.bars[position], chart, position)
        if last is not None:
            gap = (position - last) * step
            if gap < (_units(labels[last]) + _units(text)) / 2 + AXIS_GAP:
                continue
        labels[position] = text
        last = position
    return labels


def _units(text: str) -> float:
    return len(text) * AXIS_CHARACTER


def _labelled(position: int, bar: Bar, chart: Chart) -> bool:
    count = len(chart.bars)
    if count <= 14:
        return True
    # Long ranges: label each January (or Q1) and the first bar.
    return position == 0 or bar.short in ("Jan", "Q1")


def _axis_text(bar: Bar, chart: Chart, position: int) -> str:
    if chart.unit == "year":
        return bar.short
    year = bar.start[:4]
    if len(chart.bars) > 14:
        return year if bar.short in ("Jan", "Q1") or position == 0 else bar.short
    if position == 0 or bar.short in ("Jan", "Q1"):
        return (
            f"{bar.short} {year[2:]}"
            if chart.unit == "month"
            else f"{bar.short} {year}"
        )
    return bar.short


def _n(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")
