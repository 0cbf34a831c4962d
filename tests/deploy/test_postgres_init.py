"""deploy/postgres/init.sql, run as the postgres image runs it, in a private PostgreSQL.

The script creates roles and databases with fixed names, so it runs in a throwaway cluster
(initdb on a temporary folder and a free port) rather than in the shared test server.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from types import SimpleNamespace

import psycopg
import pytest

from shared.cli import main as ceremony
from shared.config import PORTS
from tests.conftest import service_missing
from tests.deploy.contract import DEPLOY

pytestmark = pytest.mark.integration

INIT_SQL = DEPLOY / "postgres" / "init.sql"
PASSWORDS = {name: f"{name}0pass{index}" for index, name in enumerate(PORTS)}


def server_program(name: str) -> str | None:
    """The newest installed PostgreSQL server program ``name`` (initdb, pg_ctl)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    return found[-1] if found else shutil.which(name)


def _version(path: str) -> int:
    return int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def postgres():
    """A private PostgreSQL with init.sql run in it by psql, as the image's entrypoint does."""
    initdb, pg_ctl = server_program("initdb"), server_program("pg_ctl")
    if not (initdb and pg_ctl and shutil.which("psql")):
        service_missing("the PostgreSQL server programs (initdb, pg_ctl) and psql")
    folder = Path(tempfile.mkdtemp(prefix="ceremony-pg-"))
    # The server refuses to run as root.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", _free_port()
    run = SimpleNamespace(folder=folder, port=port)
    try:
        subprocess.run(
            [*as_owner, initdb, "-D", str(data), "-U", "postgres", "--auth-local=trust",
             "--auth-host=scram-sha-256"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        subprocess.run(
            [*as_owner, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"),
             "-w", "start"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        run.init = subprocess.run(
            ["psql", "-v", "ON_ERROR_STOP=1", "--no-psqlrc", "--no-password", "-h", str(folder),
             "-p", str(port), "-U", "postgres", "-d", "postgres", "-f", str(INIT_SQL)],
            env=os.environ | {f"{name.upper()}_DB_PASSWORD": pw for name, pw in PASSWORDS.items()},
            capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        yield run
    finally:
        subprocess.run(
            [*as_owner, pg_ctl, "-D", str(data), "-m", "fast", "stop"],
            capture_output=True, timeout=120,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


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
