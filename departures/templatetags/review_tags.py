from django import template

from departures.models import DepartureRevision

register = template.Library()

QUEUE_LENGTH = 20


@register.simple_tag
def pending_revisions():
    """The oldest changes awaiting review, for the admin index."""
    return list(
        DepartureRevision.objects.filter(status=DepartureRevision.Status.PENDING)
        .select_related(
            "created_by", "departure__role__person", "departure__role__organization"
        )
        .order_by("created_at", "id")[:QUEUE_LENGTH]
    )
