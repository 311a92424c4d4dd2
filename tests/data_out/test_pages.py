"""Links out of pages, canonical and sharing tags, citation, sitemap, robots, embed."""

import datetime
import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import timezone

from tests.factories import DepartureFactory, OrganizationFactory, PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def openai():
    organization = OrganizationFactory(name="OpenAI", slug="openai")
    person = PersonFactory(name="Mira Murati", slug="mira-murati")
    departure = DepartureFactory(
        role__organization=organization,
        role__person=person,
        role__title="Chief Technology Officer",
        announced_on=datetime.date(2024, 9, 25),
        reason="resigned",
    )
    DepartureFactory(
        role__organization=organization, reason="ousted", is_involuntary=True
    )
    return departure


def test_the_timeline_links_to_the_csv_json_and_atom_of_its_view(client, openai):
    html = client.get("/?reason=resigned&organization=openai&page=1").content.decode()
    query = "organization=openai&amp;reason=resigned"
    assert "Download this departure as" in html
    assert f'href="/departures.csv?{query}"' in html
    assert f'href="/api/departures?{query}"' in html
    assert f'href="/feed/?{query}"' in html
    assert (
        f'<link rel="alternate" type="application/atom+xml" '
        f'title="Departures: Organization: OpenAI; Reason: Resigned" '
        f'href="/feed/?{query}">'
    ) in html


def test_person_and_organization_pages_link_to_their_exports_and_feeds(client, openai):
    html = client.get("/people/mira-murati/").content.decode()
    assert 'href="/people/mira-murati/departures.csv"' in html
    assert 'href="/api/people/mira-murati"' in html
    assert 'rel="alternate" type="application/atom+xml"' in html
    html = client.get("/organizations/openai/").content.decode()
    assert "Download these 2 departures as" in html
    assert 'href="/departures.csv?organization=openai"' in html
    assert 'href="/organizations/openai/feed/"' in html


def test_a_person_csv_holds_their_published_departures(client, openai):
    DepartureFactory(role__person=openai.role.person, draft=True)
    response = client.get("/people/mira-murati/departures.csv")
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert len(lines) == 2
    assert lines[1].startswith(f"{openai.pk},")
    assert (
        'filename="departures-person-mira-murati.csv"'
        in (response["Content-Disposition"])
    )


@pytest.mark.parametrize(
    "path, canonical",
    [
        (
            "/?reason=ousted&organization=openai&page=1",
            "/?organization=openai&amp;reason=ousted",
        ),
        (
            "/?reason=resigned&reason=ousted&page=2&sort=oldest",
            "/?reason=ousted&amp;reason=resigned&amp;sort=oldest&amp;page=2",
        ),
        ("/about/", "/about/"),
    ],
)
def test_the_canonical_link_puts_the_filters_in_a_stable_order(
    client, path, canonical, openai
):
    DepartureFactory.create_batch(55, reason="ousted", is_involuntary=True)
    html = client.get(path).content.decode()
    assert f'<link rel="canonical" href="http://testserver{canonical}">' in html
    assert f'<meta property="og:url" content="http://testserver{canonical}">' in html


def test_pages_carry_sharing_metadata_with_a_png_card(client, openai):
    html = client.get(openai.get_absolute_url()).content.decode()
    assert (
        '<meta property="og:title" content="Mira Murati left OpenAI '
        '(September 25, 2024)">'
    ) in html
    assert '<meta name="twitter:card" content="summary_large_image">' in html
    image = re.search(r'<meta property="og:image" content="([^"]+)">', html)[1]
    assert image.endswith("/static/img/card.png")


def test_the_departure_page_offers_a_citation_retrieved_today(client, openai):
    html = client.get(openai.get_absolute_url()).content.decode()
    today = timezone.localdate()
    assert "Cite this record" in html
    assert f"retrieved {today:%-d %B %Y}. Data licence: CC BY 4.0." in html
    assert f"@misc{{departures-{openai.pk}," in html
    assert f"urldate = {{{today.isoformat()}}}" in html


def test_the_sitemap_lists_exactly_the_public_records(client, openai):
    draft = DepartureFactory(draft=True)
    response = client.get("/sitemap.xml")
    root = ET.fromstring(response.content)
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = {
        loc.text.removeprefix("http://testserver")
        for loc in root.iterfind(".//s:loc", ns)
    }
    departures = {d.get_absolute_url() for d in openai.__class__.objects.published()}
    assert departures <= urls
    assert draft.get_absolute_url() not in urls
    assert f"/people/{draft.role.person.slug}/" not in urls
    assert f"/organizations/{draft.role.organization.slug}/" not in urls
    people = {u for u in urls if u.startswith("/people/") and u != "/people/"}
    assert len(people) == 2
    assert "/organizations/openai/" in urls
    assert {"/", "/about/", "/api/", "/people/", "/organizations/"} <= urls
    assert len(root.findall(".//s:lastmod", ns)) == len(urls) - 5


def test_robots_txt_points_at_the_sitemap_and_keeps_out_of_the_admin(client, db):
    text = client.get("/robots.txt").content.decode()
    assert "Disallow: /admin/" in text
    assert "Sitemap: http://testserver/sitemap.xml" in text


def test_only_the_embed_may_be_framed(client, openai):
    embed = client.get("/embed/?organization=openai")
    assert embed.status_code == 200
    assert "X-Frame-Options" not in embed
    assert "frame-ancestors *" in embed["Content-Security-Policy"]
    assert "frame-ancestors 'none'" not in embed["Content-Security-Policy"]
    for path in ("/", "/api/", "/about/", openai.get_absolute_url()):
        response = client.get(path)
        assert response["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in response["Content-Security-Policy"]


def test_the_embed_shows_the_filtered_timeline_without_site_chrome(client, openai):
    html = client.get("/embed/?organization=openai&reason=resigned").content.decode()
    assert "Mira Murati" in html
    assert "site-header" not in html
    assert "<script" not in html and "style=" not in html
    links = re.findall(r"<a [^>]*>", html)
    assert links and all('target="_blank" rel="noopener"' in a for a in links)


def test_a_bad_embed_parameter_answers_400_naming_it(client, db):
    response = client.get("/embed/?reason=sacked")
    assert response.status_code == 400
    assert "reason: Select a valid choice." in response.content.decode()


def test_the_timeline_offers_a_copyable_embed_snippet(client, openai):
    html = client.get("/?organization=openai").content.decode()
    assert '<textarea id="embed-code" readonly' in html
    assert (
        "&lt;iframe src=&quot;http://testserver/embed/?organization=openai&quot;"
        in html
    )
