"""Starting and stopping the servers under test, on loopback only."""

import contextlib
import os
import signal
import socket
import subprocess
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
VENV = ROOT / ".venv" / "bin"
BENCH_VENV = ROOT / ".venv-bench" / "bin"


def app_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": os.environ.get(
            "DJANGO_SECRET_KEY", "insecure-key-for-the-benchmark-only"
        ),
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Pages computed afresh: repeated requests would otherwise be answered
        # by the public cache (config/public_cache.py). To time the cache
        # instead, run with DJANGO_PUBLIC_CACHE_SECONDS=600.
        "DJANGO_PUBLIC_CACHE_SECONDS": os.environ.get(
            "DJANGO_PUBLIC_CACHE_SECONDS", "0"
        ),
    }


def manage(database_url: str, *args: str) -> None:
    subprocess.run(  # noqa: S603 - manage.py with the bench's own arguments
        [VENV / "python", "manage.py", *args],
        cwd=ROOT,
        env=app_env(database_url),
        check=True,
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited with {process.returncode}")
        with (
            contextlib.suppress(OSError),
            socket.create_connection(("127.0.0.1", port), timeout=1),
        ):
            return
        time.sleep(0.2)
    raise RuntimeError(f"nothing listens on 127.0.0.1:{port} after {timeout} s")


@contextlib.contextmanager
def running(command: list, *, env=None, log: Path):
    """Run `command` (which listens on the port it is given) in its own process
    group; stop the group on the way out, whatever happens."""
    port = free_port()
    command = [str(part).format(port=port) for part in command]
    with log.open("ab") as out:
        process = subprocess.Popen(  # noqa: S603 - fixed server commands
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        wait_for(port, process)
        yield port, process
    finally:
        stop(process)


def stop(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def gunicorn(database_url: str, *, log: Path, cached: bool = False):
    command = [
        VENV / "gunicorn",
        "config.wsgi",
        "--bind",
        "127.0.0.1:{port}",
        "--workers",
        "2",
        "--timeout",
        "300",
    ]
    env = app_env(database_url)
    if cached:
        env["DJANGO_PUBLIC_CACHE_SECONDS"] = "600"
    return running(command, env=env, log=log)


TUNED = [
    "--setting",
    "suggest_facets",
    "off",
    "--setting",
    "facet_time_limit_ms",
    "10000",
    "--setting",
    "sql_time_limit_ms",
    "10000",
]


def datasette(path: Path, *, tuned: bool, log: Path):
    command = [BENCH_VENV / "datasette", "serve", path, "-h", "127.0.0.1"]
    command += ["-p", "{port}", *(TUNED if tuned else [])]
    return running(command, env=dict(os.environ), log=log)
