"""The pages of people with accounts: sign in (with a second factor, or by single sign-on), set
a password from an emailed link, enrol a door device."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("account_pages", __name__, template_folder="templates", static_folder="static")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
