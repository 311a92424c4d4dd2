"""Nothing a draft or a pending change says reaches any public URL."""

import pytest
from django.urls import reverse

from departures.services import SourceInput, departure_record
from people.dates import PartialDate
from tests.crawl import crawl, public_starts
from tests.factories import UserFactory, departure_form_data

# Case-sensitive markers: a slug (lower case) or a search box echoing a
# lower-case prefix never matches them, the names themselves do.
MARKERS = {
    "person": "MkrPersonQz",
    "organization": "MkrOrgQz",
    "role": "MkrTitleQz",
    "tag": "MkrTagQz",
    "destination": "MkrDestQz",
    "successor": "MkrSuccQz",
    "source": "MkrSourceQz",
    "quote": "MkrQuoteQz",
    "reason": "MkrReasonQz",
    "new organization": "MkrNewOrgQz",
    "new role": "MkrNewRoleQz",
    "new source title": "MkrRetitleQz",
    "pending reason": "MkrPendingQz",
    "pending destination": "MkrPendingDestQz",
}


@pytest.fixture
def site(db, client):
    editor = UserFactory(groups=["Editors"])
    publisher = UserFactory(groups=["Publishers"])
    shared = SourceInput(url="https://news.example.com/ilya", title="Original Title")
    public = departure_record(
        person="Ilya Public",
        organization="Public Labs",
        role_title="Chief Scientist",
        announced=PartialDate.parse("2024-05-14"),
        tags=["Public Theme"],
        sources=[shared],
        published=True,
        actor=publisher,
    )
    m = MARKERS
    departure_record(
        person=f"{m['person']} Alpha",
        organization=f"{m['organization']} Labs",
        role_title=f"{m['role']} Officer",
        announced=PartialDate.parse("2024-06-01"),
        stated_reason=m["reason"],
        context=m["reason"],
        destination=f"{m['destination']} Inc",
        destination_title=m["role"],
        successor=f"{m['successor']} Beta",
        tags=[m["tag"]],
        sources=[
            SourceInput(
                url="https://news.example.com/marker",
                title=m["source"],
                publisher=m["source"],
                quote=m["quote"],
            )
        ],
        actor=editor,
    )
    # An existing public person at a new organization, citing the published
    # source with a new title.
    departure_record(
        person="Ilya Public",
        organization=f"{m['new organization']} Inc",
        role_title=f"{m['new role']} Lead",
        announced=PartialDate.parse("2025-01-02"),
        sources=[
            SourceInput(url=shared.url, title=m["new source title"], quote=m["quote"])
        ],
        actor=publisher,
    )
    # A pending change to the published departure, through the change form.
    client.force_login(editor)
    response = client.post(
        reverse("admin:departures_departure_change", args=[public.pk]),
        departure_form_data(public, stated_reason=m["pending reason"]),
    )
    assert response.status_code == 302
    departure_record(
        person="Ilya Public",
        organization="Public Labs",
        role_title="Chief Scientist",
        announced=PartialDate.parse("2024-05-14"),
        destination=f"{m['pending destination']} Co",
        actor=editor,
    )
    client.logout()
    return public


def test_no_draft_or_pending_text_reaches_a_public_url(client, site):
    searches = [marker.lower()[:-2] for marker in MARKERS.values()]

    result = crawl(client, public_starts(searches=searches))

    assert result.found(MARKERS.values()) == []
    # The crawl did read the public record, so it could have found a leak.
    assert result.found(["Ilya Public", "Original Title", "Public Theme"]) != []
    assert len(result.pages) > 30


def test_pages_only_a_draft_shows_answer_404(client, site):
    result = crawl(client, public_starts())

    for url in [
        "/people/mkrpersonqz-alpha/",
        "/people/mkrsuccqz-beta/",
        "/organizations/mkrorgqz-labs/",
        "/organizations/mkrdestqz-inc/",
        "/organizations/mkrneworgqz-inc/",
        "/organizations/mkrpendingdestqz-co/",
        "/people/mkrpersonqz-alpha/feed/",
        "/people/mkrpersonqz-alpha/departures.csv",
        "/api/people/mkrpersonqz-alpha",
        "/organizations/mkrorgqz-labs/feed/",
        "/api/organizations/mkrorgqz-labs",
    ]:
        assert result.status(url) == 404, url
    # Every format was read, so a leak in one of them would have been seen.
    for url in ["/departures.csv", "/feed/", "/api/departures", "/embed/"]:
        assert result.status(url) == 200, url
    assert result.status(site.get_absolute_url()) == 200
    assert result.status("/people/ilya-public/") == 200


def test_the_cached_site_shows_no_draft_or_pending_text_either(
    client, public_cache, site
):
    starts = public_starts(
        searches=[marker.lower()[:-2] for marker in MARKERS.values()]
    )

    first = crawl(client, starts)
    cached = crawl(client, starts)

    assert cached.found(MARKERS.values()) == []
    assert cached.pages == first.pages
    assert len(cached.pages) > 30
