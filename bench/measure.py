"""Timing requests on loopback, and watching a server's memory while it answers."""

import http.client
import math
import statistics
import threading
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Stat:
    status: int
    times: list[float]  # seconds
    size: int = 0  # bytes of the last body
    lines: int = 0
    peak_rss: int = 0  # KiB, the largest server process during the requests
    rss_growth: int = 0  # KiB, that process's peak minus its size before

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times) * 1000

    @property
    def p95(self) -> float:
        ordered = sorted(self.times)
        return ordered[math.ceil(0.95 * len(ordered)) - 1] * 1000


def get(port: int, path: str, *, timeout: float) -> tuple[int, float, bytes]:
    """GET `path` from 127.0.0.1:`port` on a new connection; return the status,
    the seconds until the whole body arrived, and the body."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    started = time.perf_counter()
    try:
        connection.request("GET", path, headers={"Accept-Encoding": "identity"})
        response = connection.getresponse()
        body = response.read()
        return response.status, time.perf_counter() - started, body
    finally:
        connection.close()


def measure(
    port: int, path: str, *, n: int, max_seconds: float, timeout: float = 120
) -> Stat:
    """One warm-up request, then up to `n` timed ones (fewer when they take
    more than `max_seconds` in all, but at least three)."""
    status, _, body = get(port, path, timeout=timeout)
    if status != 200:
        return Stat(status, [])
    times, spent = [], 0.0
    while len(times) < n and (spent < max_seconds or len(times) < 3):
        status, seconds, body = get(port, path, timeout=timeout)
        if status != 200:
            return Stat(status, times)
        times.append(seconds)
        spent += seconds
    return Stat(200, times, size=len(body), lines=body.count(b"\n"))


def measure_download(
    port: int, path: str, *, n: int, pids, timeout: float = 300
) -> Stat:
    """Time `n` full downloads of `path` while sampling the resident memory of
    the processes `pids()` returns."""
    status, _, _ = get(port, path, timeout=timeout)  # warm-up
    if status != 200:
        return Stat(status, [])
    before = {pid: rss(pid) for pid in pids()}
    peaks = dict(before)
    done = threading.Event()

    def watch():
        while not done.is_set():
            for pid in pids():
                peaks[pid] = max(peaks.get(pid, 0), rss(pid))
            done.wait(0.02)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    times, body = [], b""
    try:
        for _ in range(n):
            status, seconds, body = get(port, path, timeout=timeout)
            if status != 200:
                return Stat(status, times)
            times.append(seconds)
    finally:
        done.set()
        watcher.join()
    peak_pid = max(peaks, key=peaks.get)
    return Stat(
        200,
        times,
        size=len(body),
        lines=body.count(b"\n"),
        peak_rss=peaks[peak_pid],
        rss_growth=peaks[peak_pid] - before.get(peak_pid, peaks[peak_pid]),
    )


def rss(pid: int) -> int:
    """Resident memory of `pid` in KiB (0 once it is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def children(pid: int) -> list[int]:
    try:
        text = Path(f"/proc/{pid}/task/{pid}/children").read_text()
    except OSError:
        return []
    return [int(item) for item in text.split()]
