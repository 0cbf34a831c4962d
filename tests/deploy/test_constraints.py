"""deploy/constraints.txt: the versions the image installs, one per run-time dependency."""

from __future__ import annotations

import tomllib

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from deploy.freeze_constraints import constraints_text
from tests.deploy.contract import DEPLOY, REPO

CONSTRAINTS = DEPLOY / "constraints.txt"


def pinned() -> dict[str, str]:
    """Name → version of each ``name==version`` line of the constraints file."""
    lines = CONSTRAINTS.read_text(encoding="utf-8").splitlines()
    pins = [line.split("==") for line in lines if line.strip() and not line.startswith("#")]
    return {canonicalize_name(name): version for name, version in pins}


def runtime_requirements() -> list[Requirement]:
    """The ``[project] dependencies`` of pyproject.toml."""
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return [Requirement(line) for line in project["dependencies"]]


def test_every_line_pins_one_exact_version():
    lines = CONSTRAINTS.read_text(encoding="utf-8").splitlines()
    pins = [line for line in lines if line.strip() and not line.startswith("#")]

    assert [line for line in pins if line.count("==") != 1 or ";" in line] == []
    assert len(pinned()) == len(pins)


def test_every_runtime_dependency_is_pinned():
    names = {canonicalize_name(requirement.name) for requirement in runtime_requirements()}

    assert sorted(names - set(pinned())) == []


def test_the_pinned_versions_are_ones_pyproject_allows():
    pins = pinned()
    refused = [
        f"{requirement} != {pins[canonicalize_name(requirement.name)]}"
        for requirement in runtime_requirements()
        if canonicalize_name(requirement.name) in pins
        and not requirement.specifier.contains(pins[canonicalize_name(requirement.name)])
    ]

    assert refused == []


def test_the_suite_itself_is_not_pinned():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]

    assert canonicalize_name(project["name"]) not in pinned()


def test_the_generator_writes_sorted_pins_under_a_header():
    text = constraints_text({"zlib-tool": "2.0", "alembic": "1.20.1"})

    assert text.splitlines()[-2:] == ["alembic==1.20.1", "zlib-tool==2.0"]
    assert all(line.startswith("# ") for line in text.splitlines()[:-2])
