"""Single sign-on with OpenID Connect: to the issuer and back, matched by verified email."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("sso", __name__)

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
