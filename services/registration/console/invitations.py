""""""

from __future__ import annotations

from flask import Blueprint

from shared.console import CONSOLE_PREFIXES

bp = Blueprint(
    "console_invitations",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)
