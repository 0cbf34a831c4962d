"""The registration service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from shared.config import Settings, resolve_settings
from shared.web import init_service_app, service_context

from .links import Links


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the registration app; ``config``: settings, or overrides of the environment's."""
    settings = resolve_settings("registration", config)
    app = Flask(__name__)
    api = init_service_app(app, settings, title="Ceremony registration", version="1")
    context = service_context_of(app)
    app.extensions["registration.links"] = Links(
        signer=context.signer,
        public_url=settings.public_url,
        ttl_seconds=settings.capability_ttl_days * 86400,
    )

    from .web import ceremonies as api_ceremonies
    from .web import invitations as api_invitations
    from .web import pages, rsvp
    from .web import registrations as api_registrations

    api.register_blueprint(api_ceremonies.blp)
    api.register_blueprint(api_registrations.blp)
    api.register_blueprint(api_invitations.blp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(rsvp.bp)
    return app


def service_context_of(app: Flask):
    """The shared context of ``app`` (outside a request)."""
    with app.app_context():
        return service_context()


def links() -> Links:
    """The guest links of the running app."""
    from flask import current_app

    return current_app.extensions["registration.links"]
