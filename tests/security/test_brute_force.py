"""Admin sign-in locks a username from one address after five failures."""

import datetime

import pytest
import time_machine
from django.test import Client

pytestmark = pytest.mark.django_db

RIGHT = "a-long-test-password"


def sign_in(username, password, *, ip="203.0.113.7"):
    client = Client(REMOTE_ADDR=ip)
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
    )


def fail_five_times(username="admin", ip="203.0.113.7"):
    for _ in range(5):
        response = sign_in(username, "wrong-password", ip=ip)
    return response


def test_the_right_password_is_refused_while_locked_with_a_page_in_the_site_look(
    superuser,
):
    assert fail_five_times().status_code == 429
    response = sign_in("admin", RIGHT)
    assert response.status_code == 429
    html = response.content.decode()
    assert "Too many failed sign-in attempts" in html
    assert "paused for 1 hour" in html
    assert 'href="/static/css/site.css"' in html


def test_four_failures_do_not_lock(superuser):
    for _ in range(4):
        assert sign_in("admin", "wrong-password").status_code == 200
    assert sign_in("admin", RIGHT).status_code == 302


def test_another_user_or_another_address_is_not_locked(superuser, django_user_model):
    django_user_model.objects.create_superuser(
        username="editor", email="e@example.com", password=RIGHT
    )
    fail_five_times()
    assert sign_in("editor", RIGHT).status_code == 302
    assert sign_in("admin", RIGHT, ip="198.51.100.9").status_code == 302


def test_the_lock_lifts_an_hour_after_the_last_attempt(superuser):
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, 0), tick=False):
        fail_five_times()
    # Trying again while locked restarts the hour (axes' default).
    with time_machine.travel(datetime.datetime(2026, 1, 1, 12, 30), tick=False):
        assert sign_in("admin", RIGHT).status_code == 429
    with time_machine.travel(datetime.datetime(2026, 1, 1, 13, 29), tick=False):
        assert sign_in("admin", RIGHT).status_code == 429
    with time_machine.travel(datetime.datetime(2026, 1, 1, 14, 30), tick=False):
        assert sign_in("admin", RIGHT).status_code == 302


def test_behind_a_trusted_proxy_the_forwarded_address_is_the_one_locked(
    superuser, settings
):
    settings.TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.1", headers={"x-forwarded-for": "203.0.113.7"})
    for _ in range(5):
        proxy.post("/admin/login/", {"username": "admin", "password": "nope"})
    other = Client(REMOTE_ADDR="10.0.0.1", headers={"x-forwarded-for": "198.51.100.9"})
    response = other.post("/admin/login/", {"username": "admin", "password": RIGHT})
    assert response.status_code == 302


def test_after_sign_in_without_next_the_admin_index_opens(superuser):
    response = Client().post(
        "/admin/login/?next=https://evil.example/",
        {"username": "admin", "password": RIGHT},
    )
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
