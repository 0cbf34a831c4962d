"""The routes of the three web apps, as the apps list them, with a sample path for each.

A route is public when people or devices use it: the guest pages, the door page and the API.
The others (health, readiness, metrics, the browsable API docs) stay on the compose network or
inside the cluster, where probes, Prometheus and operators reach the pods directly.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
from dataclasses import dataclass
from functools import cache
from importlib import import_module
from pathlib import Path

from shared.cli import services
from tests.conftest import make_settings

#: Endpoints that only the network inside reaches. ``static`` is Flask's default folder, which
#: no service has (a test holds that); the docs of the three services share their paths.
INTERNAL_ENDPOINTS = frozenset(
    {
        "healthz",
        "readyz",
        "metrics",
        "api-docs.openapi_json",
        "api-docs.openapi_swagger_ui",
        "docs_assets",
        "static",
    }
)

#: A value for each kind of URL variable, so that a route becomes a path a client would send.
_SAMPLES = {
    "uuid": "0b5c8f0e-3a7d-4c55-9a5e-2f1d7c9e6b41",
    "path": "scripts/door.js",
    "default": "Kx9_capability-Token",
}
_VARIABLE = re.compile(r"<(?:(?P<converter>\w+)(?:\([^)]*\))?:)?(?P<name>\w+)>")


@dataclass(frozen=True)
class Route:
    """One rule of a service's app."""

    service: str
    rule: str
    endpoint: str

    @property
    def public(self) -> bool:
        return self.endpoint not in INTERNAL_ENDPOINTS

    @property
    def sample(self) -> str:
        """The rule with each variable filled in, e.g. /manage/Kx9_capability-Token."""
        return _VARIABLE.sub(
            lambda m: _SAMPLES.get(m["converter"] or "default", _SAMPLES["default"]), self.rule
        )


@cache
def apps() -> dict:
    """Service name → its Flask app, built by its factory with test settings."""
    # Kept until the tests end: an app may open its SQLite file there.
    var_dir = Path(tempfile.mkdtemp(prefix="ceremony-routes-"))
    atexit.register(shutil.rmtree, var_dir, ignore_errors=True)
    built = {}
    for name, service in services().items():
        module, _, factory = service.app_factory.partition(":")
        settings = make_settings(name, var_dir / name)
        built[name] = getattr(import_module(module), factory)(settings)
    return built


def routes() -> list[Route]:
    """Every rule of every app."""
    return [
        Route(name, rule.rule, rule.endpoint)
        for name, app in apps().items()
        for rule in app.url_map.iter_rules()
    ]
