"""`make bench`: the app and Datasette on the same 100 000 synthetic departures.

Builds the database (SQLite in a scratch file; PostgreSQL too when
DATABASE_URL names a scratch database), serves the app with gunicorn and
Datasette on loopback, times each page and writes a table to
bench/results-<db>.md. See bench/README.md.
"""

import datetime
import os
import platform
import signal
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path
from urllib.parse import quote, urlsplit

import flat
import servers
import table
from measure import Stat, children, measure, measure_download

sys.path.insert(0, str(servers.ROOT))

from django.utils.text import slugify  # noqa: E402

from departures.synthetic_words import COMMON_WORD, RARE_SURNAME  # noqa: E402

N = int(os.environ.get("BENCH_N", "30"))
CSV_N = int(os.environ.get("BENCH_CSV_N", "3"))
DEPARTURES = int(os.environ.get("BENCH_DEPARTURES", "100000"))
SEED = int(os.environ.get("BENCH_SEED", "1"))
MAX_SECONDS = float(os.environ.get("BENCH_MAX_SECONDS", "120"))
REUSE = os.environ.get("BENCH_REUSE") == "1"
# Which servers to measure: sqlite, postgresql, datasette (all by default).
ONLY = set(
    os.environ.get("BENCH_ONLY", "sqlite,postgresql,cached,datasette").split(",")
)
WORK = Path(
    os.environ.get("BENCH_DIR") or Path(tempfile.gettempdir()) / "departures-bench"
)
SQLITE = WORK / "bench.sqlite3"  # Datasette calls this database “bench”
DS = "/bench/departures_flat"
DS_LIST = f"{DS}?_facet=reason&_facet=organization&_sort_desc=announced_on"


def say(text: str) -> None:
    print(text, flush=True)


def build_sqlite() -> None:
    stamp = WORK / f"built-{DEPARTURES}-{SEED}"
    if REUSE and SQLITE.exists() and stamp.exists():
        say(f"Reusing {SQLITE}")
    else:
        for path in (SQLITE, stamp):
            path.unlink(missing_ok=True)
        build_app_database(f"sqlite:///{SQLITE}")
        stamp.touch()
    say(f"Datasette table: {flat.build(SQLITE)} rows with an FTS5 index")


def build_postgresql(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    if "bench" not in name:
        sys.exit(
            f"DATABASE_URL must name a scratch database with “bench” in it, "
            f"not “{name}”: the benchmark drops and recreates it."
        )
    admin = parts._replace(path="/postgres").geturl()
    if REUSE:
        try:
            with psycopg.connect(url) as db:
                count = db.execute(
                    "SELECT count(*) FROM departures_departure"
                ).fetchone()[0]
            if count == DEPARTURES:
                say(f"Reusing PostgreSQL database {name}")
                return
        except psycopg.Error:
            pass
    with psycopg.connect(admin, autocommit=True) as db:
        db.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        db.execute(f'CREATE DATABASE "{name}"')
    build_app_database(url)


def build_app_database(url: str) -> None:
    say(f"Building {DEPARTURES} departures in {url}")
    servers.manage(url, "migrate", "--no-input", "-v0")
    servers.manage(
        url, "generate_synthetic", f"--departures={DEPARTURES}", f"--seed={SEED}"
    )


def facts() -> dict:
    """The organization, departure and person the pages below are about."""
    db = sqlite3.connect(SQLITE)
    try:
        org_slug, org_count = db.execute(
            "SELECT o.slug, count(*) FROM departures_departure d "
            "JOIN people_role r ON r.id = d.role_id "
            "JOIN people_organization o ON o.id = r.organization_id "
            "GROUP BY o.id ORDER BY 2 DESC LIMIT 1"
        ).fetchone()
        pk, person, person_slug, org = db.execute(
            "SELECT d.id, p.name, p.slug, o.name FROM departures_departure d "
            "JOIN people_role r ON r.id = d.role_id "
            "JOIN people_person p ON p.id = r.person_id "
            "JOIN people_organization o ON o.id = r.organization_id "
            "ORDER BY d.id LIMIT 1 OFFSET ?",
            (DEPARTURES // 2,),
        ).fetchone()
    finally:
        db.close()
    return {
        "org": org_slug,
        "org_count": org_count,
        "departure": f"/departures/{pk}/{slugify(f'{person} {org}')}/",
        "pk": pk,
        "person": person_slug,
    }


def pages(f: dict) -> list[tuple[str, str, str | None]]:
    """(label, app path, Datasette path or None) for each page."""
    org, person = f["org"], f["person"]
    return [
        ("`/`", "/", DS_LIST),
        ("`/?reason=ousted`", "/?reason=ousted", f"{DS_LIST}&reason=ousted"),
        (
            f"`/?organization=<largest>` ({f['org_count']} rows)",
            f"/?organization={org}",
            f"{DS_LIST}&organization_slug={org}",
        ),
        (
            "`/?from=2020-01&to=2020-12`",
            "/?from=2020-01&to=2020-12",
            f"{DS_LIST}&announced_on__gte=2020-01-01&announced_on__lte=2020-12-31",
        ),
        (
            f"`/?q={COMMON_WORD}` (~5 %)",
            f"/?q={COMMON_WORD}",
            f"{DS_LIST}&_search={COMMON_WORD}",
        ),
        (
            f"`/?q={RARE_SURNAME}` (rare)",
            f"/?q={RARE_SURNAME}",
            f"{DS_LIST}&_search={RARE_SURNAME}",
        ),
        ("`/?page=50`", "/?page=50", None),
        ("`/people/`", "/people/", None),
        ("`/organizations/`", "/organizations/", None),
        ("a departure", f["departure"], f"{DS}/{f['pk']}"),
        (
            "largest organization's page",
            f"/organizations/{org}/",
            f"{DS}?organization_slug={org}&_facet=reason&_sort_desc=announced_on",
        ),
        ("a person", f"/people/{person}/", f"{DS}?person_slug={quote(person)}"),
        ("`/api/departures`", "/api/departures", f"{DS}.json?_sort_desc=announced_on"),
        ("`/feed/`", "/feed/", None),
    ]


# A static file of about a timeline page's size (select2 is ~79 KB), for the
# cached pages to be compared with.
STATIC = (
    "a static file (79 KB)",
    "/static/admin/js/vendor/select2/select2.full.min.js",
    None,
)

DOWNLOAD = (
    "`/departures.csv` (all rows)",
    "/departures.csv",
    f"{DS}.csv?_stream=on&_size=max",
)


def run_app(url: str, label: str, page_list) -> dict:
    results = {}
    with servers.gunicorn(url, log=WORK / f"gunicorn-{label}.log") as (port, proc):
        say(f"app on {label}, port {port}")
        for name, path, _ in page_list:
            results[name] = measure(port, path, n=N, max_seconds=MAX_SECONDS)
            report(name, results[name])
        results["download"] = measure_download(
            port, DOWNLOAD[1], n=CSV_N, pids=lambda: children(proc.pid)
        )
        report("CSV", results["download"])
    return results


def run_app_cached(url: str, label: str, page_list) -> dict:
    """The same pages from the public cache (the warm-up request fills it),
    and a static file of about a timeline page's size from the same server."""
    results = {}
    log = WORK / f"gunicorn-{label}-cached.log"
    with servers.gunicorn(url, log=log, cached=True) as (port, _proc):
        say(f"app on {label} with the public cache, port {port}")
        for name, path, _ in page_list:
            results[name] = measure(port, path, n=N, max_seconds=MAX_SECONDS)
            report(name, results[name])
        results[STATIC[0]] = measure(port, STATIC[1], n=N, max_seconds=MAX_SECONDS)
        report(STATIC[0], results[STATIC[0]])
    return results


def run_datasette(tuned: bool, page_list) -> dict:
    label = "tuned" if tuned else "as run"
    results = {}
    log = WORK / f"datasette-{'tuned' if tuned else 'default'}.log"
    with servers.datasette(SQLITE, tuned=tuned, log=log) as (port, proc):
        say(f"Datasette {label}, port {port}")
        for name, _, path in page_list:
            if path:
                results[name] = measure(port, path, n=N, max_seconds=MAX_SECONDS)
                report(name, results[name])
        results["download"] = measure_download(
            port, DOWNLOAD[2], n=CSV_N, pids=lambda: [proc.pid]
        )
        report("CSV", results["download"])
    return results


def report(name: str, stat: Stat) -> None:
    if stat.ok:
        say(
            f"  {name}: {stat.median:.0f} ms median, {stat.p95:.0f} p95 "
            f"(n={len(stat.times)})"
        )
    else:
        say(f"  {name}: HTTP {stat.status}")


def main() -> None:
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("stopped"))
    WORK.mkdir(parents=True, exist_ok=True)
    load_before = os.getloadavg()
    build_sqlite()
    pg_url = os.environ.get("DATABASE_URL", "")
    if pg_url.startswith("postgres"):
        build_postgresql(pg_url)
    servers.manage(f"sqlite:///{SQLITE}", "collectstatic", "--no-input", "-v0")
    f = facts()
    page_list = pages(f)
    table_pages = [*page_list, STATIC]
    name = "sqlite-postgresql" if pg_url.startswith("postgres") else "sqlite"
    if ONLY != {"sqlite", "postgresql", "cached", "datasette"}:
        name = "-".join(sorted(ONLY))
    out = servers.ROOT / "bench" / f"results-{name}.md"
    info = machine(pg_url)
    columns = {}

    def write() -> str:
        """Write the table so far: an interrupted run keeps what it measured."""
        text = table.render(
            columns,
            table_pages,
            DOWNLOAD[0],
            machine=info,
            settings={
                "N": N,
                "CSV downloads": CSV_N,
                "departures": DEPARTURES,
                "seed": SEED,
            },
            load=(load_before, os.getloadavg()),
        )
        out.write_text(text)
        return text

    if "sqlite" in ONLY:
        columns["app SQLite"] = run_app(f"sqlite:///{SQLITE}", "sqlite", page_list)
        write()
    if pg_url.startswith("postgres") and "postgresql" in ONLY:
        columns["app PostgreSQL"] = run_app(pg_url, "postgresql", page_list)
        write()
    if "sqlite" in ONLY and "cached" in ONLY:
        columns["app SQLite cached"] = run_app_cached(
            f"sqlite:///{SQLITE}", "sqlite", page_list
        )
        write()
    if "datasette" in ONLY:
        columns["Datasette as run"] = run_datasette(False, page_list)
        write()
        columns["Datasette tuned"] = run_datasette(True, page_list)
    say("\n" + write() + f"\nWritten to {out.relative_to(servers.ROOT)}")


def machine(pg_url: str) -> dict:
    info = {
        "date": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "CPUs (nproc)": os.cpu_count(),
        "Python": platform.python_version(),
        "SQLite": sqlite3.sqlite_version,
        "Datasette": subprocess.run(  # noqa: S603 - our own venv's binary
            [servers.BENCH_VENV / "datasette", "--version"],
            capture_output=True,
            text=True,
        ).stdout.split()[-1],
    }
    if pg_url.startswith("postgres"):
        import psycopg

        with psycopg.connect(pg_url) as db:
            info["PostgreSQL"] = db.execute("SHOW server_version").fetchone()[0]
    return info


if __name__ == "__main__":
    main()
