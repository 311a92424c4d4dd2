"""The CSV of any filtered view: `/departures.csv?…`, streamed."""

from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views import View

from departures.exports import csv_lines, export_rows, filename
from departures.filters import DepartureFilterSet
from departures.models import Departure
from people.models import Person


def published_filterset(request) -> DepartureFilterSet:
    """The filter contract bound to the request, over published departures."""
    return DepartureFilterSet(
        data=request.GET, queryset=Departure.objects.published().newest_first()
    )


def error_lines(filterset: DepartureFilterSet) -> list[str]:
    """One `parameter: problem` line per problem of a bad filter."""
    return [
        f"{name}: {message}"
        for name, messages in filterset.form.errors.items()
        for message in messages
    ]


def bad_parameters_text(filterset: DepartureFilterSet) -> HttpResponse:
    body = "Bad parameters; nothing was exported.\n" + "\n".join(error_lines(filterset))
    return HttpResponse(
        body + "\n", status=400, content_type="text/plain; charset=utf-8"
    )


class DepartureCSVView(View):
    """Every published departure matching the filters, streamed as CSV."""

    def get(self, request):
        filterset = published_filterset(request)
        if not filterset.is_valid():
            return bad_parameters_text(filterset)
        names = [n for n in filterset.filters if n not in filterset.NOT_FILTERS]
        return csv_response(request, filterset.qs, filename(request.GET, names=names))


class PersonCSVView(View):
    """A public person's published departures (the contract has no person filter)."""

    def get(self, request, slug):
        person = get_object_or_404(Person.objects.public(), slug=slug)
        departures = Departure.objects.published().for_person(person).newest_first()
        return csv_response(request, departures, f"departures-person-{person.slug}.csv")


def csv_response(request, departures, name: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(
        csv_lines(export_rows(departures), base_url=request.build_absolute_uri("/")),
        content_type="text/csv; charset=utf-8; header=present",
    )
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
