"""deploy/Procfile: honcho reads it, and each line runs a process of the suite."""

from __future__ import annotations

import shlex

from honcho.environ import parse_procfile

from shared.config import PORTS
from tests.deploy.contract import (
    DEPLOY,
    command_problem,
    known_variable,
    served_service,
    worker_service,
)


def processes() -> dict[str, tuple[dict[str, str], list[str]]]:
    """Process name → (the variables its line sets, its command after `exec`)."""
    parsed = parse_procfile((DEPLOY / "Procfile").read_text(encoding="utf-8")).processes
    result = {}
    for name, line in parsed.items():
        words = shlex.split(line)
        assignments = {}
        while "=" in words[0]:
            key, _, value = words.pop(0).partition("=")
            assignments[key] = value
        result[name] = (assignments, words[1:] if words[0] == "exec" else words)
    return result


def test_there_is_a_web_and_a_worker_process_per_service():
    assert set(processes()) == {f"{name}-{role}" for name in PORTS for role in ("web", "worker")}


def test_every_process_runs_a_command_of_the_suite():
    problems = {name: command_problem(argv) for name, (_, argv) in processes().items()}
    assert {name: problem for name, problem in problems.items() if problem} == {}


def test_each_process_runs_its_own_service():
    ran = {
        name: served_service(argv) or worker_service(argv)
        for name, (_, argv) in processes().items()
    }
    assert ran == {name: name.rsplit("-", 1)[0] for name in processes()}


def test_web_processes_listen_on_the_suite_ports():
    ports = {
        served_service(argv): int(assignments["PORT"])
        for assignments, argv in processes().values()
        if served_service(argv)
    }
    assert ports == PORTS


def test_lines_set_only_variables_the_code_reads():
    names = {key for assignments, _ in processes().values() for key in assignments}
    assert {name for name in names if not known_variable(name)} == set()
