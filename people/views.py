from django.db.models import Count, Prefetch, Q
from django.views.generic import DetailView, ListView

from departures.models import Departure
from people.models import Organization, Person, Role


class PersonListView(ListView):
    template_name = "people/person_list.html"
    paginate_by = 100

    def get_queryset(self):
        return Person.objects.annotate(
            departure_count=Count(
                "roles__departures",
                filter=Q(roles__departures__published_at__isnull=False),
            )
        ).filter(departure_count__gt=0)


class PersonDetailView(DetailView):
    template_name = "people/person_detail.html"

    def get_queryset(self):
        return Person.objects.prefetch_related(
            Prefetch(
                "roles",
                queryset=Role.objects.select_related("organization").order_by(
                    "start_on", "id"
                ),
            )
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            departures=Departure.objects.published()
            .for_person(self.object)
            .with_related()
            .oldest_first(),
            **kwargs,
        )


class OrganizationListView(ListView):
    template_name = "people/organization_list.html"
    paginate_by = 100

    def get_queryset(self):
        return (
            Organization.objects.annotate(
                departure_count=Count(
                    "roles__departures",
                    filter=Q(roles__departures__published_at__isnull=False),
                )
            )
            .filter(departure_count__gt=0)
            .order_by("-departure_count", "name")
        )


class OrganizationDetailView(DetailView):
    template_name = "people/organization_detail.html"
    model = Organization

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            departures=Departure.objects.published()
            .for_organization(self.object)
            .with_related()
            .newest_first(),
            **kwargs,
        )
