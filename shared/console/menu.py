"""The console's menu: one list of sections across the three services, each shown to those whose
role holds its permission, each a link to the service that owns the page."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from flask import Flask
from flask_babel import lazy_gettext as _l

from shared.access import (
    DOOR,
    GRANT,
    MANAGE,
    PROTOCOL,
    READ,
    current_principal,
    has_permission,
    role_on,
)
from shared.config import Settings
from shared.web import service_context


@dataclass(frozen=True)
class Section:
    """One entry of a ceremony's menu."""

    key: str
    label: object
    service: str
    #: After the service's console prefix; ``{id}`` is the ceremony's id.
    path: str
    permission: str


#: The sections of a ceremony, in the order of the menu.
SECTIONS = (
    Section("overview", _l("Overview"), "registration", "/ceremonies/{id}", READ),
    Section("programme", _l("Programme"), "registration", "/ceremonies/{id}/programme", MANAGE),
    Section("guests", _l("Guests"), "registration", "/ceremonies/{id}/guests", READ),
    Section("invitations", _l("Invitations"), "registration", "/ceremonies/{id}/invitations", READ),
    Section("approvals", _l("Approvals"), "registration", "/ceremonies/{id}/approvals", READ),
    Section("venue", _l("Venue and seats"), "registration", "/ceremonies/{id}/venue", READ),
    Section("seating", _l("Seating chart"), "registration", "/ceremonies/{id}/seating", READ),
    Section("access", _l("Zones and gates"), "registration", "/ceremonies/{id}/access", READ),
    Section("printing", _l("Printing"), "registration", "/ceremonies/{id}/printing", PROTOCOL),
    Section("badges", _l("Badges"), "badges", "/{id}", READ),
    Section("attendance", _l("Attendance"), "badges", "/{id}/attendance", DOOR),
    Section("graduation", _l("Graduation"), "registration", "/ceremonies/{id}/graduation", READ),
    Section("certificates", _l("Certificates"), "badges", "/{id}/certificates", READ),
    Section("run_sheet", _l("Run sheet"), "registration", "/ceremonies/{id}/run-sheet", PROTOCOL),
    Section("emails", _l("Emails"), "notifications", "/{id}", READ),
    Section("announcements", _l("Announcements"), "notifications", "/{id}/announcements", READ),
    Section(
        "devices", _l("Gates and devices"), "registration", "/ceremonies/{id}/devices", PROTOCOL
    ),
    Section("team", _l("Team"), "registration", "/ceremonies/{id}/team", GRANT),
    Section("audit", _l("Audit trail"), "registration", "/ceremonies/{id}/audit", READ),
)


class ConsoleLinks:
    """What every console template reaches as ``console``: links across the suite, the signed-in
    person, the CSRF token their forms send back, and the menu."""

    def __init__(self, settings: Settings, prefixes: Mapping[str, str]):
        self._settings = settings
        self._prefixes = prefixes

    def url(self, service: str, path: str = "") -> str:
        """The absolute URL of a console page of ``service`` (``path`` after its prefix)."""
        return f"{self._settings.public_urls[service]}{self._prefixes[service]}{path}"

    def site(self, service: str, path: str) -> str:
        """The absolute URL of any path of ``service`` (``/sign-in``, ``/api/…``)."""
        return f"{self._settings.public_urls[service]}{path}"

    @property
    def home(self) -> str:
        return self.url("registration")

    @property
    def principal(self):
        return current_principal()

    @property
    def csrf_token(self) -> str:
        principal = current_principal()
        return service_context().signer.csrf_token(principal) if principal else ""

    def role(self, ceremony_id: object) -> str | None:
        principal = current_principal()
        return role_on(principal, ceremony_id) if principal else None

    def may(self, ceremony_id: object, *permissions: str) -> bool:
        principal = current_principal()
        return principal is not None and has_permission(principal, ceremony_id, *permissions)

    def menu(self, ceremony_id: object) -> list[dict]:
        """The sections of a ceremony this person may open, with their URLs."""
        return [
            {
                "key": section.key,
                "label": section.label,
                "url": self.url(section.service, section.path.format(id=ceremony_id)),
            }
            for section in SECTIONS
            if self.may(ceremony_id, section.permission)
        ]


def install_menu(app: Flask, settings: Settings, prefixes: Mapping[str, str]) -> None:
    """Put ``console`` in every template's context."""
    links = ConsoleLinks(settings, prefixes)
    app.extensions["console_links"] = links

    @app.context_processor
    def console_context():
        return {"console": links}
