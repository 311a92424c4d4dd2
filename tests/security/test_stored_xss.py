"""Hostile text in every editable field stays text on every page that shows it."""

from html.parser import HTMLParser

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

PAYLOAD = (
    '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
    "</script>]]>javascript:alert(3) \u202eevil"
)
URL = 'https://example.com/"><img src=x onerror=alert(4)>?q=</script>'
SAFE_SCHEMES = ("http://", "https://", "/", "?", "#", "mailto:")


class Audit(HTMLParser):
    """Collect what an injection would add: script bodies, handlers, bad links."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.problems = []
        self.in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.in_script = True
            if not attrs.get("src"):
                self.problems.append("inline <script>")
        if tag == "img" and attrs.get("src") == "x":
            self.problems.append("injected <img>")
        for name, value in attrs.items():
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=…>")
            if name == "style":
                self.problems.append(f"<{tag} style=…>")
            if name in ("href", "src", "action", "formaction") and value:
                if not value.strip().lower().startswith(SAFE_SCHEMES):
                    self.problems.append(f"<{tag} {name}={value[:40]!r}>")

    def handle_endtag(self, tag):
        if tag == "script":
            self.in_script = False

    def handle_data(self, data):
        if self.in_script and data.strip():
            self.problems.append("script content")


def problems(html: str) -> list[str]:
    audit = Audit()
    audit.feed(html)
    return audit.problems


@pytest.fixture
def hostile():
    organization = OrganizationFactory(
        name=PAYLOAD[:190], description=PAYLOAD, website=URL
    )
    destination = OrganizationFactory(name="Dest " + PAYLOAD[:150], website=URL)
    person = PersonFactory(name="Eve " + PAYLOAD[:150], bio=PAYLOAD, links=URL)
    departure = DepartureFactory(
        role=RoleFactory(person=person, organization=organization, title=PAYLOAD),
        stated_reason=PAYLOAD,
        context=PAYLOAD,
        disputed_note=PAYLOAD,
        destination=destination,
        destination_title=PAYLOAD[:190],
        reversal_note=PAYLOAD,
        cited=False,
    )
    source = SourceFactory(
        url=URL, archived_url=URL, title=PAYLOAD[:290], publisher=PAYLOAD[:190]
    )
    CitationFactory(departure=departure, source=source, quote=PAYLOAD)
    departure.tags.add(TagFactory(name=PAYLOAD[:90], description=PAYLOAD))
    # A change, so that history has an update to show.
    person.bio = PAYLOAD + " (edited)"
    person.save()
    return departure


def test_public_pages_render_hostile_text_as_text(client, hostile):
    person = hostile.role.person
    organization = hostile.role.organization
    pages = [
        "/",
        "/?q=eve",
        f"/?organization={organization.slug}",
        "/people/",
        "/organizations/",
        "/about/",
        hostile.get_absolute_url(),
        person.get_absolute_url(),
        organization.get_absolute_url(),
        hostile.destination.get_absolute_url(),
    ]
    shown = 0
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        shown += "&lt;script&gt;alert(1)" in html
        assert problems(html) == [], url
    assert shown >= 6  # the payload is on the pages, escaped


def test_admin_lists_forms_and_history_render_hostile_text_as_text(
    admin_client, hostile
):
    person = hostile.role.person
    pages = [
        "/admin/departures/departure/",
        f"/admin/departures/departure/{hostile.pk}/change/",
        f"/admin/departures/departure/{hostile.pk}/history/",
        "/admin/departures/source/",
        "/admin/departures/tag/",
        "/admin/departures/citation/",
        "/admin/people/person/",
        f"/admin/people/person/{person.pk}/change/",
        f"/admin/people/person/{person.pk}/history/",
        "/admin/people/organization/",
        "/admin/people/role/",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        assert "&lt;script&gt;alert(1)" in html, url
        assert problems(html) == [], url


def test_the_audit_notices_an_injection():
    assert problems(PAYLOAD) != []
    assert problems('<a href="javascript:alert(1)">x</a>') != []
