"""Real PostgreSQL (throwaway databases per run); the RabbitMQ vhost (``amqp_url``) and the
SMTP and badge servers come from ``tests/conftest.py``.

Under ``CI=true`` a missing service fails the run; elsewhere these tests are skipped with the
reason, so that the unit tests still run on a machine without the services.
"""

from __future__ import annotations

import os
import uuid

import psycopg
import pytest

from tests.conftest import reachable, service_missing

PG_DSN = os.environ.get("CEREMONY_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432/postgres")


@pytest.fixture(scope="session")
def postgres_databases():
    """A factory of throwaway PostgreSQL databases, all dropped at the end of the run."""
    if not reachable("127.0.0.1", 5432):
        service_missing("PostgreSQL on 127.0.0.1:5432")
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
