"""The badges service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from shared.config import Settings, resolve_settings
from shared.web import init_service_app

from .signing.keys import KeyRing


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the badges app; ``config``: settings, or overrides of the environment's."""
    settings = resolve_settings("badges", config)
    app = Flask(__name__)
    api = init_service_app(app, settings, title="Ceremony badges", version="1")
    # One key ring per process: the door verifies with public keys kept in memory.
    app.extensions["badges.keys"] = KeyRing(settings.require_secret())

    from .door import page as door
    from .web import attendance as api_attendance
    from .web import badges as api_badges
    from .web import checkins as api_checkins
    from .web import door as api_door

    api.register_blueprint(api_badges.blp)
    api.register_blueprint(api_checkins.blp)
    api.register_blueprint(api_attendance.blp)
    api.register_blueprint(api_door.blp)
    app.register_blueprint(door.bp)
    return app


def key_ring() -> KeyRing:
    """The running app's key ring."""
    return current_app.extensions["badges.keys"]
