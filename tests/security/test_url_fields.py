"""Every stored link is http(s): no javascript:, data: or ftp: for readers to click."""

import pytest
from django.core.exceptions import ValidationError

from departures.forms import SourceForm
from tests.factories import OrganizationFactory, PersonFactory, SourceFactory

pytestmark = pytest.mark.django_db

HOSTILE = [
    "javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "ftp://example.com/file",
    "vbscript:msgbox(1)",
]


@pytest.mark.parametrize("url", HOSTILE)
def test_a_person_link_must_be_a_web_address(url):
    person = PersonFactory.build(links=f"https://example.com/ok\n{url}")
    with pytest.raises(ValidationError) as error:
        person.full_clean(exclude=["slug"])
    assert "Line 2 is not a web address" in str(error.value)


@pytest.mark.parametrize("url", HOSTILE)
def test_an_organization_website_must_be_a_web_address(url):
    organization = OrganizationFactory.build(website=url)
    with pytest.raises(ValidationError) as error:
        organization.full_clean(exclude=["slug"])
    assert "website" in error.value.message_dict


@pytest.mark.parametrize("field", ["url", "archived_url"])
def test_a_source_url_and_its_archive_must_be_web_addresses(field):
    source = SourceFactory.build(**{field: "ftp://example.com/statement"})
    with pytest.raises(ValidationError) as error:
        source.full_clean()
    assert field in error.value.message_dict


def test_the_log_form_source_refuses_a_non_web_address():
    form = SourceForm(data={"url": "ftp://example.com/x"})
    assert not form.is_valid()
    assert "url" in form.errors


def test_http_and_https_links_are_accepted():
    person = PersonFactory.build(
        links="https://example.com/a\n\nhttp://example.org/b", slug="p"
    )
    person.full_clean()
