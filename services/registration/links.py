"""The running app's guest links (``shared.links``), for its views."""

from __future__ import annotations

from flask import Flask, current_app

from shared.links import GuestLinks

#: Where an app keeps its links.
EXTENSION = "registration.links"


def install_links(app: Flask, links: GuestLinks) -> None:
    """Give ``app`` the links its views build."""
    app.extensions[EXTENSION] = links


def links() -> GuestLinks:
    """The guest links of the running app."""
    return current_app.extensions[EXTENSION]
