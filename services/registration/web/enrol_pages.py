"""The page a door device opens from its enrolment QR code: it is signed in to its gate."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("enrol_pages", __name__, template_folder="templates", static_folder="static")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {}
