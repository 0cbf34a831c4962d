"""The outbox relay: publishes a service's stored events with confirms, then marks them sent.

It runs in the service's worker process, beside the consumer. A lost broker or database only
pauses it; unconfirmed events stay in the outbox. Now and then it deletes events published
longer ago than ``CEREMONY_OUTBOX_RETENTION_HOURS``.
"""

from __future__ import annotations

import logging
import threading
import time
from contextlib import suppress
from datetime import UTC, datetime, timedelta

from kombu import Connection

from .bus import ConfirmingPublisher, connect, declare_topology, is_amqp
from .config import Settings
from .db import Database
from .observability import EVENTS_PUBLISHED
from .outbox import purge_published, relay_batch
from .service import Service

log = logging.getLogger(__name__)

#: How often an idle relay deletes events past the outbox's retention.
PURGE_INTERVAL_SECONDS = 300.0


class Relay(threading.Thread):
    """Publishes the service's outbox, reconnecting to the broker and the database as needed."""

    def __init__(self, service: Service, settings: Settings, database: Database):
        super().__init__(name=f"{service.name}-relay", daemon=True)
        self.service = service
        self.settings = settings
        self.database = database
        self.stopping = threading.Event()
        self._next_purge = 0.0

    def run(self) -> None:
        """Relay until stopped; a lost broker or database only pauses it."""
        backoff = 0.5
        while not self.stopping.is_set():
            try:
                self._relay_while_connected()
                backoff = 0.5
            except Exception as exc:  # noqa: BLE001 - any outage: wait, reconnect, go on
                log.warning("outbox relay of %s paused: %r", self.service.name, exc)
                self.stopping.wait(backoff)
                backoff = min(backoff * 2, 5.0)

    def _relay_while_connected(self) -> None:
        connection = connect(self.settings)
        try:
            connection.ensure_connection(max_retries=1)
            declare_topology(connection, self.settings)
            publisher = ConfirmingPublisher(connection)
            log.info("outbox relay of %s connected to the broker", self.service.name)
            while not self.stopping.is_set():
                published = relay_batch(self.database, self.service.outbox, publisher)
                EVENTS_PUBLISHED.labels(self.service.name).inc(published)
                if published == 0:
                    self._purge_when_due()
                    self._wait_while_idle(connection)
        except BaseException:
            # Unconfirmed events stay in the outbox. The broker may be what stopped answering,
            # so the connection is let go without the close handshake.
            connection.collect()
            raise
        connection.release()

    def _purge_when_due(self) -> None:
        """Now and then, delete events published longer ago than the outbox keeps them."""
        if time.monotonic() < self._next_purge:
            return
        self._next_purge = time.monotonic() + PURGE_INTERVAL_SECONDS
        keep = timedelta(hours=self.settings.outbox_retention_hours)
        purged = purge_published(self.database, self.service.outbox, datetime.now(UTC) - keep)
        if purged:
            log.info("deleted %d published event(s) of %s", purged, self.service.name)

    def _wait_while_idle(self, connection: Connection) -> None:
        """Wait for new events; on RabbitMQ, reading the broker's frames meanwhile.

        ``heartbeat_check`` judges the broker by the frames read since the last check: a relay
        that only waited would read none, and drop a healthy connection every two heartbeats.
        """
        interval = self.settings.relay_interval_seconds
        if not is_amqp(self.settings.broker_url):
            self.stopping.wait(interval)
            return
        # socket.timeout when nothing arrived; never a zero timeout, on which py-amqp spins.
        with suppress(TimeoutError):
            connection.drain_events(timeout=max(interval, 0.01))
        connection.heartbeat_check()

    def stop(self) -> None:
        """Ask the relay to finish its batch and stop."""
        self.stopping.set()
