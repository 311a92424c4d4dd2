from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.shortcuts import redirect
from django.views.decorators.cache import never_cache
from django.views.generic import DetailView, ListView

from departures.models import Departure


class TimelineView(ListView):
    template_name = "departures/departure_list.html"
    paginate_by = 50

    def get_queryset(self):
        return Departure.objects.published().with_related().newest_first()


class DepartureDetailView(DetailView):
    template_name = "departures/departure_detail.html"

    def get_queryset(self):
        return Departure.objects.published().with_related()

    def get(self, request, *args, **kwargs):
        self.object = self.get_object()
        if kwargs["slug"] != self.object.slug:
            return redirect(self.object, permanent=True)
        return self.render_to_response(self.get_context_data(object=self.object))


@never_cache
def healthz(request):
    """Answer 200 when the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return HttpResponse(
            "database unavailable\n", status=503, content_type="text/plain"
        )
    return HttpResponse("ok\n", content_type="text/plain")
