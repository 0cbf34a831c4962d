"""The whole suite in one test process: three web services on loopback, their workers, one bus.

Each service has its own PostgreSQL database and its own worker; they share a RabbitMQ vhost and
send mail to a test SMTP server. Links in emails point at the live servers, so a test can follow
them as a mail client would.
"""

from __future__ import annotations

import threading
from pathlib import Path

import requests
from werkzeug.serving import make_server

from services.badges.app import create_app as badges_app
from services.badges.service import SERVICE as BADGES
from services.notifications.app import create_app as notifications_app
from services.notifications.service import SERVICE as NOTIFICATIONS
from services.registration.app import create_app as registration_app
from services.registration.service import SERVICE as REGISTRATION
from shared.auth import Signer
from shared.config import Settings
from shared.worker import ServiceWorker
from tests.conftest import SECRET, make_settings, migrated
from tests.ports import free_port

SERVICES = {"registration": REGISTRATION, "badges": BADGES, "notifications": NOTIFICATIONS}
APPS = {
    "registration": registration_app,
    "badges": badges_app,
    "notifications": notifications_app,
}


class LiveSuite:
    """The three services served and working until ``close``."""

    def __init__(self, var_dir: Path, amqp_url: str, databases, smtp_url: str) -> None:
        ports = {name: free_port() for name in SERVICES}
        self.urls = {name: f"http://127.0.0.1:{port}" for name, port in ports.items()}
        self.settings: dict[str, Settings] = {}
        for name, service in SERVICES.items():
            self.settings[name] = migrated(
                service,
                make_settings(
                    name,
                    var_dir / name,
                    broker_url=amqp_url,
                    database_url=databases(f"{name[:5]}_{var_dir.parent.name[-8:].lower()}"),
                    public_urls=self.urls,
                    smtp_url=smtp_url,
                    smtp_rate_per_second=0,
                    delivery_poll_seconds=0.05,
                    mail_from="Protocol Office <protocol@ceremony.example.org>",
                ),
            )
        self.servers = []
        self.threads: list[threading.Thread] = []
        self.apps = {}
        for name, factory in APPS.items():
            app = factory(self.settings[name])
            server = make_server("127.0.0.1", ports[name], app, threaded=True)
            self._thread(server.serve_forever)
            self.apps[name] = app
            self.servers.append(server)
        self.workers = [ServiceWorker(SERVICES[name], self.settings[name]) for name in SERVICES]
        for worker in self.workers:
            self._thread(worker.run)
        self.signer = Signer(SECRET)
        self.http = requests.Session()

    def _thread(self, target) -> None:
        thread = threading.Thread(target=target, daemon=True)
        thread.start()
        self.threads.append(thread)

    def organiser(self) -> dict[str, str]:
        """Headers of an organiser's request."""
        return {"Authorization": f"Bearer {self.signer.issue_token('admin')}"}

    def staff(self, ceremony_id: str, gate: str) -> dict[str, str]:
        """Headers of a request by door staff bound to one ceremony and gate."""
        token = self.signer.issue_token("staff", ceremony_id=ceremony_id, gate=gate)
        return {"Authorization": f"Bearer {token}"}

    def call(self, method: str, service: str, path: str, **kwargs) -> requests.Response:
        """An HTTP request to one of the services."""
        return self.http.request(method, f"{self.urls[service]}{path}", timeout=10, **kwargs)

    def close(self) -> None:
        """Stop workers and servers, and release their connections."""
        for worker in self.workers:
            worker.stop()
        for server in self.servers:
            server.shutdown()
            server.server_close()
        for thread in self.threads:
            thread.join(timeout=20)
        for app in self.apps.values():
            app.extensions["ceremony"].database.dispose()
        for worker in self.workers:
            worker.database.dispose()
        self.http.close()
