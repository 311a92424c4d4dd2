"""Who may reach which editorial admin page: one row per page, one column per user.

Each cell is the (GET, POST) status. 302 for anonymous and inactive users is
the redirect to the login page; None marks a method a page does not take.
"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from departures.models import Departure, DepartureRevision
from departures.revisions import revision_propose
from people.models import Organization
from tests.factories import (
    DepartureFactory,
    OrganizationFactory,
    PersonFactory,
    UserFactory,
    departure_form_data,
)

USERS = ["anonymous", "staff", "editor", "publisher", "superuser", "inactive"]

# page: {user: (GET, POST)}
OUT = (302, 302)  # not logged in: to the login page
NO = (403, 403)
MATRIX = {
    "log form": {
        "anonymous": OUT, "staff": NO, "editor": (200, 302),
        "publisher": (200, 302), "superuser": (200, 302), "inactive": OUT,
    },
    "departure changelist": {
        # POST asks for the delete action's confirmation page; editors have no
        # actions, so they get the list back with nothing done.
        "anonymous": OUT, "staff": NO, "editor": (200, 200),
        "publisher": (200, 200), "superuser": (200, 200), "inactive": OUT,
    },
    "person changelist": {
        "anonymous": OUT, "staff": NO, "editor": (200, 200),
        "publisher": (200, 200), "superuser": (200, 200), "inactive": OUT,
    },
    "add organization": {
        "anonymous": OUT, "staff": NO, "editor": (200, 302),
        "publisher": (200, 302), "superuser": (200, 302), "inactive": OUT,
    },
    "change departure": {
        "anonymous": OUT, "staff": NO, "editor": (200, 302),
        "publisher": (200, 302), "superuser": (200, 302), "inactive": OUT,
    },
    "delete departure": {
        "anonymous": OUT, "staff": NO, "editor": NO,
        "publisher": (200, 302), "superuser": (200, 302), "inactive": OUT,
    },
    "publish action": {
        "anonymous": (None, 302), "staff": (None, 403), "editor": (None, 200),
        "publisher": (None, 302), "superuser": (None, 302), "inactive": (None, 302),
    },
    "publish button": {
        "anonymous": (None, 302), "staff": (None, 403), "editor": (None, 302),
        "publisher": (None, 302), "superuser": (None, 302), "inactive": (None, 302),
    },
    "unpublish button": {
        "anonymous": (None, 302), "staff": (None, 403), "editor": (None, 302),
        "publisher": (None, 302), "superuser": (None, 302), "inactive": (None, 302),
    },
    "approve change": {
        "anonymous": OUT, "staff": NO, "editor": (200, 403),
        "publisher": (200, 302), "superuser": (200, 302), "inactive": OUT,
    },
    "reject change": {
        "anonymous": OUT, "staff": NO, "editor": (200, 403),
        "publisher": (200, 302), "superuser": (200, 302), "inactive": OUT,
    },
    "preview": {
        "anonymous": (302, None), "staff": (403, None), "editor": (200, None),
        "publisher": (200, None), "superuser": (200, None), "inactive": (302, None),
    },
    "history and revert": {
        "anonymous": OUT, "staff": NO, "editor": (200, 302),
        "publisher": (200, 302), "superuser": (200, 302), "inactive": OUT,
    },
    "import": {
        "anonymous": OUT, "staff": NO, "editor": (200, 200),
        "publisher": (200, 200), "superuser": (200, 200), "inactive": OUT,
    },
    "data quality": {
        "anonymous": OUT, "staff": (403, 405), "editor": (200, 405),
        "publisher": (200, 405), "superuser": (200, 405), "inactive": OUT,
    },
    "user admin": {
        "anonymous": OUT, "staff": NO, "editor": NO,
        "publisher": NO, "superuser": (200, 302), "inactive": OUT,
    },
    "group admin": {
        "anonymous": OUT, "staff": NO, "editor": NO,
        "publisher": NO, "superuser": (200, 302), "inactive": OUT,
    },
}  # fmt: skip

CSV = (
    "person,organization,role_title,announced,source1_url\n"
    "Imani Import,Import Works,Chief Operating Officer,2024-03-01,"
    "https://news.example.com/imani\n"
)


@pytest.fixture
def draft(db):
    """A draft with a source: ready to publish."""
    return DepartureFactory(draft=True)


def _user(kind):
    if kind == "anonymous":
        return None
    if kind == "superuser":
        return UserFactory(is_superuser=True)
    if kind == "inactive":
        return UserFactory(groups=["Publishers"], is_active=False)
    groups = {"staff": [], "editor": ["Editors"], "publisher": ["Publishers"]}
    return UserFactory(groups=groups[kind])


def _published_departure():
    return Departure.objects.published().first() or DepartureFactory(
        stated_reason="As published."
    )


def _pending_revision():
    departure = _published_departure()
    pending = departure.revisions.filter(status="pending").first()
    if pending:
        return pending
    proposed = Departure.objects.get(pk=departure.pk)
    proposed.stated_reason = "As proposed."
    return revision_propose(
        departure=departure,
        fields=proposed,
        tags=[],
        citations=[(c.source_id, c.quote) for c in departure.citations.all()],
        actor=None,
    )


def _request(client, page, method, draft):
    departure_url = reverse("admin:departures_departure_changelist")
    change_url = reverse("admin:departures_departure_change", args=[draft.pk])
    get = method == "GET"
    if page == "log form":
        url = reverse("admin:departures_departure_log")
        data = {
            "person": "Nadia Newcomer",
            "organization": "Brand New Labs",
            "role_title": "Chief Technology Officer",
            "seniority": "c_suite",
            "function": "engineering",
            "announced": "2025-03-04",
            "reason": "resigned",
            "status": "reported",
            "source-TOTAL_FORMS": 1,
            "source-INITIAL_FORMS": 0,
            "source-0-url": "https://news.example.com/nadia",
            "source-0-kind": "press",
        }
    elif page == "departure changelist":
        url = departure_url
        data = {"action": "delete_selected", "_selected_action": [draft.pk]}
    elif page == "person changelist":
        url = reverse("admin:people_person_changelist")
        # Asks for the merge confirmation page; editors cannot merge.
        data = {
            "action": "merge_selected",
            "_selected_action": [draft.role.person_id, PersonFactory().pk],
        }
    elif page == "add organization":
        url = reverse("admin:people_organization_add")
        data = {"name": "Fresh Organization", "slug": "fresh-organization"}
    elif page == "change departure":
        url = change_url
        data = departure_form_data(draft, stated_reason="Corrected wording.")
    elif page == "delete departure":
        url = reverse("admin:departures_departure_delete", args=[draft.pk])
        data = {"post": "yes"}
    elif page == "publish action":
        url = departure_url
        data = {"action": "publish_selected", "_selected_action": [draft.pk]}
    elif page == "publish button":
        url = change_url
        data = departure_form_data(draft, _publish="Save and publish")
    elif page == "unpublish button":
        published = _published_departure()
        url = reverse("admin:departures_departure_change", args=[published.pk])
        data = departure_form_data(published, _unpublish="Unpublish")
    elif page in {"approve change", "reject change"}:
        revision = _pending_revision()
        url = reverse("admin:departures_departure_review", args=[revision.pk])
        data = (
            {"_approve": "Approve"}
            if page == "approve change"
            else {"_reject": "Reject", "comment": "Not in the sources."}
        )
    elif page == "preview":
        url = reverse("departures:preview", args=[draft.pk])
        data = {}
    elif page == "history and revert":
        version = draft.history.earliest()
        url = reverse("admin:departures_departure_history", args=[draft.pk])
        if not get:
            url = reverse(
                "admin:departures_departure_simple_history",
                args=[draft.pk, version.history_id],
            )
        data = departure_form_data(draft)
    elif page == "import":
        url = reverse("admin:departures_departure_import")
        data = {"file": SimpleUploadedFile("d.csv", CSV.encode(), "text/csv")}
    elif page == "data quality":
        url = reverse("admin:departures_departure_data_quality")
        data = {}
    elif page == "user admin":
        url = reverse("admin:auth_user_changelist" if get else "admin:auth_user_add")
        data = {
            "username": "newcomer",
            "password1": "a-long-test-password-1",
            "password2": "a-long-test-password-1",
            "usable_password": "true",
        }
    elif page == "group admin":
        url = reverse("admin:auth_group_changelist" if get else "admin:auth_group_add")
        data = {"name": "Interns"}
    return client.get(url) if get else client.post(url, data)


CELLS = [
    pytest.param(page, user, method, expected, id=f"{page}-{user}-{method}")
    for page, row in MATRIX.items()
    for user in USERS
    for method, expected in zip(("GET", "POST"), row[user], strict=True)
    if expected is not None
]


@pytest.mark.parametrize(("page", "user", "method", "expected"), CELLS)
def test_permission_matrix(client, draft, page, user, method, expected):
    account = _user(user)
    if account is not None:
        client.force_login(account)

    response = _request(client, page, method, draft)

    assert response.status_code == expected, response.get("Location")
    if expected == 302 and user in {"anonymous", "inactive"}:
        assert response["Location"].startswith(reverse("admin:login"))


def test_matrix_covers_every_user_on_every_page():
    assert all(set(row) == set(USERS) for row in MATRIX.values())


@pytest.mark.parametrize(
    ("user", "published"),
    [
        ("staff", False),
        ("editor", False),
        ("publisher", True),
        ("superuser", True),
        ("inactive", False),
        ("anonymous", False),
    ],
)
def test_only_publishers_publish_through_the_list_action(
    client, draft, user, published
):
    account = _user(user)
    if account is not None:
        client.force_login(account)

    _request(client, "publish action", "POST", draft)

    draft.refresh_from_db()
    assert draft.is_published is published


PUBLISHERS = {"publisher": True, "superuser": True}


@pytest.mark.parametrize("user", USERS)
def test_only_publishers_publish_with_the_change_form_button(client, draft, user):
    account = _user(user)
    if account is not None:
        client.force_login(account)

    _request(client, "publish button", "POST", draft)

    draft.refresh_from_db()
    assert draft.is_published is PUBLISHERS.get(user, False)


@pytest.mark.parametrize("user", USERS)
def test_only_publishers_unpublish_with_the_change_form_button(client, draft, user):
    published = _published_departure()
    account = _user(user)
    if account is not None:
        client.force_login(account)

    _request(client, "unpublish button", "POST", draft)

    published.refresh_from_db()
    assert published.is_published is not PUBLISHERS.get(user, False)


@pytest.mark.parametrize("user", USERS)
@pytest.mark.parametrize("page", ["approve change", "reject change"])
def test_only_publishers_review_changes(client, draft, user, page):
    revision = _pending_revision()
    account = _user(user)
    if account is not None:
        client.force_login(account)

    _request(client, page, "POST", draft)

    revision.refresh_from_db()
    reviewed = PUBLISHERS.get(user, False)
    expected = {"approve change": "approved", "reject change": "rejected"}[page]
    assert revision.status == (expected if reviewed else "pending")
    revision.departure.refresh_from_db()
    assert (revision.departure.stated_reason == "As proposed.") is (
        reviewed and page == "approve change"
    )
    assert DepartureRevision.objects.count() == 1


@pytest.mark.parametrize(
    ("user", "deleted"),
    [("editor", False), ("publisher", True), ("staff", False)],
)
def test_only_publishers_delete(client, draft, user, deleted):
    client.force_login(_user(user))

    _request(client, "delete departure", "POST", draft)

    assert Departure.objects.filter(pk=draft.pk).exists() is not deleted


def test_editor_tampering_the_change_form_publishes_nothing(client, draft):
    client.force_login(_user("editor"))
    url = reverse("admin:departures_departure_change", args=[draft.pk])

    response = client.post(
        url,
        departure_form_data(
            draft,
            published="on",
            published_at_0="2024-01-01",
            published_at_1="00:00:00",
            published_at="2024-01-01 00:00:00",
        ),
    )

    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_at is None


def test_editor_tampering_the_log_form_publishes_nothing(client, db):
    client.force_login(_user("editor"))
    url = reverse("admin:departures_departure_log")

    response = client.post(
        url,
        {
            "person": "Tamper Tester",
            "organization": "Tamper Labs",
            "role_title": "Chief Executive Officer",
            "seniority": "c_suite",
            "function": "executive",
            "announced": "2025-01-02",
            "reason": "resigned",
            "status": "confirmed",
            "publish": "on",
            "source-TOTAL_FORMS": 1,
            "source-INITIAL_FORMS": 0,
            "source-0-url": "https://news.example.com/tamper",
            "source-0-kind": "press",
        },
    )

    assert response.status_code == 302
    departure = Departure.objects.get(role__person__name="Tamper Tester")
    assert departure.published_at is None


def test_editor_reverting_to_a_published_version_publishes_nothing(client, db):
    departure = DepartureFactory()  # published, with a source
    first = departure.history.earliest()
    departure.published_at = None
    departure.save()
    client.force_login(_user("editor"))

    response = client.post(
        reverse(
            "admin:departures_departure_simple_history",
            args=[departure.pk, first.history_id],
        ),
        departure_form_data(departure),
    )

    assert response.status_code == 302
    departure.refresh_from_db()
    assert departure.published_at is None


def test_editor_cannot_unpublish_through_the_import(client, db):
    departure = DepartureFactory(
        role__person__name="Ines Imported",
        role__organization__name="Import Works",
        role__title="Chief Operating Officer",
        announced_on="2024-03-01",
    )
    client.force_login(_user("editor"))
    text = (
        "person,organization,role_title,announced,published\n"
        "Ines Imported,Import Works,Chief Operating Officer,2024-03-01,false\n"
    )
    url = reverse("admin:departures_departure_import")
    preview = client.post(
        url, {"file": SimpleUploadedFile("d.csv", text.encode(), "text/csv")}
    )

    client.post(url, {"payload": preview.context["payload"]})

    departure.refresh_from_db()
    assert departure.is_published
    assert "Ignored" in preview.content.decode()


def test_editor_cannot_reach_a_merge(client, draft):
    other = OrganizationFactory()
    client.force_login(_user("editor"))

    client.post(
        reverse("admin:people_organization_changelist"),
        {
            "action": "merge_selected",
            "_selected_action": [draft.role.organization_id, other.pk],
            "post": "yes",
            "survivor": other.pk,
        },
    )

    assert Organization.objects.filter(pk=draft.role.organization_id).exists()
    assert Organization.objects.filter(pk=other.pk).exists()


def test_publisher_holds_no_user_or_group_permissions(db):
    publisher = _user("publisher")

    assert not any(
        publisher.has_perm(f"auth.{action}_{model}")
        for action in ("add", "change", "delete", "view")
        for model in ("user", "group", "permission")
    )
