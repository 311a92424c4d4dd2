"""Partial dates: a date known to the day, the month or only the year.

A partial date is stored as two columns: the first day of its period and its
precision. It displays at its precision, sorts by the first day, and counts in
a date range when its period overlaps the range.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import operator
import re
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q


class Precision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = "month", "Month"
    YEAR = "year", "Year"


# Precision.values builds a new list at each call; a partial date checks it
# on each construction.
_PRECISIONS = frozenset(Precision.values)

PRECISION_HELP = (
    "How much of the date is known. Day: the exact date. Month: only the month "
    "(enter the 1st). Year: only the year (enter 1 January)."
)

# re.ASCII: the digits 0-9 only, not "٢٠٢٤" (which int() would accept).
_PATTERN = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$", re.ASCII)


@dataclass(frozen=True, order=True)
class PartialDate:
    """A date at day, month or year precision; `start` is its period's first day."""

    start: datetime.date
    precision: str = Precision.DAY

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse `YYYY`, `YYYY-MM` or `YYYY-MM-DD`; raise ValueError otherwise."""
        match = _PATTERN.match((text or "").strip())
        if not match:
            raise ValueError(
                f"“{text}” is not a date: use YYYY, YYYY-MM or YYYY-MM-DD."
            )
        year, month, day = match.groups()
        try:
            if day:
                return cls(datetime.date(int(year), int(month), int(day)))
            if month:
                return cls(datetime.date(int(year), int(month), 1), Precision.MONTH)
            return cls(datetime.date(int(year), 1, 1), Precision.YEAR)
        except ValueError:
            raise ValueError(f"“{text}” is not a real date.") from None

    @classmethod
    def from_db(cls, value: datetime.date | None, precision: str) -> PartialDate | None:
        if value is None:
            return None
        return cls(value, precision or Precision.DAY)

    def __post_init__(self):
        if self.precision not in _PRECISIONS:
            raise ValueError(f"Unknown precision “{self.precision}”.")
        if self.start != truncate(self.start, self.precision):
            raise ValueError(
                f"A {self.precision}-precision date starts its period, "
                f"not {self.start.isoformat()}."
            )

    @property
    def end(self) -> datetime.date:
        """The last day of the period."""
        if self.precision == Precision.YEAR:
            return self.start.replace(month=12, day=31)
        if self.precision == Precision.MONTH:
            last = calendar.monthrange(self.start.year, self.start.month)[1]
            return self.start.replace(day=last)
        return self.start

    def isoformat(self) -> str:
        if self.precision == Precision.YEAR:
            return f"{self.start.year:04d}"
        if self.precision == Precision.MONTH:
            return f"{self.start.year:04d}-{self.start.month:02d}"
        return self.start.isoformat()

    def __str__(self) -> str:
        if self.precision == Precision.YEAR:
            return str(self.start.year)
        if self.precision == Precision.MONTH:
            return f"{self.start:%B} {self.start.year}"
        return f"{self.start:%B} {self.start.day}, {self.start.year}"


def truncate(value: datetime.date, precision: str) -> datetime.date:
    """Return the first day of the period of `precision` that holds `value`."""
    if precision == Precision.YEAR:
        return value.replace(month=1, day=1)
    if precision == Precision.MONTH:
        return value.replace(day=1)
    return value


def overlap_q(
    field: str,
    precision_field: str,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> Q:
    """Match partial dates whose period overlaps [start, end] (either may be open).

    Written as plain comparisons on the stored first day so that an index on
    `field` serves it: one range, from the first day of `start`'s year, with
    what each precision needs checked on the rows it finds (a range per
    precision would have the database read the index three times and merge
    the rows). A start on the first of January needs no more than the range.
    """
    q = Q()
    if end is not None:
        q &= Q(**{f"{field}__lte": end})
    if start is not None:
        floors = {
            precision: truncate(start, precision)
            for precision in (Precision.DAY, Precision.MONTH, Precision.YEAR)
        }
        q &= Q(**{f"{field}__gte": floors[Precision.YEAR]})
        if len(set(floors.values())) > 1:
            q &= functools.reduce(
                operator.or_,
                (
                    Q(**{precision_field: precision, f"{field}__gte": floor})
                    for precision, floor in floors.items()
                ),
            )
    return q


def precision_constraint(field: str, precision_field: str, *, name: str):
    """A check that a date's precision is set exactly when the date is."""
    return models.CheckConstraint(
        condition=(
            Q(**{f"{field}__isnull": True, precision_field: ""})
            | (Q(**{f"{field}__isnull": False}) & ~Q(**{precision_field: ""}))
        ),
        name=name,
    )


def clean_partial_date(
    obj: models.Model, name: str, *, required: bool = False
) -> dict[str, str]:
    """Settle the precision of `obj`'s `<name>_on` / `<name>_precision` pair
    and return its error, keyed by `<name>_on`, as `ValidationError` takes it.

    A date without a precision is taken to the day; no date, no precision
    (unless the date is `required`: its own field error then says so).
    """
    on, precision = f"{name}_on", f"{name}_precision"
    if getattr(obj, on) and not getattr(obj, precision):
        setattr(obj, precision, Precision.DAY)
    if not getattr(obj, on) and not required:
        setattr(obj, precision, "")
    try:
        PartialDate.from_db(getattr(obj, on), getattr(obj, precision))
    except ValueError as error:
        return {on: str(error)}
    return {}


class PartialDateField(forms.CharField):
    """A form field for `YYYY`, `YYYY-MM` or `YYYY-MM-DD`, cleaned to a PartialDate."""

    def clean(self, value):
        # Parse after CharField's own checks, which apply to the text.
        value = super().clean(value)
        if not value:
            return None
        try:
            return PartialDate.parse(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None
