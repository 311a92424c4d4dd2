"""Drafts and pending changes on the public layout, for staff only."""

from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import BadRequest, PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.decorators import method_decorator
from django.views.generic import DetailView

from departures.models import Departure, DepartureRevision
from departures.revisions import revision_applied


@method_decorator(staff_member_required, name="dispatch")
class DeparturePreviewView(DetailView):
    """/departures/<id>/preview/[?revision=<id>]: the detail page with a
    "Draft — not public" banner; never indexed, never cached."""

    template_name = "departures/departure_detail.html"

    def get_queryset(self):
        return Departure.objects.with_related()

    def get_object(self, queryset=None):
        if not self.request.user.has_perm("departures.view_departure"):
            raise PermissionDenied
        departure = super().get_object(queryset)
        number = self.request.GET.get("revision")
        if number is None:
            return departure
        if not number.isdigit():
            raise BadRequest("A revision is a whole number.")
        revision = get_object_or_404(DepartureRevision, pk=number, departure=departure)
        self.revision = revision
        return revision_applied(revision)

    def get_context_data(self, **kwargs):
        revision = getattr(self, "revision", None)
        return super().get_context_data(
            preview=True,
            preview_note=(
                f"Preview of a change proposed by {revision.created_by} — "
                "not public until a publisher approves it."
                if revision
                else (
                    "Published — this is the public version."
                    if self.object.is_published
                    else "Draft — not public."
                )
            ),
            nearby=Departure.objects.none(),
            **kwargs,
        )

    def render_to_response(self, context, **kwargs):
        response = super().render_to_response(context, **kwargs)
        response["X-Robots-Tag"] = "noindex"
        response["Cache-Control"] = "private, no-store"
        return response
