import datetime
from collections.abc import Iterable

from django.db import connections, models
from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
)

from departures.database import matching, matching_branches
from people.dates import overlap_q
from people.models import Organization, Person
from people.querysets import NamedQuerySet


class DepartureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def for_organization(self, *organizations):
        """Departures from any of `organizations` (instances or slugs)."""
        return self.filter(_in("organization", organizations))

    def for_person(self, *people):
        return self.filter(_in("person", people))

    def to_destination(self, *organizations):
        return self.filter(_in("destination", organizations))

    def between(
        self, start: datetime.date | None = None, end: datetime.date | None = None
    ):
        """Departures announced in [start, end]; a partial date counts when its
        month or year overlaps the range."""
        return self.filter(overlap_q("announced_on", "announced_precision", start, end))

    def near(self, day: datetime.date, *, days: int):
        """Departures announced within `days` days either side of `day`."""
        delta = datetime.timedelta(days=days)
        return self.filter(announced_on__range=(day - delta, day + delta))

    # The role's facts are read from the departure's own copies
    # (departures/database.py), so no filter of the timeline joins.
    def with_seniority(self, *values: str):
        return self.filter(seniority__in=values)

    def with_function(self, *values: str):
        return self.filter(function__in=values)

    def founders(self, is_founder: bool = True):
        return self.filter(is_founder=is_founder)

    def with_reason(self, *values: str):
        return self.filter(reason__in=values)

    def with_status(self, *values: str):
        return self.filter(status__in=values)

    def tagged(self, *slugs: str):
        """Departures with any of the tags `slugs`; one row per departure."""
        # The ids from the tag index, then each departure by id: no scan of
        # the departures (an EXISTS would test every row).
        through = self.model.tags.through
        return self.filter(
            pk__in=through.objects.filter(tag__slug__in=slugs).values("departure_id")
        )

    def likely_duplicates_of(
        self,
        *,
        person_name: str,
        organization_name: str,
        announced_on: datetime.date,
        days: int = 90,
    ):
        """Departures of a person from an organization (names matched regardless
        of case) announced within `days` of `announced_on`."""
        return self.filter(
            role__person__in=Person.objects.named(person_name),
            role__organization__in=Organization.objects.named(organization_name),
        ).near(announced_on, days=days)

    def reversed(self):
        return self.filter(reversed_on__isnull=False)

    def not_reversed(self):
        return self.filter(reversed_on__isnull=True)

    def search(self, text: str):
        """Departures whose person, organization, role title, stated reason or
        context contains `text`, regardless of case.

        One subquery, which every facet count shares: the union of the ids
        each text index finds (departures/database.py), each branch read
        through an index, so a rare word costs a few lookups however many rows
        there are.
        """
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(pk__in=matching(text))

    def found(self, text: str, *fields: str):
        """`fields` of the departures of this queryset whose person,
        organization, role title, stated reason or context contains `text`,
        as `search()` finds them, in no order, read as each database reads
        them best. On PostgreSQL, a union of one read per text index
        (departures/database.py), each through its index, each row's columns
        read where it is found rather than looked up again by id. On SQLite,
        whose text indexes are tables of their own, the union of their ids
        and then each row by id: uniting the rows, all their columns, cost
        more than the lookups (5 042 rows 21 -> 18 ms, a rare name's two
        1.7 -> 0.8 ms)."""
        if connections[self.db].vendor == "sqlite":
            return self.search(text).order_by().values_list(*fields)
        branches = [
            self.filter(condition).order_by().values_list(*fields)
            for condition in matching_branches(text)
        ]
        return branches[0].union(*branches[1:])

    def count_by(self, *fields: str):
        """(*fields, count) rows, biggest first: one GROUP BY in the database."""
        return (
            self.order_by()
            .values_list(*fields)
            .annotate(n=Count("pk"))
            .order_by("-n", *fields)
        )

    def newest_first(self):
        return self.order_by("-announced_on", "-id")

    def oldest_first(self):
        return self.order_by("announced_on", "id")

    def with_related(self):
        """Everything a listing shows, in a fixed number of queries."""
        from departures.models import Citation

        return self.select_related(
            "role__person", "role__organization", "destination", "successor"
        ).prefetch_related(
            "tags",
            Prefetch(
                "citations",
                # Dated sources first, oldest first, on every database.
                queryset=Citation.objects.select_related("source").order_by(
                    F("source__published_on").asc(nulls_last=True), "id"
                ),
            ),
        )


class TagQuerySet(NamedQuerySet):
    def public(self):
        """Tags on a published departure."""
        return self.filter(Exists(_published().filter(tags=OuterRef("pk"))))


class SourceQuerySet(models.QuerySet):
    def public(self):
        """Sources cited by a published departure."""
        return self.filter(
            Exists(_published().filter(citations__source=OuterRef("pk")))
        )


class CitationQuerySet(models.QuerySet):
    def public(self):
        """Citations, and so their quotes, of published departures."""
        return self.filter(Exists(_published().filter(pk=OuterRef("departure"))))


def _published():
    from departures.models import Departure  # models import this module

    return Departure.objects.published()


def _in(field: str, values: Iterable) -> Q:
    """Match `field` against model instances or slugs."""
    instances = [v for v in values if isinstance(v, models.Model)]
    slugs = [v for v in values if isinstance(v, str)]
    # Each half only when given: an empty one would still join its table.
    match = Q(pk__in=[])
    if instances:
        match |= Q(**{f"{field}__in": instances})
    if slugs:
        match |= Q(**{f"{field}__slug__in": slugs})
    return match
