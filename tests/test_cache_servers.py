"""Two gunicorn servers sharing one PostgreSQL and one Redis: a change made in
the admin of one is on the other's next public response.

Skipped on SQLite (one file cannot be shared the way production shares a
database server) and when Redis does not answer, saying why; with
REQUIRE_REDIS=1 (or REQUIRE_BROWSER=1), as in CI's PostgreSQL run, an
unreachable Redis fails the test instead. TEST_REDIS_URL names the Redis
(database 15 by default); the keys carry a prefix of their own and are
deleted afterwards.
"""

import contextlib
import os
import socket
import subprocess
import sys
import time
import uuid
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError
from urllib.parse import quote, urlencode
from urllib.request import HTTPCookieProcessor, build_opener

import pytest
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.db import connection

from departures.models import Departure
from people.models import Person
from tests.factories import DepartureFactory, UserFactory

ROOT = Path(__file__).resolve().parents[1]
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
PASSWORD = "a-long-test-password"

pytestmark = [pytest.mark.servers, pytest.mark.django_db(transaction=True)]


def _skip_or_fail(reason: str):
    # CI's PostgreSQL run sets REQUIRE_REDIS=1, and REQUIRE_BROWSER=1 too:
    # either says "this run must not skip what it can be given".
    for flag in ("REQUIRE_REDIS", "REQUIRE_BROWSER"):
        if os.environ.get(flag) == "1":
            pytest.fail(f"{flag}=1 but {reason}")
    pytest.skip(reason)


@pytest.fixture
def redis_url():
    if connection.vendor != "postgresql":
        pytest.skip(
            "needs PostgreSQL, shared by both servers: "
            "DATABASE_URL=postgres://… make test"
        )
    try:
        import redis
    except ImportError:
        _skip_or_fail("the redis package is not installed (make install)")
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError as error:
        _skip_or_fail(f"Redis does not answer at {REDIS_URL}: {error}")
    prefix = f"test-cache-{uuid.uuid4().hex[:12]}"
    yield REDIS_URL, prefix
    for key in client.scan_iter(match=f"{prefix}:*"):
        client.delete(key)


def database_url() -> str:
    """The test database, which pytest-django created, for the servers."""
    db = connection.settings_dict
    user = quote(db["USER"] or "")
    password = f":{quote(db['PASSWORD'])}" if db["PASSWORD"] else ""
    host = db["HOST"] or "127.0.0.1"
    port = db["PORT"] or "5432"
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def gunicorns(count: int, *, redis_url: str, prefix: str):
    env = {
        **os.environ,
        "DATABASE_URL": database_url(),
        "DJANGO_CACHE_URL": redis_url,
        "DJANGO_CACHE_KEY_PREFIX": prefix,
        "DJANGO_CONN_MAX_AGE": "0",
        # DEBUG on only so that static files need no collectstatic; the cache
        # does not look at DEBUG.
        "DJANGO_DEBUG": "1",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    ports = [free_port() for _ in range(count)]
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "config.wsgi"]
            + ["--bind", f"127.0.0.1:{port}", "--workers", "1"]
            + ["--log-level", "warning"],
            cwd=ROOT,
            env=env,
            start_new_session=True,
        )
        for port in ports
    ]
    try:
        for port, process in zip(ports, processes, strict=True):
            wait_for(port, process)
        yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=15)


def wait_for(port: int, process: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, f"gunicorn exited with {process.returncode}"
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return
        time.sleep(0.1)
    pytest.fail(f"gunicorn does not listen on {port} after {timeout} s")


class Browser:
    """A reader or an editor: cookies kept, redirects followed."""

    def __init__(self, base: str):
        self.base = base
        self.jar = CookieJar()
        self.opener = build_opener(HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> tuple[int, str]:
        return self._open(path)

    def post(self, path: str, data: dict) -> tuple[int, str]:
        token = next(c.value for c in self.jar if c.name == "csrftoken")
        body = urlencode({**data, "csrfmiddlewaretoken": token}, doseq=True)
        return self._open(path, body.encode())

    def _open(self, path: str, body: bytes | None = None) -> tuple[int, str]:
        try:
            with self.opener.open(self.base + path, body, timeout=30) as response:
                return response.status, response.read().decode()
        except HTTPError as error:
            return error.code, error.read().decode()

    def sign_in(self, username: str) -> None:
        self.get("/admin/login/")
        status, page = self.post(
            "/admin/login/?next=/admin/",
            {"username": username, "password": PASSWORD, "next": "/admin/"},
        )
        assert status == 200 and "Log out" in page, page[:500]


def test_a_publish_on_one_server_is_on_the_other_servers_next_response(
    redis_url, editorial_groups
):
    url, prefix = redis_url
    shown = DepartureFactory(role__person__name="Shown Before")
    draft = DepartureFactory(draft=True, role__person__name="Published Later")
    publisher = UserFactory(groups=["Publishers"])
    # Hashed as the servers' settings can check (the tests' own use MD5); few
    # iterations, so that signing in is quick.
    publisher.password = PBKDF2PasswordHasher().encode(PASSWORD, "salt", 1000)
    publisher.save()

    with gunicorns(2, redis_url=url, prefix=prefix) as (editing, reading):
        reader = Browser(reading)
        status, timeline = reader.get("/")
        assert status == 200 and "Shown Before" in timeline
        assert "Published Later" not in timeline
        # Proof that the reader's server serves its page from the cache: a
        # change nothing announces stays unseen.
        Person.objects.filter(pk=shown.role.person_id).update(name="Renamed Quietly")
        assert "Shown Before" in reader.get("/")[1]

        editor = Browser(editing)
        editor.sign_in(publisher.username)
        status, _ = editor.post(
            "/admin/departures/departure/",
            {"action": "publish_selected", "_selected_action": [draft.pk]},
        )

        assert status == 200
        assert Departure.objects.get(pk=draft.pk).is_published
        status, timeline = reader.get("/")
        assert status == 200
        assert "Published Later" in timeline and "Renamed Quietly" in timeline
