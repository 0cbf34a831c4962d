"""The notifications service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from shared.config import Settings, resolve_settings
from shared.console import install_console
from shared.web import init_service_app

from . import console
from .compose.identity import MailIdentity, install_identity
from .service import SERVICE
from .web import announcements, audit, deliveries, templates


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the notifications app; ``config``: settings, or overrides of the environment's."""
    settings = resolve_settings("notifications", config)
    app = Flask(__name__)
    api = init_service_app(app, settings, SERVICE, title="Ceremony notifications", version="1")
    install_identity(app, MailIdentity.from_setting(settings.mail_from))
    api.register_blueprint(deliveries.blp)
    api.register_blueprint(templates.blp)
    api.register_blueprint(announcements.blp)
    api.register_blueprint(audit.blp)
    install_console(app, settings)
    for module in console.MODULES:
        app.register_blueprint(module.bp)
    return app
