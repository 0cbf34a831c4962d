"""The notifications service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask, current_app

from shared.config import Settings, resolve_settings
from shared.web import init_service_app

from .compose.identity import MailIdentity


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the notifications app; ``config``: settings, or overrides of the environment's."""
    settings = resolve_settings("notifications", config)
    app = Flask(__name__)
    api = init_service_app(app, settings, title="Ceremony notifications", version="1")
    app.extensions["notifications.identity"] = MailIdentity.from_setting(settings.mail_from)

    from .web import announcements as api_announcements
    from .web import deliveries as api_deliveries
    from .web import templates as api_templates

    api.register_blueprint(api_deliveries.blp)
    api.register_blueprint(api_templates.blp)
    api.register_blueprint(api_announcements.blp)
    return app


def identity() -> MailIdentity:
    """Who the running app's emails come from."""
    return current_app.extensions["notifications.identity"]
