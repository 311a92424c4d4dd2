"""Create the Editors and Publishers groups with exactly the permissions they need.

Editors add, change and view the editorial models (their departures stay
drafts); Publishers also delete and publish. Neither manages users or groups.
The lists are spelled out here, not imported, so this migration keeps meaning
what it meant when it ran.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORIAL_MODELS = [
    ("people", "person"),
    ("people", "organization"),
    ("people", "role"),
    ("departures", "departure"),
    ("departures", "source"),
    ("departures", "citation"),
    ("departures", "tag"),
]
GROUPS = {
    "Editors": [
        (app, f"{action}_{model}")
        for app, model in EDITORIAL_MODELS
        for action in ("add", "change", "view")
    ],
    "Publishers": [
        (app, f"{action}_{model}")
        for app, model in EDITORIAL_MODELS
        for action in ("add", "change", "view", "delete")
    ]
    + [("departures", "publish_departure")],
}


def create_groups(apps, schema_editor):
    # Permissions are normally created after migrate; this migration needs them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for name, codenames in GROUPS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(
            [
                Permission.objects.get(content_type__app_label=app, codename=codename)
                for app, codename in codenames
            ]
        )


def delete_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("departures", "0001_initial"),
        ("people", "0002_merge_redirects"),
    ]

    operations = [migrations.RunPython(create_groups, delete_groups)]
