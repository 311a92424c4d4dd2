"""Atom feeds of a filtered view, a person and an organization."""

import datetime

import feedparser
import pytest

from departures.models import Departure
from tests.factories import (
    CitationFactory,
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def openai():
    organization = OrganizationFactory(name="OpenAI", slug="openai")
    person = PersonFactory(name="Ilya Sutskever", slug="ilya-sutskever")
    departure = DepartureFactory(
        role=RoleFactory(
            person=person, organization=organization, title="Chief Scientist"
        ),
        announced_on=datetime.date(2024, 5, 14),
        reason=Departure.Reason.RESIGNED,
        stated_reason="<script>alert(1)</script> I am excited for what comes next",
        cited=False,
    )
    CitationFactory(
        departure=departure,
        source=SourceFactory(
            url="https://example.com/ilya", title="Ilya leaves", publisher="Example"
        ),
    )
    DepartureFactory(
        draft=True,
        role__organization=organization,
        stated_reason="DRAFT MARKER",
        announced_on=datetime.date(2024, 6, 1),
    )
    return departure


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, response.content
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.bozo_exception
    return response, feed


def test_the_feed_of_a_filtered_view_has_titled_entries_with_reason_and_sources(
    client, openai
):
    response, feed = parse(client, "/feed/?organization=openai&reason=resigned")
    assert feed.feed.title == "Departures: Organization: OpenAI · Reason: Resigned"
    (entry,) = feed.entries
    assert entry.title == "Ilya Sutskever leaves Chief Scientist at OpenAI"
    assert entry.link == f"http://testserver{openai.get_absolute_url()}"
    assert entry.updated_parsed is not None
    assert "Resigned" in entry.summary
    assert "https://example.com/ilya" in entry.summary
    assert "<script>" not in entry.summary
    assert "&lt;script&gt;" in entry.summary


def test_no_draft_reaches_a_feed(client, openai):
    for url in ("/feed/", "/organizations/openai/feed/"):
        response, feed = parse(client, url)
        assert b"DRAFT MARKER" not in response.content
        assert [e.link for e in feed.entries] == [
            f"http://testserver{openai.get_absolute_url()}"
        ]


def test_the_feed_holds_the_newest_50(client, db):
    organization = OrganizationFactory(slug="big")
    departures = [DepartureFactory(role__organization=organization) for _ in range(55)]
    _, feed = parse(client, "/feed/")
    newest = sorted(departures, key=lambda d: (d.announced_on, d.pk), reverse=True)
    assert [e.link for e in feed.entries] == [
        f"http://testserver{d.get_absolute_url()}" for d in newest[:50]
    ]


def test_a_bad_parameter_answers_400_naming_it(client, db):
    response = client.get("/feed/?reason=sacked&to=2024-02-30")
    assert response.status_code == 400
    text = response.content.decode()
    assert "reason: Select a valid choice." in text
    assert "to: “2024-02-30” is not a real date." in text


def test_person_and_organization_feeds_need_a_public_record(client, openai):
    _, feed = parse(client, "/people/ilya-sutskever/feed/")
    assert feed.feed.title == "Departures: Ilya Sutskever"
    assert len(feed.entries) == 1
    draft_only = DepartureFactory(draft=True)
    assert client.get(f"/people/{draft_only.role.person.slug}/feed/").status_code == (
        404
    )
    organization = draft_only.role.organization
    assert client.get(f"/organizations/{organization.slug}/feed/").status_code == 404
    assert client.get("/people/nobody/feed/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["/feed/", "/people/ilya-sutskever/feed/", "/organizations/openai/feed/"],
)
def test_a_feed_is_sent_as_one_chunk(client, openai, url):
    """The feed generator writes a few bytes at a time; sent (and cached)
    write by write, a 47 KB feed took 10-20 ms to cross the loopback, its
    packets waiting on each other's acknowledgements."""
    response, _ = parse(client, url)
    assert len(list(response)) == 1
