"""The shape of the code: services apart, migrations in step with the models."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from alembic import command

from shared.cli import services
from shared.migrations import alembic_config, upgrade

ROOT = Path(__file__).resolve().parents[1]


def test_services_never_import_one_another():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is not installed"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken" in result.stdout


@pytest.mark.parametrize("name", ["registration", "badges", "notifications"])
def test_migrations_create_exactly_the_models(name, tmp_path):
    service = services()[name]
    url = f"sqlite:///{tmp_path / 'check.db'}"
    upgrade(service, url)
    command.check(alembic_config(service, url))  # raises if the models differ from the tables


def test_every_service_is_installed_as_an_entry_point():
    assert set(services()) == {"registration", "badges", "notifications"}
