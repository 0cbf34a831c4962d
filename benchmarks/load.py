"""Load generation for the benchmarks: closed and open loops over HTTP, gunicorn, PostgreSQL.

The client runs in separate processes (``processes``) with keep-alive connections, so that the
Python client is not the bottleneck it would be in one interpreter. Every target is on loopback,
and every loop is bounded in time.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import os
import subprocess
import sys
import threading
import time
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field

import psycopg

#: A request maker: sequence number → (method, path, JSON body or None, headers).
RequestMaker = Callable[[int], tuple[str, str, dict | None, dict]]

PG_ADMIN = os.environ.get(
    "CEREMONY_BENCH_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres"
)


@dataclass
class Result:
    """What a loop measured: successes, failures, wall time and latencies in milliseconds."""

    ok: int = 0
    failed: int = 0
    seconds: float = 0.0
    latencies_ms: list[float] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        """Successful requests per second."""
        return self.ok / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """The p-th percentile latency in milliseconds."""
        if not self.latencies_ms:
            return float("nan")
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]

    def record(self, status: int, elapsed_ms: float) -> None:
        """Count one answer (callers hold the lock that guards this result)."""
        if 200 <= status < 300:
            self.ok += 1
            self.latencies_ms.append(elapsed_ms)
        else:
            self.failed += 1

    def merge(self, other: Result) -> None:
        """Add another process's figures to these."""
        self.ok += other.ok
        self.failed += other.failed
        self.latencies_ms += other.latencies_ms


class _Client:
    """One keep-alive HTTP connection."""

    def __init__(self, port: int):
        self.port = port
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def send(self, method: str, path: str, body: dict | None, headers: dict) -> int:
        payload = json.dumps(body).encode() if body is not None else None
        all_headers = {"Content-Type": "application/json", **headers} if payload else headers
        try:
            self.connection.request(method, path, body=payload, headers=all_headers)
            response = self.connection.getresponse()
            response.read()
            return response.status
        except (OSError, http.client.HTTPException):
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            return 0


def _closed_worker(port, maker, threads, seconds, offset, queue) -> None:
    result = Result()
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(offset, offset + 10_000_000))

    def loop() -> None:
        client = _Client(port)
        while time.perf_counter() < deadline:
            with lock:
                n = next(counter)
            method, path, body, headers = maker(n)
            start = time.perf_counter()
            status = client.send(method, path, body, headers)
            with lock:
                result.record(status, (time.perf_counter() - start) * 1000)

    _run_threads(loop, threads)
    queue.put(result)


def run_closed_loop(
    port: int, maker: RequestMaker, clients: int, seconds: float, processes: int = 2
) -> Result:
    """``clients`` clients each sending the next request as soon as the last one answered."""
    queue = multiprocessing.get_context("fork").Queue()
    per_process = [
        clients // processes + (1 if i < clients % processes else 0) for i in range(processes)
    ]
    started = time.perf_counter()
    procs = [
        multiprocessing.get_context("fork").Process(
            target=_closed_worker, args=(port, maker, n, seconds, i * 10_000_000, queue)
        )
        for i, n in enumerate(per_process)
        if n
    ]
    for proc in procs:
        proc.start()
    total = Result()
    for _ in procs:
        total.merge(queue.get(timeout=seconds + 120))
    for proc in procs:
        proc.join()
    total.seconds = time.perf_counter() - started
    return total


def run_open_loop(
    port: int,
    maker: RequestMaker,
    rate: float,
    seconds: float,
    threads: int = 32,
    offset: int = 50_000_000,
) -> Result:
    """Requests sent on a fixed schedule; latency counts from the scheduled time."""
    result = Result()
    lock = threading.Lock()
    total = int(rate * seconds)
    start = time.perf_counter() + 0.2
    schedule = iter(range(total))

    def loop() -> None:
        client = _Client(port)
        while True:
            with lock:
                k = next(schedule, None)
            if k is None:
                return
            due = start + k / rate
            pause = due - time.perf_counter()
            if pause > 0:
                time.sleep(pause)  # the schedule, not a wait for a result
            method, path, body, headers = maker(offset + k)
            status = client.send(method, path, body, headers)
            with lock:
                result.record(status, (time.perf_counter() - due) * 1000)

    _run_threads(loop, threads)
    result.seconds = time.perf_counter() - start
    return result


def _run_threads(target: Callable[[], None], count: int) -> None:
    workers = [threading.Thread(target=target) for _ in range(count)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()


class Gunicorn:
    """A gunicorn serving ``app`` (``module:factory()``) on loopback, stopped on exit."""

    def __init__(self, app: str, port: int, env: dict, workers: int = 4, threads: int = 4):
        self.app, self.port, self.env = app, port, env
        self.workers, self.threads = workers, threads
        self.process: subprocess.Popen | None = None

    def __enter__(self) -> Gunicorn:
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--threads",
            str(self.threads),
            "--worker-class",
            "gthread",
            "--keep-alive",
            "30",
            "--no-control-socket",
            "--log-level",
            "warning",
            self.app,
        ]
        self.process = subprocess.Popen(command, env={**os.environ, **self.env})
        wait_http(f"http://127.0.0.1:{self.port}/healthz")
        return self

    def __exit__(self, *exc) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def wait_http(url: str, timeout: float = 30) -> None:
    """Wait until ``url`` answers 200."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.1)  # the server is still starting
    raise RuntimeError(f"{url} did not answer within {timeout}s")


def fresh_database(name: str) -> str:
    """Create an empty PostgreSQL database for a benchmark; returns its SQLAlchemy URL."""
    database = f"ceremony_bench_{name}_{uuid.uuid4().hex[:6]}"
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{database}"')
    return PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + (
        f"/{database}"
    )


def drop_database(url: str) -> None:
    """Drop a benchmark database."""
    database = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN, autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def machine() -> str:
    """The machine the figures come from."""
    model = "unknown CPU"
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    model = line.split(":", 1)[1].strip()
                    break
    except OSError:
        model = "unknown CPU"
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores ({model}), {memory:.0f} GiB"


def report(label: str, result: Result) -> str:
    """One line of figures."""
    return (
        f"{label:<44} {result.per_second:9.1f}/s  p50 {result.percentile(50):7.1f} ms  "
        f"p99 {result.percentile(99):7.1f} ms  ok {result.ok}  failed {result.failed}"
    )
