"""A private PostgreSQL for one test module: initdb in a temporary folder, on a free port.

Scripts and settings that create roles and databases with fixed names, or replace pg_hba.conf,
run there rather than in the shared test server.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import SimpleNamespace

from tests.conftest import service_missing
from tests.ports import free_port


def server_program(name: str) -> str | None:
    """The newest installed PostgreSQL server program ``name`` (initdb, pg_ctl)."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"), key=_version)
    return found[-1] if found else shutil.which(name)


def _version(path: str) -> int:
    return int(Path(path).parts[-3]) if Path(path).parts[-3].isdigit() else 0


@contextmanager
def private_postgres(hba: list[str] | None = None) -> Iterator[SimpleNamespace]:
    """A running cluster: ``folder`` (its socket), ``port``; ``hba`` replaces pg_hba.conf."""
    initdb, pg_ctl = server_program("initdb"), server_program("pg_ctl")
    if not (initdb and pg_ctl and shutil.which("psql")):
        service_missing("the PostgreSQL server programs (initdb, pg_ctl) and psql")
    folder = Path(tempfile.mkdtemp(prefix="ceremony-pg-"))
    # The server refuses to run as root.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(folder, "postgres")
    data, port = folder / "data", free_port()
    try:
        subprocess.run(
            [*as_owner, initdb, "-D", str(data), "-U", "postgres", "--auth-local=trust",
             "--auth-host=scram-sha-256"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        if hba is not None:
            (data / "pg_hba.conf").write_text("".join(f"{line}\n" for line in hba))
        options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1"
        subprocess.run(
            [*as_owner, pg_ctl, "-D", str(data), "-o", options, "-l", str(folder / "log"),
             "-w", "start"],
            check=True, capture_output=True, timeout=120,
        )  # fmt: skip
        yield SimpleNamespace(folder=folder, port=port)
    finally:
        subprocess.run(
            [*as_owner, pg_ctl, "-D", str(data), "-m", "fast", "stop"],
            capture_output=True, timeout=120,
        )  # fmt: skip
        shutil.rmtree(folder, ignore_errors=True)


def psql(cluster: SimpleNamespace, *args: str, env: dict | None = None):
    """psql as the superuser over the cluster's socket, stopping at the first error."""
    return subprocess.run(
        ["psql", "-v", "ON_ERROR_STOP=1", "--no-psqlrc", "--no-password", "-h", str(cluster.folder),
         "-p", str(cluster.port), "-U", "postgres", "-d", "postgres", *args],
        env=os.environ | (env or {}), capture_output=True, text=True, timeout=120,
    )  # fmt: skip
