"""HTTP API: door devices, enrolled at a gate by a QR code, listed and revoked."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("devices", __name__, url_prefix="/api", description="Door devices")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
