"""Figures about a selection of departures, computed in the database."""

import datetime

from django.db.models import Count, Q


def median_tenure(queryset) -> datetime.timedelta | None:
    """The median time in role of the leavers in `queryset`, or None without
    data. Two queries whatever the size, a count and then the middle row(s),
    both read from the tenure stored on each row (departures/database.py):
    for one organization, from its stretch of dep_pub_org_tenure_idx."""
    with_tenure = queryset.filter(tenure_days__isnull=False).order_by("tenure_days")
    count = with_tenure.count()
    if not count:
        return None
    middle = list(
        with_tenure.values_list("tenure_days", flat=True)[
            (count - 1) // 2 : count // 2 + 1
        ]
    )
    return datetime.timedelta(days=sum(middle) / len(middle))


def summary(queryset) -> dict[str, int]:
    """Totals of a selection: all, involuntary, undisclosed, reversed."""
    # Counted by the reason, never empty, rather than the id: an index that
    # covers the rest, as an organization's does, can answer alone (Django
    # allows no COUNT(*) with a filter).
    return queryset.order_by().aggregate(
        total=Count("*"),
        involuntary=Count("reason", filter=Q(is_involuntary=True)),
        undisclosed=Count("reason", filter=Q(reason="undisclosed")),
        reversed=Count("reason", filter=Q(reversed_on__isnull=False)),
    )


def describe_duration(duration: datetime.timedelta | None) -> str:
    """“3.4 years”, “8 months”, “12 days”; “not enough data” for None."""
    if duration is None:
        return "not enough data"
    days = duration.days
    if days >= 365:
        return f"{days / 365.25:.1f} years"
    if days >= 61:
        return f"{round(days / 30.44)} months"
    return f"{days} day{'' if days == 1 else 's'}"
