"""The three services under one origin, as the front proxy serves them in production.

``JourneyRouter`` is a WSGI app that hands each request to the service owning its path, as the
routes of deploy/caddy/routes.caddy say (read by tests/deploy/caddyfile.py); a path no route
takes gets the proxy's 404. ``JourneySuite`` is the in-process suite whose public URLs all name
that one origin, with a thread that carries events between the services and sends the emails
due, as the bus workers would.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime
from pathlib import Path

from werkzeug.serving import make_server
from werkzeug.wrappers import Response

from services.notifications.announcements import release_due_announcements
from services.notifications.compose.identity import MailIdentity
from services.notifications.deliver.smtp import RateLimiter
from services.notifications.service import build_agent, build_sender
from shared.auth import Signer
from shared.worker import EventWorker
from tests.conftest import SECRET, make_settings, migrated
from tests.deploy.caddyfile import site
from tests.roles.suite import FACTORIES, SERVICES, InProcessSuite


class JourneyRouter:
    """Each path to the app of the service its Caddy route names."""

    def __init__(self, apps: dict):
        self.apps = apps
        self.site = site()

    def service_of(self, path: str) -> str | None:
        names = self.site.matching(path)
        assert len(names) <= 1, f"{path} is taken by {names}"
        upstream = self.site.upstream(names[0] if names else None)
        if upstream is None:
            return None
        return upstream.split(":", 1)[0].removesuffix("-web")

    def __call__(self, environ, start_response):
        service = self.service_of(environ.get("PATH_INFO") or "/")
        if service is None:
            return Response(status=404)(environ, start_response)
        return self.apps[service](environ, start_response)


class JourneySuite(InProcessSuite):
    """The three apps behind one loopback origin, their events pumped in the background."""

    def __init__(self, var_dir: Path, smtp_url: str):
        # The port is taken first, so that every service's settings name the origin.
        self.server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        urls = dict.fromkeys(SERVICES, self.url)
        self.settings = {
            name: migrated(
                service,
                make_settings(
                    name,
                    var_dir / name,
                    smtp_url=smtp_url,
                    smtp_rate_per_second=0,
                    public_urls=urls,
                ),
            )
            for name, service in SERVICES.items()
        }
        self.apps = {name: FACTORIES[name](self.settings[name]) for name in SERVICES}
        self.workers = {
            name: EventWorker(
                SERVICES[name],
                self.settings[name],
                self.database(name),
                SERVICES[name].build_handlers(self.settings[name], self.database(name)),
            )
            for name in ("badges", "notifications")
        }
        self.signer = Signer(SECRET)
        self._pumped = 0
        # The suite's own servers (``serve``) are not used: one origin serves all three apps.
        self.servers: list = []
        self.urls = urls
        notifications = self.settings["notifications"]
        sender = build_sender(notifications, RateLimiter(None))
        self.agent = build_agent(notifications, self.database("notifications"), sender)
        self.identity = MailIdentity.from_setting(notifications.mail_from)
        self.router = JourneyRouter(self.apps)
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.errors: list[BaseException] = []
        self.threads = [
            threading.Thread(target=self.server.serve_forever, daemon=True),
            threading.Thread(target=self._carry, daemon=True),
        ]
        for thread in self.threads:
            thread.start()

    def _dispatch(self, environ, start_response):
        return self.router(environ, start_response)

    def database(self, name: str):
        return self.apps[name].extensions["ceremony"].database

    def step(self) -> None:
        """Carry the new events, release the announcements due and send the emails due (the
        workers' one round)."""
        with self._lock:
            self.pump()
            release_due_announcements(
                self.database("notifications"), self.identity, datetime.now(UTC)
            )
            while self.agent.deliver_next():
                pass

    def _carry(self) -> None:
        while not self._stop.is_set():
            try:
                self.step()
            except Exception as error:  # noqa: BLE001 - the module fails on it at its end
                self.errors.append(error)
            time.sleep(0.1)  # between rounds, as a worker polls; the steps wait on what they need

    def close(self) -> None:
        self._stop.set()
        self.server.shutdown()
        self.server.server_close()
        for thread in self.threads:
            thread.join()
        self.agent.close()
        super().close()
