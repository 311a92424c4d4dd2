"""Answer the public URLs of merged-away records with a 301 to the survivor."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from departures.models import DepartureRedirect
from people.models import OrganizationRedirect, PersonRedirect

# URL name → (redirect model, its survivor field, URL kwarg, redirect lookup).
REDIRECTS = {
    "people:person-detail": (PersonRedirect, "person", "slug", "old_slug"),
    "people:organization-detail": (
        OrganizationRedirect,
        "organization",
        "slug",
        "old_slug",
    ),
    "departures:detail": (DepartureRedirect, "departure", "pk", "old_id"),
}


class MergedRedirectMiddleware:
    """When a person or organization page 404s, look for a merge and redirect.

    It acts only on a 404, so a live page always wins and ordinary pages pay
    nothing.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code != 404:
            return response
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return response
        found = REDIRECTS.get(match.view_name)
        if found is None or not match.kwargs.get(found[2]):
            return response
        model, field, kwarg, lookup = found
        redirect = (
            model.objects.select_related(field)
            .filter(**{lookup: match.kwargs[kwarg]})
            .first()
        )
        survivor = getattr(redirect, field, None)
        # A draft stays unknown to the public, even through an old link: only
        # to a survivor that is public (published departure, or a person or
        # organization a published departure shows).
        if survivor is None or not _is_public(survivor):
            return response
        url = survivor.get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)


def _is_public(record) -> bool:
    manager = type(record).objects
    if hasattr(manager, "public"):
        return manager.public().filter(pk=record.pk).exists()
    return manager.published().filter(pk=record.pk).exists()
