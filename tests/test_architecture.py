"""The shape of the code: services apart, layers inside each, no cycles, migrations in step."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import grimp
import pytest
from alembic import command

from shared.cli import services
from shared.migrations import alembic_config, upgrade

ROOT = Path(__file__).resolve().parents[1]
SERVICES = ["registration", "badges", "notifications"]


def test_services_never_import_one_another():
    lint = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    assert lint, "import-linter is not installed"
    result = subprocess.run([lint], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    # Two contracts keep the services and shared apart; one per service keeps its layers.
    assert "Contracts: 5 kept, 0 broken" in result.stdout


def import_cycle(graph: grimp.ImportGraph, package: str) -> list[str] | None:
    """A chain of imports inside ``package`` that comes back to where it started, if any."""
    inside = {m for m in graph.modules if m == package or m.startswith(package + ".")}
    state: dict[str, str] = {}  # "open" while on the current path, "done" once explored
    for start in sorted(inside):
        if start in state:
            continue
        path = [start]
        pending = [iter(sorted(graph.find_modules_directly_imported_by(start) & inside))]
        state[start] = "open"
        while pending:
            following = next(pending[-1], None)
            if following is None:
                state[path.pop()] = "done"
                pending.pop()
            elif state.get(following) == "open":
                return [*path[path.index(following) :], following]
            elif following not in state:
                state[following] = "open"
                path.append(following)
                imported = graph.find_modules_directly_imported_by(following) & inside
                pending.append(iter(sorted(imported)))
    return None


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("services", "shared")


@pytest.mark.parametrize("name", SERVICES)
def test_no_module_of_a_service_imports_itself_back(graph, name):
    assert import_cycle(graph, f"services.{name}") is None


def test_shared_has_no_import_cycle(graph):
    assert import_cycle(graph, "shared") is None


def test_the_cycle_check_finds_a_cycle():
    graph = grimp.ImportGraph()
    for module in ("pkg", "pkg.app", "pkg.views", "pkg.rules"):
        graph.add_module(module)
    graph.add_import(importer="pkg.app", imported="pkg.views")
    graph.add_import(importer="pkg.views", imported="pkg.rules")
    assert import_cycle(graph, "pkg") is None
    graph.add_import(importer="pkg.rules", imported="pkg.app")
    assert import_cycle(graph, "pkg") == ["pkg.app", "pkg.views", "pkg.rules", "pkg.app"]


@pytest.mark.parametrize("name", SERVICES)
def test_migrations_create_exactly_the_models(name, tmp_path):
    service = services()[name]
    url = f"sqlite:///{tmp_path / 'check.db'}"
    upgrade(service, url)
    command.check(alembic_config(service, url))  # raises if the models differ from the tables


def test_every_service_is_installed_as_an_entry_point():
    assert set(services()) == set(SERVICES)
