"""The pg_hba of the Kubernetes PostgreSQL (postgres.yaml), enforced by a real PostgreSQL.

All three databases live in one CloudNativePG cluster, so the network policies cannot keep
badges from notifications' database: these lines must. They run here as CloudNativePG writes
them (local connections first, then these, then its "host all all all scram-sha-256"), with
the roles and databases made as its managed roles and Database resources make them, where
every role may connect to every database unless pg_hba says otherwise.
"""

from __future__ import annotations

import psycopg
import pytest

from shared.config import PORTS
from tests.deploy.manifests import BASE, build, find
from tests.deploy.private_postgres import private_postgres, psql

pytestmark = pytest.mark.integration

PASSWORDS = {name: f"{name}0hba{index}" for index, name in enumerate(PORTS)}


@pytest.fixture(scope="module")
def postgres():
    cluster = find(build(BASE), "Cluster")[0]["spec"]
    hba = ["local all all trust", *cluster["postgresql"]["pg_hba"]]
    hba.append("host all all all scram-sha-256")
    with private_postgres(hba) as run:
        for name, password in PASSWORDS.items():
            made = psql(
                run,
                "-c",
                f"CREATE ROLE {name} LOGIN PASSWORD '{password}'",
                "-c",
                f"CREATE DATABASE {name} OWNER {name}",
            )
            assert made.returncode == 0, made.stderr
        yield run


def opens(postgres, role: str, database: str) -> bool:
    url = f"postgresql://{role}:{PASSWORDS[role]}@127.0.0.1:{postgres.port}/{database}"
    try:
        with psycopg.connect(url, connect_timeout=10) as connection:
            connection.execute("SELECT 1")
    except psycopg.OperationalError as exc:
        assert "rejects connection" in str(exc), exc
        return False
    return True


def test_each_service_opens_its_own_database_and_no_other(postgres):
    found = {(role, db): opens(postgres, role, db) for role in PORTS for db in [*PORTS, "postgres"]}
    assert found == {(role, db): role == db for role, db in found}
