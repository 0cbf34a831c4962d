"""The registration service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from shared.config import Settings, resolve_settings
from shared.links import GuestLinks
from shared.rate_limits import install_rate_limits
from shared.web import init_service_app

from .links import install_links
from .service import SERVICE
from .web import ceremonies, confirm, invitations, pages, registrations, requests, rsvp

#: What anyone may reach without signing in, and so what is rate-limited, by method.
PUBLIC_ENDPOINTS = {
    "ceremonies.Ceremonies": ("GET",),
    "ceremonies.CeremonyById": ("GET",),
    "registrations.CeremonyRegistrations": ("POST",),
    "registrations.RegistrationById": ("GET",),
    "registrations.RegistrationCancel": ("POST",),
    "pages.index": ("GET",),
    "pages.register_page": ("GET", "POST"),
    "pages.manage_page": ("GET",),
    "pages.data_download": ("GET",),
    "pages.cancel_page": ("POST",),
    "rsvp.rsvp_page": ("GET",),
    "rsvp.rsvp_answer": ("POST",),
    "confirm.confirm_page": ("GET",),
    "confirm.confirm_answer": ("POST",),
}


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the registration app; ``config``: settings, or overrides of the environment's."""
    settings = resolve_settings("registration", config)
    app = Flask(__name__)
    api = init_service_app(app, settings, SERVICE, title="Ceremony registration", version="1")
    install_links(
        app,
        GuestLinks(
            signer=app.extensions["ceremony"].signer,
            public_url=settings.public_url,
            ttl_seconds=settings.capability_ttl_days * 86400,
        ),
    )
    api.register_blueprint(ceremonies.blp)
    api.register_blueprint(registrations.blp)
    api.register_blueprint(invitations.blp)
    api.register_blueprint(requests.blp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(rsvp.bp)
    app.register_blueprint(confirm.bp)
    install_rate_limits(app, settings, PUBLIC_ENDPOINTS)
    return app
