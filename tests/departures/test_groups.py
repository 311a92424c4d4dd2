from django.contrib.auth.models import Group

EDITORIAL = [
    "people.person",
    "people.organization",
    "people.role",
    "departures.departure",
    "departures.source",
    "departures.citation",
    "departures.tag",
]


def _perms(group: str) -> set[str]:
    return {
        f"{app}.{codename}"
        for app, codename in Group.objects.get(name=group).permissions.values_list(
            "content_type__app_label", "codename"
        )
    }


def _model_perms(actions) -> set[str]:
    return {
        f"{label.split('.')[0]}.{action}_{label.split('.')[1]}"
        for label in EDITORIAL
        for action in actions
    }


def test_editors_add_change_and_view_the_editorial_models_and_nothing_else(db):
    assert _perms("Editors") == _model_perms(["add", "change", "view"])


def test_publishers_also_delete_and_publish(db):
    assert _perms("Publishers") == _model_perms(["add", "change", "view", "delete"]) | {
        "departures.publish_departure"
    }
