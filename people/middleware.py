"""Answer the public URLs of merged-away people and organizations with a 301."""

from django.http import HttpResponsePermanentRedirect
from django.urls import Resolver404, resolve

from people.models import OrganizationRedirect, PersonRedirect

# URL name → how to find the survivor for a merged-away slug.
REDIRECTS = {
    "people:person-detail": (PersonRedirect, "person"),
    "people:organization-detail": (OrganizationRedirect, "organization"),
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
        slug = match.kwargs.get("slug")
        if found is None or not slug:
            return response
        model, field = found
        redirect = model.objects.select_related(field).filter(old_slug=slug).first()
        if redirect is None:
            return response
        url = getattr(redirect, field).get_absolute_url()
        if request.META.get("QUERY_STRING"):
            url = f"{url}?{request.META['QUERY_STRING']}"
        return HttpResponsePermanentRedirect(url)
