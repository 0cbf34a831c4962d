"""The notifications service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from shared.config import Settings, resolve_settings
from shared.web import init_service_app


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the notifications app; ``config``: settings, or overrides of the environment's."""
    settings = resolve_settings("notifications", config)
    app = Flask(__name__)
    init_service_app(app, settings, title="Ceremony notifications", version="1")
    return app
