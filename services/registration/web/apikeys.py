"""HTTP API: API keys for automation, shown once, listed and revoked."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("apikeys", __name__, url_prefix="/api", description="API keys")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
