"""A service's worker: consumes its queue and relays its outbox.

A message is acked only after the handler's transaction (with the inbox row) committed. A body
that fails validation goes to the dead queue at once; a handler that fails is retried after a
delay, and dead-lettered when its tries are used up. Dead-lettering and retrying publish a copy
with confirms before the original is acked, so nothing is lost between the two.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Mapping

from kombu import Connection, Message
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from . import topology
from .bus import ConfirmingPublisher, Outgoing, connect, declare_topology, is_amqp
from .config import Settings
from .db import Database
from .events import Event, parse_envelope
from .inbox import already_handled, record_handled
from .logs import current_event_id
from .observability import EVENTS_HANDLED, EVENTS_PUBLISHED
from .outbox import relay_batch
from .service import Handler, Service

log = logging.getLogger(__name__)

ATTEMPT_HEADER = "x-ceremony-attempt"
RETRY_AT_HEADER = "x-ceremony-retry-at"
REASON_HEADER = "x-ceremony-dead-reason"


class EventWorker(ConsumerMixin):
    """Consumes ``<service>.events`` and applies each event exactly once."""

    def __init__(
        self,
        service: Service,
        settings: Settings,
        database: Database,
        handlers: Mapping[str, Handler],
    ):
        self.connection = connect(settings)
        self.service = service
        self.settings = settings
        self.database = database
        self.handlers = handlers
        self.queue = topology.events_queue(service.name, amqp=is_amqp(settings.broker_url))
        self._publisher_connection: Connection | None = None
        self._publisher: ConfirmingPublisher | None = None
        self._last_pump = 0.0

    def get_consumers(self, Consumer, channel):
        """One consumer on the service's queue, JSON only."""
        return [
            Consumer(
                queues=[self.queue],
                callbacks=[self.on_message],
                on_decode_error=self.on_decode_error,
                accept=["json"],
                prefetch_count=16,
            )
        ]

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        """Declare the whole topology each time the worker (re)connects."""
        declare_topology(connection, self.settings)
        log.info("worker %s consuming %s", self.service.name, self.queue.name)

    def on_iteration(self):
        """On the file and memory buses, move retries whose delay has passed back."""
        if not is_amqp(self.settings.broker_url) and time.monotonic() - self._last_pump > 0.5:
            self._last_pump = time.monotonic()
            pump_due_retries(self.connection, self.service.name)

    def on_decode_error(self, message: Message, exc: Exception) -> None:
        """A body that is not JSON (or not allowed) goes straight to the dead queue."""
        log.warning("dead-lettering undecodable message: %r", exc)
        self._forward(message, dead_reason=f"undecodable: {exc!r}")

    def on_message(self, body, message: Message) -> None:
        """Handle one delivery; ack only once its outcome is committed or safely re-published."""
        try:
            event = parse_envelope(body)
        except ValidationError as exc:
            log.warning("dead-lettering invalid message %s: %s", message.properties, exc.messages)
            self._forward(message, dead_reason=f"invalid: {exc.messages}")
            EVENTS_HANDLED.labels(self.service.name, "invalid", "dead_lettered").inc()
            return
        handler = self.handlers.get(event.type)
        if handler is None:
            message.ack()
            return
        token = current_event_id.set(str(event.event_id))
        try:
            outcome = "handled" if self.handle(event, handler) else "duplicate"
        except Exception as exc:
            attempt = int((message.headers or {}).get(ATTEMPT_HEADER, 0)) + 1
            log.exception("handling %s %s failed (try %d)", event.type, event.event_id, attempt)
            if attempt >= self.settings.max_attempts:
                outcome = "dead_lettered"
                self._forward(message, dead_reason=f"failed {attempt} times: {exc!r}")
            else:
                outcome = "retried"
                self._forward(message, retry_attempt=attempt)
            return
        else:
            message.ack()
        finally:
            current_event_id.reset(token)
            EVENTS_HANDLED.labels(self.service.name, event.type, outcome).inc()

    def handle(self, event: Event, handler: Handler) -> bool:
        """Apply ``event`` once; returns False when it had been handled before."""
        event_id = str(event.event_id)
        try:
            with self.database.transaction() as session:
                if already_handled(session, self.service.inbox, self.queue.name, event_id):
                    return False
                record_handled(session, self.service.inbox, self.queue.name, event_id, event.type)
                handler(session, event)
        except IntegrityError:
            # Another worker committed the same event first; its effect stands.
            with self.database.sessions() as session:
                if already_handled(session, self.service.inbox, self.queue.name, event_id):
                    return False
            raise
        return True

    def _forward(self, message: Message, *, dead_reason: str = "", retry_attempt: int = 0) -> None:
        body = _text(message.body)
        headers = dict(message.headers or {})
        if dead_reason:
            headers[REASON_HEADER] = dead_reason[:1000]
            headers["x-ceremony-original-key"] = message.delivery_info.get("routing_key", "")
            target = Outgoing(
                body=body,
                routing_key=self.service.name,
                message_id=message.properties.get("message_id") or "",
                exchange=topology.DEAD.name,
                headers=headers,
            )
        else:
            headers[ATTEMPT_HEADER] = retry_attempt
            headers[RETRY_AT_HEADER] = time.time() + self.settings.retry_delay_seconds
            target = Outgoing(
                body=body,
                routing_key=topology.retry_queue_name(self.service.name),
                message_id=message.properties.get("message_id") or "",
                exchange="",
                headers=headers,
            )
        try:
            self._get_publisher().publish_batch([target])
        except Exception:
            log.exception("could not forward a message; it stays on the queue")
            self._reset_publisher()
            message.requeue()
            return
        message.ack()

    def _get_publisher(self) -> ConfirmingPublisher:
        if self._publisher is None:
            self._publisher_connection = connect(self.settings)
            self._publisher_connection.ensure_connection(max_retries=3)
            self._publisher = ConfirmingPublisher(self._publisher_connection)
        return self._publisher

    def _reset_publisher(self) -> None:
        if self._publisher_connection is not None:
            self._publisher_connection.release()
        self._publisher = None
        self._publisher_connection = None

    def close(self) -> None:
        """Release the worker's connections."""
        self._reset_publisher()
        self.connection.release()


def _text(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def pump_due_retries(connection: Connection, service: str) -> int:
    """Move retries whose delay passed back to the service's queue (buses without TTLs)."""
    queue = topology.retry_queue(service, 0, amqp=False)(connection.default_channel)
    moved = 0
    while True:
        message = queue.get(no_ack=False, accept=["json"])
        if message is None:
            return moved
        if float(message.headers.get(RETRY_AT_HEADER, 0)) > time.time():
            message.requeue()
            return moved
        ConfirmingPublisher(connection).publish_batch(
            [
                Outgoing(
                    body=_text(message.body),
                    routing_key=topology.events_queue_name(service),
                    message_id=message.properties.get("message_id") or "",
                    exchange="",
                    headers=message.headers,
                )
            ]
        )
        message.ack()
        moved += 1


class Relay(threading.Thread):
    """Publishes the service's outbox, reconnecting to the broker and the database as needed."""

    def __init__(self, service: Service, settings: Settings, database: Database):
        super().__init__(name=f"{service.name}-relay", daemon=True)
        self.service = service
        self.settings = settings
        self.database = database
        self.stopping = threading.Event()

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
        with connect(self.settings) as connection:
            connection.ensure_connection(max_retries=1)
            declare_topology(connection, self.settings)
            publisher = ConfirmingPublisher(connection)
            interval = self.settings.relay_interval_seconds
            while not self.stopping.is_set():
                published = relay_batch(self.database, self.service.outbox, publisher)
                EVENTS_PUBLISHED.labels(self.service.name).inc(published)
                if published == 0:
                    if is_amqp(self.settings.broker_url):
                        connection.heartbeat_check()
                    self.stopping.wait(interval)

    def stop(self) -> None:
        """Ask the relay to finish its batch and stop."""
        self.stopping.set()


class ServiceWorker:
    """The worker process of one service: the consumer in front, the relay beside it."""

    def __init__(self, service: Service, settings: Settings, database: Database | None = None):
        self.database = database or Database(settings.database_url, pool_size=4)
        self.relay = Relay(service, settings, self.database)
        self.consumer = EventWorker(
            service, settings, self.database, service.build_handlers(settings, self.database)
        )
        self.background = [self.relay, *service.build_background(settings, self.database)]

    def run(self) -> None:
        """Run until ``stop``; the message in hand is finished and acked first."""
        for thread in self.background:
            thread.start()
        try:
            self.consumer.run()
        finally:
            for thread in self.background:
                thread.stop()
            for thread in self.background:
                thread.join(timeout=10)
            self.consumer.close()

    def stop(self, *_signal_args) -> None:
        """Stop consuming, relaying and background work (safe to call from a signal handler)."""
        self.consumer.should_stop = True
        for thread in self.background:
            thread.stop()
