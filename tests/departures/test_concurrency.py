"""Writes that race: two editors creating one person, reads during an import."""

import threading

import pytest
from django.db import connection, connections

from departures.importing import import_departures
from departures.models import Departure
from people.models import Organization, Person
from people.services import organization_get_or_create, person_get_or_create


def _race(target, n: int = 4) -> list:
    """Run `target` in `n` threads released together; return results or errors."""
    barrier = threading.Barrier(n)
    results = []

    def run():
        try:
            barrier.wait()
            results.append(target())
        except Exception as error:  # noqa: BLE001 - the test reports it
            results.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run) for _ in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="SQLite serializes writers (IMMEDIATE transactions), so there is no race",
)
@pytest.mark.parametrize(
    ("getter", "model"),
    [(person_get_or_create, Person), (organization_get_or_create, Organization)],
)
def test_concurrent_creation_of_one_new_name_reuses_the_winner(getter, model):
    results = _race(lambda: getter(name="Ada  Racer").pk)

    assert all(isinstance(pk, int) for pk in results), results
    assert len(set(results)) == 1
    assert model.objects.named("ada racer").count() == 1


def _rows(n: int) -> str:
    rows = [
        f"Person {i},Org {i % 7},Chief Officer {i},2024-01-{i % 28 + 1:02d}"
        for i in range(n)
    ]
    return "person,organization,role_title,announced\n" + "\n".join(rows) + "\n"


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "sqlite", reason="checks SQLite's WAL mode")
def test_reads_keep_working_during_an_import_on_sqlite():
    if "memory" in str(connection.settings_dict["NAME"]):
        pytest.skip(
            "the in-memory test database shares one cache with table locks; "
            "run with DJANGO_SQLITE_TEST_FILE=1 for a WAL database file"
        )
    import_departures(_rows(5))
    started, done = threading.Event(), threading.Event()
    reads, errors = [], []

    def read():
        started.wait()
        while not done.is_set() or not reads:
            try:
                reads.append(Departure.objects.count())
            except Exception as error:  # noqa: BLE001 - the test reports it
                errors.append(error)
                break
        connections.close_all()

    reader = threading.Thread(target=read)
    reader.start()
    started.set()
    report = import_departures(_rows(300))
    done.set()
    reader.join()

    assert report.ok, report.errors
    assert errors == []
    # Readers saw the data as it was before the import committed, never a lock.
    assert reads and set(reads) <= {5, 300}


@pytest.mark.django_db
@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="PostgreSQL's advisory locks"
)
def test_a_file_of_thousands_of_new_names_takes_a_bounded_number_of_locks():
    # One lock per name overflowed the server's lock table (64 per connection
    # by default) when a file at the upload cap was confirmed.
    from people.services import NAME_LOCKS, _lock_names

    _lock_names(Person, [f"new person {n}" for n in range(8000)])
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks "
            "WHERE locktype = 'advisory' AND pid = pg_backend_pid()"
        )
        held = cursor.fetchone()[0]
    assert 0 < held <= NAME_LOCKS
