"""The public cache (config/public_cache.py): repeat readers get the stored
page, signed-in users never touch it, and every write shows at once."""

import json

import pytest
from django.core.cache import caches
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from config import public_cache
from departures.models import Departure
from people.models import Person
from tests.factories import (
    DepartureFactory,
    UserFactory,
    departure_form_data,
)

pytestmark = pytest.mark.usefixtures("public_cache")

PUBLIC_URLS = [
    "/",
    "/?reason=ousted&from=2024",
    "/people/",
    "/people/?letter=I",
    "/organizations/",
    "/organizations/openai/",
    "/people/ilya-sutskever/",
    "{lilian_weng}",
    "/about/",
    "/feed/",
    "/people/ilya-sutskever/feed/",
    "/organizations/openai/feed/",
    "/api/",
    "/api/departures?reason=ousted",
    "/api/departures/{lilian_weng_id}",
    "/api/people/ilya-sutskever",
    "/api/organizations/openai",
    "/embed/?organization=openai",
    "/sitemap.xml",
    "/robots.txt",
]


def signed_in(*groups: str) -> Client:
    client = Client()
    client.force_login(UserFactory(groups=list(groups)))
    return client


def rename_quietly(person: Person, name: str) -> None:
    """A change no write path announces: only the cache can hide it."""
    Person.objects.filter(pk=person.pk).update(name=name)


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_a_repeat_visit_gets_the_same_body_and_headers_without_a_query(
    client, demo_data, url, django_assert_num_queries
):
    # Ids differ between databases (PostgreSQL's are reserved per import).
    departure = Departure.objects.get(role__person__slug="lilian-weng")
    url = url.format(
        lilian_weng=departure.get_absolute_url(), lilian_weng_id=departure.pk
    )
    first = client.get(url)

    with django_assert_num_queries(0):
        again = client.get(url)
        head = client.head(url)

    assert first.status_code == again.status_code == head.status_code == 200
    assert again.content == first.content
    assert dict(again.headers) == dict(first.headers)
    assert dict(head.headers) == dict(first.headers)


def test_the_embed_stays_frameable_and_other_pages_do_not_when_cached(
    client, demo_data
):
    for _ in range(2):
        embed, timeline = client.get("/embed/"), client.get("/")

        assert "X-Frame-Options" not in embed
        assert "frame-ancestors *" in embed["Content-Security-Policy"]
        assert timeline["X-Frame-Options"] == "DENY"
        assert "frame-ancestors 'none'" in timeline["Content-Security-Policy"]


def test_a_quiet_change_stays_hidden_until_the_cache_is_invalidated(client, db):
    departure = DepartureFactory(role__person__name="Old Name")
    assert "Old Name" in client.get("/").content.decode()

    rename_quietly(departure.role.person, "New Name")

    assert "Old Name" in client.get("/").content.decode()
    public_cache.invalidate()
    assert "New Name" in client.get("/").content.decode()


@pytest.mark.parametrize(
    "same",
    [
        "/?reason=resigned&reason=ousted",
        "/?reason=ousted&reason=resigned&reason=ousted",
        "/?tag=&reason=ousted&sort=&reason=resigned&to=&page=",
        "/?q=&reason=resigned&reason=ousted&founder=&reversed=&from=",
    ],
)
def test_the_same_filter_written_differently_shares_one_entry(
    client, demo_data, same, django_assert_num_queries
):
    first = client.get("/?reason=ousted&reason=resigned")

    with django_assert_num_queries(0):
        again = client.get(same)

    assert again.status_code == 200
    assert again.content == first.content


@pytest.mark.parametrize(
    "other",
    ["/?reason=", "/?sort=oldest", "/?page=2", "/?q=ilya", "/?reason=ousted"],
)
def test_a_different_filter_is_not_served_the_cached_page(client, demo_data, other):
    timeline = client.get("/").content

    assert client.get(other).content != timeline


@pytest.mark.parametrize(
    "written, meant",
    [
        ("reason=resigned&reason=ousted", "reason=ousted&reason=resigned"),
        ("reason=ousted&reason=ousted", "reason=ousted"),
        ("tag=&organization=&destination=", ""),
        ("organization=openai&organization=", "organization=openai"),
        ("q=&from=&to=&founder=&reversed=&sort=&page=", ""),
    ],
)
def test_normalised_queries_mean_the_same_under_the_filter_contract(
    client, demo_data, settings, written, meant
):
    """The key's rules (sorting, empty values) hold for the filters themselves:
    asked uncached, both spellings answer the same departures."""
    settings.PUBLIC_CACHE_SECONDS = 0

    def ids(query):
        response = client.get(f"/api/departures?{query}")
        assert response.status_code == 200, query
        assert client.get(f"/?{query}").status_code == 200, query
        return [row["id"] for row in json.loads(response.content)["results"]]

    assert ids(written) == ids(meant)


def test_the_key_rewrites_only_parameters_of_the_filter_contract():
    from departures.filters import DepartureFilterSet

    contract = set(DepartureFilterSet.base_filters)

    assert public_cache.REPEATABLE <= contract
    assert public_cache.EMPTY_MEANS_ABSENT <= contract


def test_signed_in_users_neither_read_nor_fill_the_public_cache(client, db):
    departure = DepartureFactory(role__person__name="Old Name")
    editor = signed_in("Editors")
    editor.get("/")
    rename_quietly(departure.role.person, "Shown Name")

    # The editor's page was not stored: the reader's is rendered afresh...
    assert "Shown Name" in client.get("/").content.decode()
    rename_quietly(departure.role.person, "Newest Name")

    # ... and stored for readers, while the editor still gets a fresh one.
    assert "Shown Name" in client.get("/").content.decode()
    assert "Newest Name" in editor.get("/").content.decode()


def test_an_editors_draft_and_pending_change_never_reach_the_public(client, db):
    published = DepartureFactory(stated_reason="Public words.")
    draft = DepartureFactory(draft=True, role__person__name="Drafty Person")
    editor = signed_in("Editors")
    assert editor.get(reverse("departures:preview", args=[draft.pk])).status_code == 200
    editor.get("/")
    editor.get(published.get_absolute_url())

    response = editor.post(
        reverse("admin:departures_departure_change", args=[published.pk]),
        departure_form_data(published, stated_reason="Pending words."),
    )

    assert response.status_code == 302
    for _ in range(2):
        page = client.get(published.get_absolute_url()).content.decode()
        timeline = client.get("/").content.decode()
        assert "Public words." in page and "Pending words." not in page
        assert "Drafty Person" not in timeline and "Pending words." not in timeline


def test_publishing_through_the_admin_is_on_the_next_public_response(client, db):
    draft = DepartureFactory(draft=True, role__person__name="Newly Public")
    assert "Newly Public" not in client.get("/").content.decode()
    assert client.get("/api/departures").json()["count"] == 0

    publisher = signed_in("Publishers")
    response = publisher.post(
        reverse("admin:departures_departure_change", args=[draft.pk]),
        departure_form_data(draft, _publish="on"),
    )

    assert response.status_code == 302
    assert "Newly Public" in client.get("/").content.decode()
    assert client.get("/api/departures").json()["count"] == 1


def test_unpublishing_removes_the_cached_page_at_once(client, db):
    departure = DepartureFactory()
    assert client.get(departure.get_absolute_url()).status_code == 200

    publisher = signed_in("Publishers")
    publisher.post(
        "/admin/departures/departure/",
        {"action": "unpublish_selected", "_selected_action": [departure.pk]},
    )

    assert not Departure.objects.get(pk=departure.pk).is_published
    assert client.get(departure.get_absolute_url()).status_code == 404


def test_an_approved_revision_is_on_the_next_public_response(client, db):
    published = DepartureFactory(stated_reason="Before review.")
    url = published.get_absolute_url()
    signed_in("Editors").post(
        reverse("admin:departures_departure_change", args=[published.pk]),
        departure_form_data(published, stated_reason="After review."),
    )
    assert "Before review." in client.get(url).content.decode()
    revision = published.revisions.get(status="pending")

    signed_in("Publishers").post(
        reverse("admin:departures_departure_review", args=[revision.pk]),
        {"_approve": "Approve"},
    )

    assert "After review." in client.get(url).content.decode()


def test_a_merge_is_on_the_next_public_response(client, db):
    keep = DepartureFactory(role__person__name="Keep Me").role.person
    lose = DepartureFactory(role__person__name="Lose Me").role.person
    assert client.get(lose.get_absolute_url()).status_code == 200
    assert "Lose Me" in client.get("/people/").content.decode()

    signed_in("Publishers").post(
        reverse("admin:people_person_changelist"),
        {
            "action": "merge_selected",
            "_selected_action": [keep.pk, lose.pk],
            "post": "yes",
            "survivor": keep.pk,
        },
    )

    assert client.get(lose.get_absolute_url()).status_code == 301
    assert "Lose Me" not in client.get("/people/").content.decode()


def test_an_edit_of_an_organization_is_on_the_next_public_response(client, db):
    organization = DepartureFactory(
        role__organization__name="Before Edit Labs"
    ).role.organization
    url = organization.get_absolute_url()
    assert "Before Edit Labs" in client.get(url).content.decode()
    publisher = signed_in("Publishers")
    change = reverse("admin:people_organization_change", args=[organization.pk])
    form = publisher.get(change).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}

    response = publisher.post(change, {**data, "name": "After Edit Labs"})

    assert response.status_code == 302
    assert "After Edit Labs" in client.get(url).content.decode()


IMPORT = (
    "person,organization,role_title,seniority,announced,reason,published,"
    "source1_url,source1_title,source1_kind\n"
    "Rita Row,Row Labs,Chief Executive Officer,c_suite,2024-05-01,resigned,true,"
    "https://news.example.com/rita,Rita leaves,press\n"
)


def test_an_import_through_the_admin_is_on_the_next_public_response(client, db):
    assert "Rita Row" not in client.get("/").content.decode()
    publisher = signed_in("Publishers")
    url = reverse("admin:departures_departure_import")
    upload = SimpleUploadedFile("rows.csv", IMPORT.encode(), "text/csv")
    preview = publisher.post(url, {"file": upload})

    publisher.post(url, {"payload": preview.context["payload"]})

    assert "Rita Row" in client.get("/").content.decode()


def test_the_import_command_is_on_the_next_public_response(client, db, tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text(IMPORT, encoding="utf-8")
    assert "Rita Row" not in client.get("/").content.decode()

    call_command("import_departures", str(path), verbosity=0)

    assert "Rita Row" in client.get("/").content.decode()


def test_load_demo_is_on_the_next_public_response(client, db):
    assert client.get("/api/departures").json()["count"] == 0

    call_command("load_demo", verbosity=0)

    assert client.get("/api/departures").json()["count"] == 24


def test_generate_synthetic_is_on_the_next_public_response(client, db):
    assert client.get("/api/departures").json()["count"] == 0

    call_command("generate_synthetic", departures=20, verbosity=0)

    assert client.get("/api/departures").json()["count"] == 20


def test_the_invalidate_command_shows_a_change_made_by_hand(client, db):
    departure = DepartureFactory(role__person__name="By Hand")
    client.get("/")
    rename_quietly(departure.role.person, "Changed By Hand")

    call_command("invalidate_public_cache", verbosity=0)

    assert "Changed By Hand" in client.get("/").content.decode()


def test_a_failed_sign_in_does_not_empty_the_cache(client, db):
    departure = DepartureFactory(role__person__name="Cached Name")
    client.get("/")
    rename_quietly(departure.role.person, "Uncached Name")

    Client().post(reverse("admin:login"), {"username": "x", "password": "nope"})

    assert "Cached Name" in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url, who",
    [
        ("/departures.csv", "reader"),
        ("/people/{person}/departures.csv", "reader"),
        ("/departures/{departure}/preview/", "editor"),
        ("/admin/departures/departure/", "editor"),
        ("/", "editor"),
    ],
)
def test_pages_that_are_never_cached_show_a_quiet_change(client, db, url, who):
    departure = DepartureFactory(role__person__name="First Name")
    person = departure.role.person
    url = url.format(person=person.slug, departure=departure.pk)
    reader = signed_in("Editors") if who == "editor" else client

    def body():
        response = reader.get(url)
        assert response.status_code == 200
        content = (
            b"".join(response.streaming_content)
            if response.streaming
            else response.content
        )
        return content.decode()

    assert "First Name" in body()
    rename_quietly(person, "Second Name")
    assert "Second Name" in body()


def test_errors_and_the_health_check_are_not_stored(client, db):
    DepartureFactory(reason="resigned")
    assert client.get("/?reason=sacked").status_code == 400
    assert client.get("/people/nobody/").status_code == 404
    client.get("/healthz")

    assert not caches["default"]._cache  # local memory: nothing stored at all


def test_an_unreachable_cache_serves_pages_uncached(client, db, settings):
    pytest.importorskip("redis")
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
        for alias in ("default", "public-version")
    }
    departure = DepartureFactory(role__person__name="Still Served")

    assert "Still Served" in client.get("/").content.decode()
    assert client.get(departure.get_absolute_url()).status_code == 200
    public_cache.invalidate()  # logged, not raised


def test_get_or_set_computes_once_per_version(db):
    calls = []

    def compute():
        calls.append(1)
        return {"openai": 3}

    assert public_cache.get_or_set(["facet", "organization"], compute) == {"openai": 3}
    assert public_cache.get_or_set(["facet", "organization"], compute) == {"openai": 3}
    assert len(calls) == 1
    public_cache.get_or_set(["facet", "reason"], compute)
    assert len(calls) == 2

    public_cache.invalidate()
    public_cache.get_or_set(["facet", "organization"], compute)
    assert len(calls) == 3


def test_get_or_set_always_computes_with_the_cache_off(settings):
    settings.PUBLIC_CACHE_SECONDS = 0
    calls = []

    for _ in range(2):
        public_cache.get_or_set(["anything"], lambda: calls.append(1))

    assert len(calls) == 2


def test_a_lost_version_never_brings_back_old_pages(client, db):
    departure = DepartureFactory(role__person__name="Before Loss")
    client.get("/")
    rename_quietly(departure.role.person, "After Loss")
    public_cache.invalidate()
    client.get("/")

    caches["public-version"].clear()  # evicted, or Redis restarted

    assert "After Loss" in client.get("/").content.decode()
