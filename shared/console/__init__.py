"""The organiser console's shared part: one layout, menu, stylesheet and sign-in for the pages
every service serves for the data it owns.

Each service calls ``install_console(app, settings)`` in its app factory. Its pages then extend
``console/layout.html`` and use the decorators and helpers of ``shared.console.pages``. Under one
hostname, the paths say which service answers (``CONSOLE_PREFIXES``); the menu links to the other
services by their public URLs, so the pages integrate by links alone: no service calls another
to draw a page.
"""

from __future__ import annotations

from flask import Flask

from shared.config import Settings

from .assets import install_assets
from .formatting import install_formatting
from .languages import install_languages
from .menu import install_menu

#: Where each service's console pages live; a reverse proxy routes on these prefixes (the
#: registration service's takes everything under ``/console`` that the others do not).
CONSOLE_PREFIXES = {
    "registration": "/console",
    "badges": "/console/badges",
    "notifications": "/console/emails",
}


def install_console(app: Flask, settings: Settings) -> None:
    """Give ``app`` the console's layout, assets, menu, time formatting and page strings."""
    install_assets(app, settings, CONSOLE_PREFIXES[settings.service])
    install_languages(app)
    install_formatting(app)
    install_menu(app, settings, CONSOLE_PREFIXES)
