"""Backups that restore: the whole database, history included, in one file.

PostgreSQL: `pg_dump -Fc` and `pg_restore --clean`, the custom format that
restores tables, sequences, constraints and indexes exactly.
SQLite: the online backup API, which copies a consistent snapshot page by page
while the app keeps serving (readers and writers wait only for each step).

`fingerprint()` reads every table's row count and a checksum of its content, so
a round trip can be checked table by table.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import sqlite3
import subprocess  # noqa: S404 - runs pg_dump/pg_restore with fixed arguments
from pathlib import Path

from django.db import connections


class BackupError(Exception):
    pass


def backup(path: Path, *, using: str = "default") -> None:
    """Write the database `using` to `path`."""
    conn = connections[using]
    if conn.vendor == "postgresql":
        _run(["pg_dump", "--format=custom", "--no-owner", "--file", str(path)], conn)
    elif conn.vendor == "sqlite":
        conn.ensure_connection()
        target = sqlite3.connect(path)
        try:
            conn.connection.backup(target, pages=1024)
        finally:
            target.close()
    else:
        raise BackupError(f"No backup method for {conn.vendor}.")


def restore(path: Path, *, using: str = "default") -> None:
    """Replace the database `using` with the backup at `path`."""
    if not Path(path).is_file():
        raise BackupError(f"No backup at {path}.")
    conn = connections[using]
    if conn.vendor == "postgresql":
        conn.close()
        _run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "--exit-on-error",
                "--dbname",
                conn.settings_dict["NAME"],
                str(path),
            ],
            conn,
        )
    elif conn.vendor == "sqlite":
        conn.ensure_connection()
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            source.backup(conn.connection, pages=1024)
        finally:
            source.close()
    else:
        raise BackupError(f"No restore method for {conn.vendor}.")


def fingerprint(*, using: str = "default") -> dict[str, tuple[int, str]]:
    """table -> (row count, sha256 of its rows in a stable order)."""
    conn = connections[using]
    result = {}
    with conn.cursor() as cursor:
        for table in sorted(conn.introspection.table_names(cursor)):
            # Table names come from introspection, quoted: not user input.
            query = f"SELECT * FROM {conn.ops.quote_name(table)}"  # noqa: S608  # nosec B608
            cursor.execute(query)
            rows = sorted(repr(row) for row in cursor.fetchall())
            digest = hashlib.sha256("\n".join(rows).encode()).hexdigest()
            result[table] = (len(rows), digest)
    return result


def _run(command: list[str], conn) -> None:
    """Run a PostgreSQL client tool against `conn`'s database."""
    executable = shutil.which(command[0])
    if executable is None:
        raise BackupError(f"{command[0]} is not installed (Debian: postgresql-client).")
    settings = conn.settings_dict
    env = {**os.environ}
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if settings.get(key):
            env[variable] = str(settings[key])
    env["PGDATABASE"] = settings["NAME"]
    completed = subprocess.run(  # noqa: S603 - fixed arguments, no shell
        [executable, *command[1:]],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if completed.returncode != 0:
        raise BackupError(completed.stderr.strip() or f"{command[0]} failed.")
