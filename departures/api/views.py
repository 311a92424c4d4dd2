"""Read-only JSON of published departures, public people and organizations.

The list reuses DepartureFilterSet through django-filter's DRF backend, so
the API takes exactly the filter contract of the timeline, the CSV and the
feed, with the same 400 for a bad parameter.
"""

from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination

from departures.api.errors import DetailSerializer, ErrorsSerializer
from departures.api.schema import filter_parameters
from departures.api.serializers import (
    DepartureSerializer,
    OrganizationSerializer,
    PersonSerializer,
)
from departures.filters import DepartureFilterSet
from departures.models import Departure
from people.models import Organization, Person

NOT_FOUND = OpenApiResponse(DetailSerializer, description="No such public record.")


class ContractFilterBackend(DjangoFilterBackend):
    """The filter contract; a bad parameter is a 400 naming each problem."""

    def filter_queryset(self, request, queryset, view):
        filterset = self.get_filterset(request, queryset, view)
        if not filterset.is_valid():
            errors = {name: list(m) for name, m in filterset.form.errors.items()}
            raise ValidationError({"errors": errors})
        return filterset.qs


class ContractPagination(PageNumberPagination):
    """50 a page; a page past the last is a 400, as on the timeline."""

    page_size = 50

    def paginate_queryset(self, queryset, request, view=None):
        paginator = self.django_paginator_class(queryset, self.page_size)
        number = int(request.query_params.get(self.page_query_param) or 1)
        if number > 1 and number > paginator.num_pages:
            pages = paginator.num_pages
            raise ValidationError(
                {
                    "errors": {
                        "page": [
                            f"There {'is' if pages == 1 else 'are'} only {pages} "
                            f"page{'' if pages == 1 else 's'} of results."
                        ]
                    }
                }
            )
        return super().paginate_queryset(queryset, request, view)


class DepartureList(generics.ListAPIView):
    """Published departures matching the filters, 50 a page, newest first
    (`sort=oldest` for oldest first); ties on the date are ordered by id."""

    serializer_class = DepartureSerializer
    filter_backends = [ContractFilterBackend]
    filterset_class = DepartureFilterSet
    pagination_class = ContractPagination

    def get_queryset(self):
        return Departure.objects.published().newest_first().with_related()

    @extend_schema(
        parameters=filter_parameters(),
        responses={
            200: DepartureSerializer(many=True),
            400: OpenApiResponse(ErrorsSerializer, description="A bad parameter."),
        },
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class DepartureDetail(generics.RetrieveAPIView):
    """One published departure."""

    serializer_class = DepartureSerializer

    def get_queryset(self):
        return Departure.objects.published().with_related()

    @extend_schema(responses={200: DepartureSerializer, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class PersonDetail(generics.RetrieveAPIView):
    """A public person with their published departures, oldest first."""

    serializer_class = PersonSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Person.objects.public()

    def get_object(self):
        person = super().get_object()
        person.public_departures = list(
            Departure.objects.published()
            .for_person(person)
            .with_related()
            .oldest_first()
        )
        return person

    @extend_schema(responses={200: PersonSerializer, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class OrganizationDetail(generics.RetrieveAPIView):
    """A public organization, with the number of its published departures."""

    serializer_class = OrganizationSerializer
    lookup_field = "slug"

    def get_queryset(self):
        left = (
            Departure.objects.published()
            .filter(role__organization=OuterRef("pk"))
            .order_by()
            .values("role__organization")
            .annotate(n=Count("pk"))
            .values("n")
        )
        return Organization.objects.public().annotate(
            departure_count=Coalesce(Subquery(left, output_field=IntegerField()), 0)
        )

    @extend_schema(responses={200: OrganizationSerializer, 404: NOT_FOUND})
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)
