"""deploy/postgres/init.sql, run as the postgres image runs it, in a private PostgreSQL.

The script creates roles and databases with fixed names, so it runs in a throwaway cluster
(initdb on a temporary folder and a free port) rather than in the shared test server.
"""

from __future__ import annotations

import psycopg
import pytest

from shared.cli import main as ceremony
from shared.config import PORTS
from tests.deploy.contract import DEPLOY
from tests.deploy.private_postgres import private_postgres, psql

pytestmark = pytest.mark.integration

INIT_SQL = DEPLOY / "postgres" / "init.sql"
PASSWORDS = {name: f"{name}0pass{index}" for index, name in enumerate(PORTS)}


@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL with init.sql run in it by psql, as the image's entrypoint does."""
    with private_postgres() as run:
        run.init = psql(
            run,
            "-f",
            str(INIT_SQL),
            env={f"{name.upper()}_DB_PASSWORD": pw for name, pw in PASSWORDS.items()},
        )
        yield run


def url(postgres, role: str, database: str) -> str:
    return f"postgresql://{role}:{PASSWORDS[role]}@127.0.0.1:{postgres.port}/{database}"


def test_init_sql_runs_to_the_end(postgres):
    assert postgres.init.returncode == 0, postgres.init.stderr


def test_each_service_logs_in_to_its_own_database_with_its_password(postgres):
    found = {}
    for name in PORTS:
        with psycopg.connect(url(postgres, name, name)) as connection:
            found[name] = connection.execute("SELECT current_user, current_database()").fetchone()
    assert found == {name: (name, name) for name in PORTS}


def test_a_service_cannot_connect_to_another_services_database(postgres):
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(url(postgres, "badges", "registration"))


def test_ceremony_db_upgrade_migrates_each_database_as_its_own_role(postgres, monkeypatch):
    for name in PORTS:
        database_url = url(postgres, name, name).replace("postgresql://", "postgresql+psycopg://")
        monkeypatch.setenv(f"CEREMONY_{name.upper()}_DATABASE_URL", database_url)
    assert ceremony(["db", "upgrade"]) == 0
