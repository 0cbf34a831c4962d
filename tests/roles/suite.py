"""The three apps in one process on SQLite, for the role × endpoint table.

The registration service's events are handed to the badges and notifications handlers as their
workers would (``pump``), so that each service knows the ceremony, its people and the roles.
"""

from __future__ import annotations

import json
import threading
from pathlib import Path

from sqlalchemy import select
from werkzeug.serving import make_server

from services.badges.app import create_app as badges_app
from services.badges.service import SERVICE as BADGES
from services.notifications.app import create_app as notifications_app
from services.notifications.service import SERVICE as NOTIFICATIONS
from services.registration.app import create_app as registration_app
from services.registration.models import outbox
from services.registration.service import SERVICE as REGISTRATION
from shared.auth import Signer
from shared.events import parse_envelope
from shared.worker import EventWorker
from tests.conftest import SECRET, make_settings, migrated

SERVICES = {"registration": REGISTRATION, "badges": BADGES, "notifications": NOTIFICATIONS}
FACTORIES = {
    "registration": registration_app,
    "badges": badges_app,
    "notifications": notifications_app,
}


class InProcessSuite:
    def __init__(self, var_dir: Path, smtp_url: str | None = None):
        self.settings = {
            name: migrated(
                service,
                make_settings(name, var_dir / name, smtp_url=smtp_url, smtp_rate_per_second=0),
            )
            for name, service in SERVICES.items()
        }
        self.apps = {name: FACTORIES[name](self.settings[name]) for name in SERVICES}
        for app in self.apps.values():
            app.testing = True
        self.workers = {
            name: EventWorker(
                SERVICES[name],
                self.settings[name],
                self.apps[name].extensions["ceremony"].database,
                SERVICES[name].build_handlers(
                    self.settings[name], self.apps[name].extensions["ceremony"].database
                ),
            )
            for name in ("badges", "notifications")
        }
        self.signer = Signer(SECRET)
        self._pumped = 0
        self.servers: list = []
        #: Each service's address once ``serve`` has put it on loopback (for a browser).
        self.urls: dict[str, str] = {}

    def client(self, name: str):
        return self.apps[name].test_client()

    def pump(self) -> int:
        """Hand every new registration event to the services that subscribe to it."""
        database = self.apps["registration"].extensions["ceremony"].database
        with database.transaction() as session:
            rows = session.execute(
                select(outbox.c.id, outbox.c.body)
                .where(outbox.c.id > self._pumped)
                .order_by(outbox.c.id)
            ).all()
        for row in rows:
            event = parse_envelope(json.loads(row.body))
            for worker in self.workers.values():
                handler = worker.handlers.get(event.type)
                if handler is not None:
                    worker.handle(event, handler)
            self._pumped = row.id
        for app in self.apps.values():
            app.extensions["ceremony"].credentials.forget()
        return len(rows)

    def serve(self) -> None:
        """Serve every service on its own loopback port (``urls``) until ``close``."""
        for name, app in self.apps.items():
            server = make_server("127.0.0.1", 0, app, threaded=True)
            threading.Thread(target=server.serve_forever, daemon=True).start()
            self.servers.append(server)
            self.urls[name] = f"http://127.0.0.1:{server.server_port}"

    def close(self) -> None:
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for worker in self.workers.values():
            worker.close()
        for app in self.apps.values():
            app.extensions["ceremony"].database.dispose()
