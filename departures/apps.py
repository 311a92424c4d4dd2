from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_database_objects(sender, using, **kwargs):
    from django.db import connections

    from departures.database import install

    install(connections[using])


class DeparturesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "departures"

    def ready(self):
        # Triggers and text indexes (departures/database.py) after every
        # migrate: they are not models, so migrations do not build them.
        post_migrate.connect(
            _install_database_objects,
            sender=self,
            dispatch_uid="departures.database.install",
        )
