"""Real RabbitMQ (a throwaway vhost per test) and real PostgreSQL (throwaway databases per run).

Under ``CI=true`` a missing service fails the run; elsewhere these tests are skipped with the
reason, so that the unit tests still run on a machine without the services.
"""

from __future__ import annotations

import os
import socket
import subprocess
import uuid

import psycopg
import pytest

from tests.conftest import SECRET
from tests.notifications.fake_badges import FakeBadges
from tests.notifications.smtp_server import SmtpTestServer

RABBIT_HOST, RABBIT_PORT = "127.0.0.1", 5672
PG_DSN = os.environ.get("CEREMONY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


def _reachable(host: str, port: int) -> bool:
    try:
        with socket.create_connection((host, port), timeout=2):
            return True
    except OSError:
        return False


def _missing(what: str) -> None:
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
def amqp_url():
    """A fresh vhost on the local RabbitMQ, deleted after the test."""
    if not _reachable(RABBIT_HOST, RABBIT_PORT):
        _missing("RabbitMQ on 127.0.0.1:5672")
    vhost = f"ceremony-test-{uuid.uuid4().hex[:12]}"
    rabbitmqctl("add_vhost", vhost)
    rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
    yield f"amqp://guest:guest@{RABBIT_HOST}:{RABBIT_PORT}/{vhost}"
    rabbitmqctl("delete_vhost", vhost)


@pytest.fixture(scope="session")
def postgres_databases():
    """A factory of throwaway PostgreSQL databases, all dropped at the end of the run."""
    if not _reachable("127.0.0.1", 5432):
        _missing("PostgreSQL on 127.0.0.1:5432")
    run = uuid.uuid4().hex[:8]
    created: list[str] = []

    def create(name: str) -> str:
        database = f"ceremony_test_{run}_{name}"
        with psycopg.connect(PG_DSN, autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{database}"')
        created.append(database)
        return PG_DSN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://") + (
            f"/{database}"
        )

    yield create
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        for database in created:
            connection.execute(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


@pytest.fixture
def smtp_server():
    """A running SMTP server on 127.0.0.1 that records what it accepts."""
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def badges():
    """A stand-in for the badges service's HTTP API, serving the badges a test adds to it."""
    server = FakeBadges(SECRET)
    server.start()
    yield server
    server.stop()
