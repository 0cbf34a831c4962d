""""""

from __future__ import annotations

from flask import Blueprint

from shared.console import CONSOLE_PREFIXES

bp = Blueprint(
    "console_attendance",
    __name__,
    url_prefix=CONSOLE_PREFIXES["badges"],
    template_folder="templates",
)
