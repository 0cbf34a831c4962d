"""What the code offers that deployment files may name: commands, variables, ports, files.

Every answer comes from the code itself (the ``ceremony`` parser, the services' descriptors,
``shared.config.load_settings``, gunicorn's own parser, ``deploy/gunicorn.conf.py``), so a
deployment file that names something the code does not have fails the tests.
"""

from __future__ import annotations

import json
import os
import re
import runpy
import shlex
from contextlib import redirect_stderr
from functools import cache
from importlib import import_module
from io import StringIO
from pathlib import Path
from unittest import mock

import yaml
from gunicorn.config import Config as GunicornConfig

from shared.cli import build_parser, services
from shared.config import PORTS, ConfigurationError, load_settings

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
GUNICORN_CONF = DEPLOY / "gunicorn.conf.py"
DEFINITIONS = DEPLOY / "rabbitmq" / "definitions.json"
#: Where the Dockerfile puts the repository's files that commands name (its WORKDIR).
IMAGE_WORKDIR = "/app"

#: A value no default of shared.config or gunicorn.conf.py has.
_PROBE = "7"


def load_yaml_documents(path: Path) -> list[dict]:
    """Every document of a YAML file, empty ones left out."""
    with path.open(encoding="utf-8") as handle:
        return [doc for doc in yaml.safe_load_all(handle) if doc]


def definitions() -> dict:
    """deploy/rabbitmq/definitions.json."""
    return json.loads(DEFINITIONS.read_text(encoding="utf-8"))


def app_factories() -> dict[str, str]:
    """Service name → the gunicorn app expression of its factory, e.g. ``m:create_app()``."""
    return {name: f"{service.app_factory}()" for name, service in services().items()}


@cache
def _settings(service: str, name: str | None) -> object:
    """The settings read with ``name`` set to the probe, or the refusal naming it."""
    environ = {name: _PROBE} if name else {}
    try:
        return load_settings(service, environ)
    except ConfigurationError as exc:
        if name and name in str(exc):
            return str(exc)
        raise


def read_by_settings(name: str) -> bool:
    """Whether shared.config reads the variable ``name`` for some service.

    It does when the probe changes the settings, or is refused by a check that names it.
    """
    return any(_settings(service, name) != _settings(service, None) for service in PORTS)


def gunicorn_settings(environ: dict[str, str]) -> dict[str, object]:
    """The public names deploy/gunicorn.conf.py defines when run with ``environ``."""
    with mock.patch.dict(os.environ, environ, clear=True):
        namespace = runpy.run_path(str(GUNICORN_CONF))
    return {key: value for key, value in namespace.items() if not key.startswith("_")}


def read_by_gunicorn_conf(name: str) -> bool:
    """Whether deploy/gunicorn.conf.py reads the variable ``name``."""
    plain = gunicorn_settings({})
    probed = gunicorn_settings({name: _PROBE})
    return any(probed[key] != plain[key] for key in plain if not callable(plain[key]))


def known_variable(name: str) -> bool:
    """Whether the suite's code or its gunicorn settings read the variable ``name``."""
    return read_by_settings(name) or read_by_gunicorn_conf(name)


def required_variables(service: str, role: str) -> set[str]:
    """The variables a process needs: ``role`` is "web" or "worker"."""
    needed = {
        "CEREMONY_SECRET_KEY",
        "CEREMONY_BROKER_URL",
        f"CEREMONY_{service.upper()}_DATABASE_URL",
    }
    needed |= {f"CEREMONY_PUBLIC_URL_{name.upper()}" for name in PORTS}
    if service == "notifications":
        needed.add("CEREMONY_SMTP_URL")
    if role == "web":
        needed.add("PORT")
    return needed


def migration_variables() -> set[str]:
    """What ``ceremony db upgrade`` needs: every service's database."""
    return {f"CEREMONY_{name.upper()}_DATABASE_URL" for name in PORTS}


def split_command(command: str | list[str]) -> list[str]:
    """A command as argv: lists as they are, strings split like a shell would."""
    return list(command) if isinstance(command, list) else shlex.split(command)


def command_problem(argv: list[str]) -> str | None:
    """Why ``argv`` is not a command of the suite, or None when it is one.

    Accepted: ``ceremony …`` as the CLI parses it, and ``gunicorn -c deploy/gunicorn.conf.py
    APP`` where APP is a service's app factory.
    """
    program, args = argv[0], argv[1:]
    if program == "ceremony":
        with redirect_stderr(StringIO()) as errors:
            try:
                build_parser().parse_args(args)
            except SystemExit:
                return f"`ceremony {' '.join(args)}`: {_last_line(errors)}"
        return None
    if program == "gunicorn":
        return _gunicorn_problem(args)
    return f"{program!r} is neither `ceremony` nor `gunicorn`"


def _gunicorn_problem(args: list[str]) -> str | None:
    with redirect_stderr(StringIO()) as errors:
        try:
            parsed = GunicornConfig().parser().parse_args(args)
        except SystemExit:
            return f"gunicorn refuses {args}: {_last_line(errors)}"
    config = (parsed.config or "").removeprefix(IMAGE_WORKDIR + "/")
    if (REPO / config).resolve() != GUNICORN_CONF:
        return f"gunicorn should use deploy/gunicorn.conf.py, not {parsed.config!r}"
    if len(parsed.args) != 1 or parsed.args[0] not in app_factories().values():
        return f"gunicorn serves {parsed.args}, not one of {sorted(app_factories().values())}"
    module, _, call = parsed.args[0].partition(":")
    if not callable(getattr(import_module(module), call.removesuffix("()"), None)):
        return f"{parsed.args[0]} names no callable factory"
    return None


def _last_line(stream: StringIO) -> str:
    lines = stream.getvalue().strip().splitlines()
    return lines[-1] if lines else ""


def served_service(argv: list[str]) -> str | None:
    """The service whose web app ``argv`` serves (a gunicorn command), if any."""
    if argv[0] != "gunicorn":
        return None
    factories = {expression: name for name, expression in app_factories().items()}
    return next((factories[arg] for arg in argv if arg in factories), None)


def worker_service(argv: list[str]) -> str | None:
    """The service whose worker ``argv`` runs (``ceremony worker NAME``), if any."""
    if argv[:2] == ["ceremony", "worker"] and len(argv) == 3:
        return argv[2]
    return None


_REFERENCE = re.compile(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")


def referenced_variables(value: str) -> list[str]:
    """Names a Kubernetes env value refers to with ``$(NAME)``."""
    return _REFERENCE.findall(value)
