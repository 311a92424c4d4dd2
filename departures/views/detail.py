from django.shortcuts import redirect
from django.views.generic import DetailView

from departures.models import Departure, DepartureRedirect
from people.redirects import MergedRedirectMixin

NEARBY_DAYS = 90


class DepartureDetailView(MergedRedirectMixin, DetailView):
    template_name = "departures/departure_detail.html"
    redirect_model = DepartureRedirect
    redirect_field = "departure"
    redirect_kwarg = "pk"
    redirect_lookup = "old_id"

    def get_queryset(self):
        return Departure.objects.published().with_related()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))

    def get_context_data(self, **kwargs):
        departure = self.object
        nearby = (
            Departure.objects.published()
            .for_organization(departure.role.organization)
            .near(departure.announced_on, days=NEARBY_DAYS)
            .exclude(pk=departure.pk)
            .select_related("role__person", "role__organization")
            .oldest_first()
        )
        return super().get_context_data(
            nearby=nearby, nearby_days=NEARBY_DAYS, **kwargs
        )
