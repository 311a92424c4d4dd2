"""Security headers on pages, errors and static files; the embed escape hatch."""

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from config.security import allow_framing

pytestmark = pytest.mark.django_db

EXPECTED = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
}


def assert_hardened(response, *, csp=True):
    for name, value in EXPECTED.items():
        assert response.get(name) == value, name
    if csp:
        policy = response["Content-Security-Policy"]
        assert "default-src 'self'" in policy
        assert "frame-ancestors 'none'" in policy
        assert "unsafe-inline" not in policy


@pytest.mark.parametrize(
    "url, status",
    [("/", 200), ("/about/", 200), ("/no-such-page/", 404), ("/?page=0", 400)],
)
def test_pages_and_error_pages_carry_the_security_headers(client, url, status):
    response = client.get(url)
    assert response.status_code == status
    assert_hardened(response)


def test_a_request_refused_by_the_request_checks_carries_them_too(client):
    response = client.get("/?tag=%00")
    assert response.status_code == 400
    assert_hardened(response)


def test_the_admin_login_carries_them(client):
    assert_hardened(client.get("/admin/login/"))


def test_static_files_served_by_whitenoise_carry_them(client, settings):
    settings.WHITENOISE_USE_FINDERS = True
    settings.WHITENOISE_AUTOREFRESH = True
    response = client.get("/static/css/site.css")
    assert response.status_code == 200
    assert_hardened(response, csp=False)


def test_allow_framing_lifts_both_framing_guards_for_one_view_only():
    @allow_framing
    def embed(request):
        return HttpResponse("<p>embedded</p>")

    from csp.middleware import CSPMiddleware
    from django.middleware.clickjacking import XFrameOptionsMiddleware

    request = RequestFactory().get("/embed/")
    chain = XFrameOptionsMiddleware(CSPMiddleware(embed))
    response = chain(request)
    assert "X-Frame-Options" not in response
    assert "frame-ancestors *" in response["Content-Security-Policy"]
    assert "default-src 'self'" in response["Content-Security-Policy"]
