"""HTTP API: accounts (suite admin) and each ceremony's team and roles (owners)."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("team", __name__, url_prefix="/api", description="Teams and roles")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
