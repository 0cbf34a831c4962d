"""The badges service's app factory."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Flask

from shared.config import Settings, resolve_settings
from shared.console import install_console
from shared.rate_limits import install_rate_limits
from shared.web import init_service_app

from . import console
from .door import page
from .service import SERVICE
from .signing.keys import install_key_ring
from .web import attendance, audit, badges, certificates, checkins, door, verify_page

#: What anyone may try without a valid token (a guest's link, the door's sign-in), by method.
PUBLIC_ENDPOINTS = {
    "door_api.DoorSession": ("GET",),
    "badges.RegistrationBadge": ("GET",),
    "badges.RegistrationBadgePng": ("GET",),
    "badges.RegistrationBadgePdf": ("GET",),
    "door.page": ("GET",),
    "verify_page.page": ("GET",),
    "certificates.Certificate": ("GET",),
    "certificates.CertificatePdf": ("GET",),
    "certificates.RegistrationCertificatePdf": ("GET",),
    "certificates.CertificateVerification": ("GET",),
    "certificates.CertificateKeys": ("GET",),
}


def create_app(config: Settings | Mapping[str, Any] | None = None) -> Flask:
    """Build the badges app; ``config``: settings, or overrides of the environment's."""
    settings = resolve_settings("badges", config)
    app = Flask(__name__)
    api = init_service_app(app, settings, SERVICE, title="Ceremony badges", version="1")
    install_key_ring(app, settings.secret_keys())
    api.register_blueprint(badges.blp)
    api.register_blueprint(checkins.blp)
    api.register_blueprint(attendance.blp)
    api.register_blueprint(door.blp)
    api.register_blueprint(audit.blp)
    api.register_blueprint(certificates.blp)
    app.register_blueprint(page.bp)
    app.register_blueprint(verify_page.bp)
    install_console(app, settings)
    for module in console.MODULES:
        app.register_blueprint(module.bp)
    install_rate_limits(app, settings, PUBLIC_ENDPOINTS)
    return app
