"""Presentation of partial dates, tenures and pending departures."""

import datetime

from django import template
from django.utils import timezone

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


@register.filter
def still_in_role(departure) -> bool:
    """True while the effective date is still ahead: “announced, still in role”."""
    effective = departure.effective
    if effective is None or departure.is_reversed:
        return False
    return effective.start > timezone.localdate()


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


@register.filter
def isodate(value: datetime.date | None) -> str:
    return value.isoformat() if value else ""


@register.inclusion_tag("includes/_pagination.html", takes_context=True)
def pagination(context, page_obj, around: int = 2):
    """Links to the first, last and nearby pages, keeping the query string."""
    if page_obj is None or not page_obj.has_other_pages():
        return {"links": []}
    params = context["request"].GET

    def href(number: int) -> str:
        query = params.copy()
        query.setlist("page", [str(number)] if number > 1 else [])
        encoded = query.urlencode()
        return f"?{encoded}" if encoded else "?"

    last = page_obj.paginator.num_pages
    wanted = {1, last, *range(page_obj.number - around, page_obj.number + around + 1)}
    links, previous = [], 0
    for number in sorted(n for n in wanted if 1 <= n <= last):
        if number - previous > 1:
            links.append(None)
        links.append((number, href(number), number == page_obj.number))
        previous = number
    return {
        "links": links,
        "previous": href(page_obj.number - 1) if page_obj.has_previous() else "",
        "next": href(page_obj.number + 1) if page_obj.has_next() else "",
    }
