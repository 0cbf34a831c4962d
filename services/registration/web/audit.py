"""HTTP API: the ceremony's audit trail, filtered, and as CSV."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api", description="Audit trail")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
