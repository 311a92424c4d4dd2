"""/sitemap.xml: published departures, public people and organizations, and
the static pages."""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from departures.models import Departure
from people.models import Organization, Person


class DepartureSitemap(Sitemap):
    def items(self):
        return (
            Departure.objects.published()
            .select_related("role__person", "role__organization")
            .only("updated_at", "role__person__name", "role__organization__name")
            .order_by("id")
        )

    def lastmod(self, departure):
        return departure.updated_at


class PersonSitemap(Sitemap):
    def items(self):
        return Person.objects.public().only("slug", "updated_at").order_by("id")

    def lastmod(self, person):
        return person.updated_at


class OrganizationSitemap(Sitemap):
    def items(self):
        return Organization.objects.public().only("slug", "updated_at").order_by("id")

    def lastmod(self, organization):
        return organization.updated_at


class StaticSitemap(Sitemap):
    def items(self):
        return [
            "departures:timeline",
            "people:person-list",
            "people:organization-list",
            "departures:about",
            "api:docs",
        ]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "static": StaticSitemap,
    "departures": DepartureSitemap,
    "people": PersonSitemap,
    "organizations": OrganizationSitemap,
}
