"""`backup` then `restore` gives back every table exactly, history included."""

import pytest
from django.core.management import call_command

from departures.backups import fingerprint
from departures.models import Departure, Tag
from people.models import Person

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_backup_restores_every_table_row_for_row(tmp_path, client):
    call_command("load_demo", verbosity=0)
    person = Person.objects.order_by("id").first()
    person.bio = "Edited after the import, so that history has an update."
    person.save()
    before = fingerprint()
    assert before["departures_departure"][0] > 0
    assert before["people_historicalperson"][0] > Person.objects.count()

    path = tmp_path / "departures.backup"
    call_command("backup", str(path), verbosity=0)

    # Damage: a lost history, an overwritten field, an extra row.
    Person.history.all().delete()
    Person.objects.update(bio="overwritten")
    Tag.objects.create(name="Not in the backup", slug="not-in-the-backup")
    assert fingerprint() != before

    call_command("restore", str(path), "--no-input", verbosity=0)

    after = fingerprint()
    assert after.keys() == before.keys()
    changed = [table for table in before if after[table] != before[table]]
    assert changed == []

    # The app serves the restored copy, and new rows get fresh ids.
    departure = Departure.objects.published().first()
    response = client.get(departure.get_absolute_url())
    assert response.status_code == 200
    assert departure.role.person.name in response.content.decode()
    Tag.objects.create(name="After the restore", slug="after-the-restore")


def test_restoring_a_missing_file_says_so(tmp_path):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="No backup at"):
        call_command("restore", str(tmp_path / "missing"), "--no-input")
