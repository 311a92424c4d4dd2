"""Atom feeds: of any filtered view (`/feed/?…`), of a person, of an organization.

The newest 50 published departures, newest announcement first; each entry's
`updated` is the record's last change.
"""

from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import format_html, format_html_join

from departures.describing import filter_title
from departures.models import Departure
from departures.views.exports import bad_parameters_text, published_filterset
from people.models import Organization, Person

FEED_LENGTH = 50


def entry_title(departure: Departure) -> str:
    role = departure.role
    return f"{role.person.name} leaves {role.title} at {role.organization.name}"


def entry_summary(departure: Departure) -> str:
    """HTML (escaped): reason, stated reason, context, sources."""
    parts = [
        format_html(
            "<p>{} ({}), announced {}.</p>",
            departure.get_reason_display(),
            "involuntary"
            if departure.is_involuntary
            else "voluntary as far as the record shows",
            departure.announced,
        )
    ]
    if departure.reversed_on:
        parts.append(format_html("<p>Reversed on {}.</p>", departure.reversed_on))
    if departure.stated_reason:
        parts.append(format_html("<p>Stated reason: {}</p>", departure.stated_reason))
    if departure.context:
        parts.append(format_html("<p>Reported context: {}</p>", departure.context))
    citations = departure.citations.all()
    if citations:
        parts.append(
            format_html(
                "<p>Sources:</p><ul>{}</ul>",
                format_html_join(
                    "",
                    '<li><a href="{}">{}</a></li>',
                    ((c.source.url, c.source.title or c.source.url) for c in citations),
                ),
            )
        )
    return "".join(parts)


class _DepartureFeed(Feed):
    feed_type = Atom1Feed

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        # The feed generator writes the document a few bytes at a time, each
        # write a chunk of the response, which the server would then send as
        # a packet of its own (hundreds, waiting on each other's
        # acknowledgements: 10-20 ms for a feed of 47 KB, cached or not), and
        # the cache would store chunk by chunk. One chunk.
        response.content = response.content
        return response

    def items(self, obj):
        return self.departures(obj).with_related().newest_first()[:FEED_LENGTH]

    def item_title(self, item):
        return entry_title(item)

    def item_description(self, item):
        return entry_summary(item)

    def item_updateddate(self, item):
        return item.updated_at

    def item_pubdate(self, item):
        return item.published_at

    def item_author_name(self, item):
        return "Departures"

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class FilteredFeed(_DepartureFeed):
    """`/feed/?…`: the filter contract; 400 with the problems on a bad parameter."""

    # One instance serves every request: state lives in the object, not on self.
    def __call__(self, request, *args, **kwargs):
        filterset = published_filterset(request)
        if not filterset.is_valid():
            return bad_parameters_text(filterset)
        return super().__call__(request, *args, **kwargs)

    def get_object(self, request, *args, **kwargs):
        filterset = published_filterset(request)
        filterset.is_valid()
        return filterset

    def departures(self, filterset):
        return filterset.qs

    def title(self, filterset):
        return filter_title(filterset)

    def subtitle(self, filterset):
        return f"The newest {FEED_LENGTH} published departures matching this view."

    def link(self, filterset):
        return reverse("departures:timeline") + _query(filterset)

    def feed_url(self, filterset):
        return reverse("departures:feed") + _query(filterset)


def _query(filterset) -> str:
    query = filterset.data.copy()
    query.pop("page", None)
    encoded = query.urlencode()
    return f"?{encoded}" if encoded else ""


class PersonFeed(_DepartureFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Person.objects.public(), slug=slug)

    def departures(self, person):
        return Departure.objects.published().for_person(person)

    def title(self, person):
        return f"Departures: {person.name}"

    def subtitle(self, person):
        return f"Published departures of {person.name}, newest first."

    def link(self, person):
        return person.get_absolute_url()


class OrganizationFeed(_DepartureFeed):
    def get_object(self, request, slug):
        return get_object_or_404(Organization.objects.public(), slug=slug)

    def departures(self, organization):
        return Departure.objects.published().for_organization(organization)

    def title(self, organization):
        return f"Departures from {organization.name}"

    def subtitle(self, organization):
        return (
            f"Published leadership departures from {organization.name}, newest first."
        )

    def link(self, organization):
        return organization.get_absolute_url()
