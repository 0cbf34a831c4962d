"""HTTP API: the ceremony's audit trail in this service, filtered, and as CSV."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api", description="Audit trail")
