"""HTTP API: signing in and out, the account's own settings (password, TOTP), password links."""

from __future__ import annotations

from flask_smorest import Blueprint

blp = Blueprint("auth", __name__, url_prefix="/api", description="Accounts and sign-in")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
