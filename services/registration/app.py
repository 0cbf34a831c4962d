"""The registration service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from shared.config import Settings, resolve_settings
from shared.console import install_console
from shared.links import GuestLinks
from shared.rate_limits import install_rate_limits
from shared.web import init_service_app

from . import console
from .links import install_links
from .service import SERVICE
from .web import (
    account_pages,
    apikeys,
    audit,
    auth,
    ceremonies,
    confirm,
    devices,
    enrol_pages,
    graduation,
    invitations,
    pages,
    registrations,
    requests,
    rsvp,
    sso,
    team,
    venue,
)

#: Blueprints of the API, and of pages; each module names its public endpoints.
API_MODULES = (
    ceremonies,
    registrations,
    invitations,
    requests,
    auth,
    team,
    devices,
    apikeys,
    audit,
    venue,
    graduation,
)
PAGE_MODULES = (pages, rsvp, confirm, account_pages, sso, enrol_pages)

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
    for module in API_MODULES:
        api.register_blueprint(module.blp)
    for module in PAGE_MODULES:
        app.register_blueprint(module.bp)
    public = dict(PUBLIC_ENDPOINTS)
    for module in (*API_MODULES, *PAGE_MODULES):
        public.update(getattr(module, "PUBLIC_ENDPOINTS", {}))
    install_console(app, settings)
    for module in console.MODULES:
        app.register_blueprint(module.bp)
    install_rate_limits(app, settings, public)
    return app
