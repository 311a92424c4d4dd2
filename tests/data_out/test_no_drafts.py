"""No draft text reaches any way out: CSV, feed, API, sitemap, embed."""

import pytest

from tests.factories import (
    CitationFactory,
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    RoleFactory,
    SourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

MARKER = "ZZDRAFTMARKER"


@pytest.fixture
def draft():
    """A published departure, and a draft at the same organization whose every
    text, person, destination, successor, tag and source carries MARKER."""
    openai = OrganizationFactory(name="OpenAI", slug="openai")
    DepartureFactory(role__organization=openai)
    departure = DepartureFactory(
        draft=True,
        role=RoleFactory(
            organization=openai,
            person=PersonFactory(name=f"{MARKER} Person", slug="zzdraftmarker-person"),
            title=f"{MARKER} title",
        ),
        stated_reason=MARKER,
        context=MARKER,
        destination=OrganizationFactory(
            name=f"{MARKER} Corp", slug="zzdraftmarker-corp"
        ),
        destination_title=MARKER,
        successor=PersonFactory(name=f"{MARKER} Successor"),
        cited=False,
    )
    departure.tags.add(TagFactory(name=MARKER, slug="zzdraftmarker"))
    CitationFactory(
        departure=departure,
        source=SourceFactory(url=f"https://example.com/{MARKER}", title=MARKER),
        quote=MARKER,
    )
    return departure


def body(response) -> bytes:
    return (
        b"".join(response.streaming_content)
        if response.streaming
        else (response.content)
    )


@pytest.mark.parametrize(
    "path",
    [
        "/departures.csv",
        "/departures.csv?organization=openai&q=zzdraftmarker",
        "/feed/",
        "/feed/?tag=zzdraftmarker",
        "/organizations/openai/feed/",
        "/api/departures",
        "/api/departures?destination=zzdraftmarker-corp",
        "/api/organizations/openai",
        "/sitemap.xml",
        "/embed/",
        "/embed/?organization=openai",
    ],
)
def test_no_draft_text_in_any_format(client, draft, path):
    response = client.get(path)
    assert response.status_code == 200
    # Case matters: a slug typed in the query is echoed back, lower case.
    assert MARKER.encode() not in body(response)


@pytest.mark.parametrize(
    "path",
    [
        "/api/departures/{pk}",
        "/api/people/zzdraftmarker-person",
        "/api/organizations/zzdraftmarker-corp",
        "/people/zzdraftmarker-person/feed/",
        "/people/zzdraftmarker-person/departures.csv",
        "/organizations/zzdraftmarker-corp/feed/",
    ],
)
def test_what_only_a_draft_shows_is_not_found(client, draft, path):
    assert client.get(path.format(pk=draft.pk)).status_code == 404
