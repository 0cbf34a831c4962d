"""Fixtures every test layer shares: settings, migrated databases, tokens, the test SMTP and
badge servers, and a throwaway RabbitMQ vhost."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import uuid
from collections.abc import Callable, Iterator
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
    """Apply the service's migrations to its database and return the settings."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(service, settings.database_url)
    return settings


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


@pytest.fixture
def amqp_url() -> Iterator[str]:
    """A fresh vhost on the local RabbitMQ, deleted after the test."""
    if not reachable(RABBIT_HOST, RABBIT_PORT):
        service_missing(f"RabbitMQ on {RABBIT_HOST}:{RABBIT_PORT}")
    vhost = f"ceremony-test-{uuid.uuid4().hex[:12]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@{RABBIT_HOST}:{RABBIT_PORT}/{vhost}"
    rabbitmqctl("delete_vhost", vhost)


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
