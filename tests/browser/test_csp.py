"""The site and the Django admin work under the Content-Security-Policy."""

import pytest
from playwright.sync_api import expect

from departures.models import Departure
from tests.browser.test_editorial import PASSWORD, log_in
from tests.factories import UserFactory

pytestmark = pytest.mark.browser

PAGES = [
    "/",
    "/?organization=openai",
    "/people/",
    "/organizations/",
    "/about/",
    "/admin/",
    "/admin/departures/departure/",
    "/admin/departures/departure/add/",
    "/admin/departures/departure/log/",
    "/admin/departures/departure/{pk}/change/",
    "/admin/departures/departure/{pk}/history/",
    "/admin/people/person/",
    "/admin/people/organization/",
]


def test_no_page_breaks_the_content_security_policy(page, demo_data):
    UserFactory(username="root", password=PASSWORD, is_superuser=True, is_staff=True)
    violations = []
    page.on(
        "console",
        lambda message: (
            "Content Security Policy" in message.text
            and violations.append(f"{page.url}: {message.text}")
        ),
    )
    log_in(page, "root")
    # Ids differ between databases (sequences are not reset between tests).
    pk = Departure.objects.order_by("pk").first().pk
    for url in PAGES:
        response = page.goto(url.format(pk=pk))
        assert response.status < 400, url
    # The admin's own scripts run: the change form's date shortcuts appear.
    page.goto(f"/admin/departures/departure/{pk}/change/")
    expect(page.locator(".datetimeshortcuts").first).to_be_attached()
    assert violations == []
