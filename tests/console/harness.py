"""The three apps in one process, seen by a signed-in organiser through the console's pages.

``ConsoleWorld`` is the role table's in-process suite with an account that owns a ceremony:
``browser(name)`` is a test client of one service carrying that account's session cookie, and
``form(...)`` adds the session's CSRF token to a form's fields, as the pages' forms do.
"""

from __future__ import annotations

import html
import re
import uuid
from pathlib import Path

from services.registration.credential_events import set_role
from shared.sessions import SESSION_COOKIE
from tests.registration.conftest import ceremony_body
from tests.roles.suite import InProcessSuite


class ConsoleWorld(InProcessSuite):
    """An owner's view of one ceremony, across the three services."""

    def __init__(self, var_dir: Path, smtp_url: str | None = None, blueprints=None, **ceremony):
        """``blueprints``: service → extra blueprints (test pages), registered before any
        request; ``ceremony``: fields of the ceremony that differ from the usual one."""
        super().__init__(var_dir, smtp_url)
        for service, extra in (blueprints or {}).items():
            for blueprint in extra:
                self.apps[service].register_blueprint(blueprint)
        self.admin = {"Authorization": f"Bearer {self.signer.issue_token('admin')}"}
        self.ceremony_id = self.api("POST", "/api/ceremonies", json=ceremony_body(**ceremony)).json[
            "id"
        ]
        self.account_id = str(uuid.uuid4())
        self.grant(self.account_id, "owner")
        self.token = self.signer.issue_session(self.account_id, name="Olga Organiser")
        self.csrf = self.signer.csrf_token(self.signer.verify_token(self.token))

    def api(self, method: str, path: str, service: str = "registration", **kwargs):
        """A call of a service's API as the suite admin (setting the scene)."""
        response = self.client(service).open(path, method=method, headers=self.admin, **kwargs)
        assert response.status_code < 400, (path, response.status_code, response.get_json())
        self.pump()
        return response

    def grant(self, account_id: str, role: str, ceremony_id: str | None = None) -> None:
        """Give an account a role on the ceremony, and let every service know."""
        database = self.apps["registration"].extensions["ceremony"].database
        with database.transaction() as session:
            set_role(session, account_id, ceremony_id or self.ceremony_id, role)
        self.pump()

    def browser(self, service: str, token: str | None = None):
        """A test client of ``service`` with the session cookie (``token``: another's)."""
        client = self.client(service)
        client.set_cookie(SESSION_COOKIE, token or self.token)
        return client

    def form(self, **fields) -> dict:
        """A form's fields with the hidden CSRF token the console's forms carry."""
        return {"csrf_token": self.csrf, **fields}


def text_of(page: str) -> str:
    """A page's visible words, tags removed and whitespace collapsed."""
    without = re.sub(r"<(script|style)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", without)).split())


def error_beside(page: str, field: str) -> str | None:
    """The error message shown beside a form field, if any."""
    found = re.search(
        rf'<span class="error" id="error-{re.escape(field)}">(.*?)</span>', page, re.S
    )
    return html.unescape(found.group(1)).strip() if found else None
