import datetime
from collections.abc import Iterable

from django.db import models
from django.db.models import Prefetch, Q

from people.dates import overlap_q


class DepartureQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False)

    def drafts(self):
        return self.filter(published_at__isnull=True)

    def for_organization(self, *organizations):
        """Departures from any of `organizations` (instances or slugs)."""
        return self.filter(_in("role__organization", organizations))

    def for_person(self, *people):
        return self.filter(_in("role__person", people))

    def to_destination(self, *organizations):
        return self.filter(_in("destination", organizations))

    def between(
        self, start: datetime.date | None = None, end: datetime.date | None = None
    ):
        """Departures announced in [start, end]; a partial date counts when its
        month or year overlaps the range."""
        return self.filter(overlap_q("announced_on", "announced_precision", start, end))

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
        window = datetime.timedelta(days=days)
        return self.filter(
            role__person__name__iexact=" ".join(person_name.split()),
            role__organization__name__iexact=" ".join(organization_name.split()),
            announced_on__range=(announced_on - window, announced_on + window),
        )

    def reversed(self):
        return self.filter(reversed_on__isnull=False)

    def not_reversed(self):
        return self.filter(reversed_on__isnull=True)

    def involuntary(self):
        return self.filter(is_involuntary=True)

    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(role__person__name__icontains=text)
            | Q(role__organization__name__icontains=text)
            | Q(role__title__icontains=text)
            | Q(stated_reason__icontains=text)
            | Q(context__icontains=text)
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
                queryset=Citation.objects.select_related("source").order_by(
                    "source__published_on", "id"
                ),
            ),
        )


class SourceQuerySet(models.QuerySet):
    def search(self, text: str):
        text = (text or "").strip()
        if not text:
            return self
        return self.filter(
            Q(url__icontains=text)
            | Q(title__icontains=text)
            | Q(publisher__icontains=text)
        )


def _in(field: str, values: Iterable) -> Q:
    """Match `field` against model instances or slugs."""
    instances = [v for v in values if isinstance(v, models.Model)]
    slugs = [v for v in values if isinstance(v, str)]
    return Q(**{f"{field}__in": instances}) | Q(**{f"{field}__slug__in": slugs})
