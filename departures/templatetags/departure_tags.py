"""Presentation of partial dates and tenures."""

from django import template

from departures.stats import describe_duration
from people.dates import Precision

register = template.Library()


@register.filter
def month_heading(announced) -> str:
    """The timeline group of a partial date: “May 2024”, or “2024 (month
    unknown)” for a date known only to the year."""
    if announced.precision == Precision.YEAR:
        return f"{announced.start.year} (month unknown)"
    return f"{announced.start:%B} {announced.start.year}"


@register.simple_tag
def tenure(role, departure=None) -> str:
    """“2019 – November 17, 2023 (4.9 years)”, each end at its precision; a
    reversed departure did not end the role."""
    start, end = role.start, role.end
    if end is None and departure is not None and not departure.is_reversed:
        end = departure.effective or departure.announced
    if start is None and end is None:
        return "dates not known"
    text = f"{start or '?'} – {end or 'present'}"
    if start and end and end.start >= start.start:
        text += f" ({describe_duration(end.start - start.start)})"
    return text
