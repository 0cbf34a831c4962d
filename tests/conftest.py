"""Fixtures every test layer shares: settings, migrated databases, tokens, the test SMTP and
badge servers, and a throwaway RabbitMQ vhost."""

from __future__ import annotations

import atexit
import os
import shutil
import socket
import sqlite3
import subprocess
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, suppress
from pathlib import Path

import pytest

from shared.auth import Signer
from shared.config import Settings, load_settings
from shared.migrations import upgrade
from shared.service import Service
from tests.notifications.fake_badges import FakeBadges
from tests.notifications.smtp_server import SmtpTestServer

SECRET = "test-secret-key-not-for-production"
RABBIT_HOST, RABBIT_PORT = "127.0.0.1", 5672


def make_settings(service: str, var_dir: Path, **overrides) -> Settings:
    """Settings for ``service`` under ``var_dir`` (SQLite and the file bus unless overridden)."""
    settings = load_settings(service, {"CEREMONY_VAR_DIR": str(var_dir)})
    defaults = {
        "secret_key": SECRET,
        "retry_delay_seconds": 0.2,
        "relay_interval_seconds": 0.05,
        # Tests send many requests from one address; tests/test_rate_limits.py sets real ones.
        "rate_limit_per_address": "100000/minute",
        "rate_limit_per_ceremony": "100000/minute",
    }
    return settings.with_overrides(**{**defaults, **overrides})


def migrated(service: Service, settings: Settings) -> Settings:
    """Apply the service's migrations to its database and return the settings.

    A new SQLite database is a copy of one this run migrated for the service: the same tables,
    without the second or so that running every migration takes, for each of thousands of
    tests. The migrations themselves are run by tests/test_architecture.py and on PostgreSQL.
    """
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    path = _sqlite_file(settings.database_url)
    if path is not None and not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        with (
            closing(sqlite3.connect(_migrated_template(service))) as template,
            closing(sqlite3.connect(path)) as copy,
        ):
            template.backup(copy)
    else:
        upgrade(service, settings.database_url)
    return settings


def _sqlite_file(database_url: str) -> Path | None:
    """The file of a SQLite database URL, or None for any other database."""
    if not database_url.startswith("sqlite:///") or database_url.endswith(":memory:"):
        return None
    return Path(database_url.split("///", 1)[1])


_templates: dict[tuple[str, Path], Path] = {}


def _migrated_template(service: Service) -> Path:
    """A SQLite database with every migration of ``service`` applied, made once per process."""
    key = (service.name, service.migrations)
    if key not in _templates:
        folder = Path(tempfile.mkdtemp(prefix=f"ceremony-{service.name}-migrated-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        upgrade(service, f"sqlite:///{folder / 'template.db'}")
        _templates[key] = folder / "template.db"
    return _templates[key]


def wait_for(condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.02):
    """Wait until ``condition()`` is truthy and return it; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {condition}")
        time.sleep(interval)


@pytest.fixture
def signer() -> Signer:
    return Signer(SECRET)


@pytest.fixture
def organiser_headers(signer) -> dict[str, str]:
    return {"Authorization": f"Bearer {signer.issue_token('admin')}"}


@pytest.fixture
def viewer_headers(signer) -> dict[str, str]:
    """A suite-wide API key of the viewer role: it reads, and changes nothing."""
    return {"Authorization": f"Bearer {signer.issue_token('viewer')}"}


@pytest.fixture
def staff_headers(signer) -> dict[str, str]:
    return {"Authorization": f"Bearer {signer.issue_token('staff')}"}


def reachable(host: str, port: int) -> bool:
    """Whether something accepts TCP connections on ``host:port``."""
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def service_missing(what: str) -> None:
    """Skip the test for want of ``what``; under ``CI=true``, fail it instead."""
    message = f"{what} is not reachable"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI runs integration tests, it never skips them", pytrace=False)
    pytest.skip(message)


def rabbitmqctl(*args: str, attempts: int = 3) -> str:
    """Run rabbitmqctl and return its output; a broker that is still booting gets more tries."""
    for attempt in range(1, attempts + 1):
        result = subprocess.run(["rabbitmqctl", *args], capture_output=True, text=True, timeout=120)
        if result.returncode == 0:
            return result.stdout
        if attempt < attempts:
            subprocess.run(["rabbitmqctl", "await_startup"], capture_output=True, timeout=120)
    raise RuntimeError(f"rabbitmqctl {' '.join(args)} failed: {result.stderr or result.stdout}")


class Vhosts:
    """Throwaway vhosts on the local RabbitMQ, each made before the test that takes it and
    deleted after it, while other tests run.

    Every rabbitmqctl call starts an Erlang VM (most of a second): three of them per test were
    minutes of the integration tests. One thread makes vhosts, one deletes them.
    """

    def __init__(self) -> None:
        self._adding = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vhost-add")
        self._deleting = ThreadPoolExecutor(max_workers=1, thread_name_prefix="vhost-delete")
        self._deleted: list[Future] = []
        self._next = self._adding.submit(self._add)

    @staticmethod
    def _add() -> str:
        vhost = f"ceremony-test-{uuid.uuid4().hex[:12]}"
        rabbitmqctl("add_vhost", vhost)
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        return vhost

    @staticmethod
    def _delete(vhost: str) -> None:
        try:
            rabbitmqctl("delete_vhost", vhost)
        except RuntimeError:
            # A broker restarted by a test mid-call may have deleted it before failing the call.
            if vhost in rabbitmqctl("list_vhosts", "name", "--no-table-headers", "-q").split():
                raise

    def take(self) -> str:
        """A new vhost that guest may use; the next one is made meanwhile."""
        try:
            vhost = self._next.result()
        except RuntimeError:
            # Made while a test had the broker down (a restart test): make one now.
            vhost = self._add()
        self._next = self._adding.submit(self._add)
        return vhost

    def delete(self, vhost: str) -> None:
        """Delete ``vhost`` once the deletions asked for before are done."""
        self._deleted.append(self._deleting.submit(self._delete, vhost))

    def close(self) -> None:
        """Delete the one made ahead, wait for every deletion, and raise the first failure."""
        with suppress(RuntimeError):  # one that was never made needs no deleting
            self.delete(self._next.result())
        self._adding.shutdown(wait=True)
        self._deleting.shutdown(wait=True)
        for deleted in self._deleted:
            deleted.result()


@pytest.fixture(scope="session")
def vhosts() -> Iterator[Vhosts]:
    vhosts = Vhosts()
    yield vhosts
    vhosts.close()


@pytest.fixture
def amqp_url(request) -> Iterator[str]:
    """A fresh vhost on the local RabbitMQ, deleted after the test."""
    if not reachable(RABBIT_HOST, RABBIT_PORT):
        service_missing(f"RabbitMQ on {RABBIT_HOST}:{RABBIT_PORT}")
    vhosts = request.getfixturevalue("vhosts")
    vhost = vhosts.take()
    yield f"amqp://guest:guest@{RABBIT_HOST}:{RABBIT_PORT}/{vhost}"
    vhosts.delete(vhost)


@pytest.fixture
def smtp_server() -> Iterator[SmtpTestServer]:
    """A running SMTP server on 127.0.0.1 that records what it accepts."""
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def badges() -> Iterator[FakeBadges]:
    """A stand-in for the badges service's HTTP API, serving the badges a test adds to it."""
    server = FakeBadges(SECRET)
    server.start()
    yield server
    server.stop()
