"""A small crawler over the public site, for tests that check what readers can
reach. Add new public formats (CSV, feed, API, sitemap) by extending
`public_starts` or passing more start URLs; links found in HTML pages are
followed, feeds and other formats are read as text."""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlsplit

from django.test import Client

HREF = re.compile(r'href="([^"#]*)')
NOT_PUBLIC = ("/admin/", "/static/", "/healthz")


@dataclass
class Crawl:
    pages: dict[str, tuple[int, str]] = field(default_factory=dict)

    def found(self, markers: Iterable[str]) -> list[tuple[str, str]]:
        """(url, marker) for every marker present, case-sensitive, in a page."""
        return [
            (url, marker)
            for url, (_, text) in self.pages.items()
            for marker in markers
            if marker in text
        ]

    def status(self, url: str) -> int:
        return self.pages[url][0]


def _followable(url: str) -> bool:
    """Same-site public URLs, with at most one filter besides the page: every
    filter label and every page of every index, without the combinations."""
    if not url.startswith("/") or url.startswith("//"):
        return False
    parts = urlsplit(url)
    if parts.path.startswith(NOT_PUBLIC):
        return False
    names = {name for name, _ in parse_qsl(parts.query)} - {"page"}
    return len(names) <= 1


def crawl(client: Client, starts: Iterable[str], *, limit: int = 2000) -> Crawl:
    """Visit `starts` (anonymously, as `client` is), then every link they lead
    to, breadth first."""
    result = Crawl()
    queue = deque(dict.fromkeys(starts))
    seen = set(queue)
    while queue and len(result.pages) < limit:
        url = queue.popleft()
        response = client.get(url)
        body = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        text = body.decode(errors="replace")
        result.pages[url] = (response.status_code, text)
        if response.status_code != 200 or "html" not in response.get(
            "Content-Type", ""
        ):
            continue
        for link in HREF.findall(text):
            link = link.replace("&amp;", "&")
            if link not in seen and _followable(link):
                seen.add(link)
                queue.append(link)
    return result


def public_starts(*, searches: Iterable[str] = ()) -> list[str]:
    """Every index, every person, organization and departure guessable from the
    database (drafts included: they must answer 404), every filter label."""
    from departures.models import Departure, Tag
    from people.models import Organization, Person

    # Every format of the filter contract, beside the timeline itself.
    listings = ["/", "/departures.csv", "/feed/", "/api/departures", "/embed/"]
    starts = [*listings, "/people/", "/organizations/", "/about/"]
    starts += ["/sitemap.xml", "/robots.txt", "/api/", "/api/openapi.json"]
    for slug in Person.objects.values_list("slug", flat=True):
        starts += [
            f"/people/{slug}/",
            f"/people/{slug}/feed/",
            f"/people/{slug}/departures.csv",
            f"/api/people/{slug}",
        ]
    for slug in Organization.objects.values_list("slug", flat=True):
        starts += [
            f"/organizations/{slug}/",
            f"/organizations/{slug}/feed/",
            f"/api/organizations/{slug}",
        ]
        for listing in listings:
            starts += [
                f"{listing}?organization={slug}",
                f"{listing}?destination={slug}",
            ]
    for slug in Tag.objects.values_list("slug", flat=True):
        starts += [f"{listing}?tag={slug}" for listing in listings]
    for departure in Departure.objects.select_related(
        "role__person", "role__organization"
    ):
        starts += [
            f"/departures/{departure.pk}/{departure.slug}/",
            f"/api/departures/{departure.pk}",
        ]
    for text in searches:
        starts += [f"{listing}?q={text}" for listing in listings]
        starts.append(f"/people/?q={text}")
    return starts
