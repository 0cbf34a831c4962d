"""A service's worker: consumes its queue and relays its outbox.

A message is acked only after the handler's transaction (with the inbox row) committed. A body
that fails validation goes to the dead queue at once; a handler that fails is retried after a
delay, and dead-lettered when its tries are used up. Dead-lettering and retrying publish a copy
with confirms before the original is acked, so nothing is lost between the two.

No message ends the worker: anything else that goes wrong with one (an unreadable header, a
body too deep to parse, a bug) dead-letters it with the reason, and a broker that fails while
it is settled makes the worker reconnect, the message being delivered again.
"""

from __future__ import annotations

import logging
import math
import reprlib
import time
from collections.abc import Mapping
from contextlib import contextmanager, suppress

from kombu import Connection, Message
from kombu.mixins import ConsumerMixin
from marshmallow import ValidationError
from sqlalchemy.exc import IntegrityError

from . import topology
from .bus import (
    ConfirmingPublisher,
    OccasionalPublisher,
    Outgoing,
    connect,
    declare_topology,
    is_amqp,
)
from .config import Settings
from .db import Database
from .events import Event, parse_envelope
from .inbox import already_handled, record_handled
from .logs import current_event_id
from .observability import EVENTS_HANDLED
from .relay import Relay
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
        self._forwarder = OccasionalPublisher(settings)
        # What ConsumerMixin reconnects on; anything else raised over a message is its fault.
        self._broker_errors = self.connection.connection_errors + self.connection.channel_errors
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

    @contextmanager
    def establish_connection(self):
        """A connection to consume on: closed when the worker stops, dropped when it broke."""
        connection = self.create_connection()
        try:
            connection.ensure_connection(self.on_connection_error, self.connect_max_retries)
            yield connection
        except BaseException as exc:
            # The broker may be the part that stopped answering: a close handshake would wait
            # for it, so the socket is simply let go (RabbitMQ requeues what was unacked).
            log.warning("worker %s dropped its broker connection: %r", self.service.name, exc)
            connection.collect()
            raise
        connection.release()

    def on_connection_error(self, exc, interval):
        """Say why the broker cannot be reached, and when the next try is."""
        log.warning(
            "worker %s cannot reach the broker (%r); trying again in %.0fs",
            self.service.name,
            exc,
            interval,
        )

    def on_consume_ready(self, connection, channel, consumers, **kwargs):
        """Declare the whole topology each time the worker (re)connects."""
        declare_topology(connection, self.settings)
        log.info("worker %s consuming %s", self.service.name, self.queue.name)

    def on_iteration(self):
        """On the file and memory buses, move retries whose delay has passed back."""
        if not is_amqp(self.settings.broker_url) and time.monotonic() - self._last_pump > 0.5:
            self._last_pump = time.monotonic()
            pump_due_retries(
                self.connection, self.service.name, longest_delay=self.settings.retry_delay_seconds
            )

    def on_decode_error(self, message: Message, exc: Exception) -> None:
        """A body that is not JSON (or not allowed) goes straight to the dead queue."""
        log.warning("dead-lettering undecodable message: %r", exc)
        self._forward(message, dead_reason=f"undecodable: {exc!r}")

    def on_message(self, body, message: Message) -> None:
        """Handle one delivery; whatever it holds, the worker goes on with the next one."""
        try:
            self._receive(body, message)
        except self._broker_errors:
            raise  # the broker or the link to it failed: reconnect, and it delivers again
        except Exception as exc:  # noqa: BLE001 - no message may end the worker
            self._dead_letter_unexpected(message, exc)

    def _receive(self, body, message: Message) -> None:
        try:
            event = parse_envelope(body)
        except ValidationError as exc:
            log.warning("dead-lettering invalid message %s: %s", _message_id(message), exc.messages)
            self._forward(message, dead_reason=f"invalid: {exc.messages}")
            EVENTS_HANDLED.labels(self.service.name, "invalid", "dead_lettered").inc()
            return
        handler = self.handlers.get(event.type)
        if handler is None:
            message.ack()
            return
        token = current_event_id.set(str(event.event_id))
        try:
            outcome = self._apply(event, handler, message)
        finally:
            current_event_id.reset(token)
        EVENTS_HANDLED.labels(self.service.name, event.type, outcome).inc()

    def _apply(self, event: Event, handler: Handler, message: Message) -> str:
        """Handle the event, then ack, retry or dead-letter it; returns what was done."""
        try:
            handled = self.handle(event, handler)
        except Exception as exc:  # noqa: BLE001 - whatever the handler raised, it is retried
            return self._after_failure(event, message, exc)
        message.ack()
        return "handled" if handled else "duplicate"

    def _after_failure(self, event: Event, message: Message, exc: Exception) -> str:
        log.exception("handling %s %s failed", event.type, event.event_id)
        try:
            attempt = recorded_attempts(message) + 1
        except ValueError as bad:
            self._forward(message, dead_reason=f"{bad}; the handler failed: {exc!r}")
            return "dead_lettered"
        if attempt >= self.settings.max_attempts:
            self._forward(message, dead_reason=f"failed {attempt} times: {exc!r}")
            return "dead_lettered"
        log.info("%s %s will be tried again (try %d)", event.type, event.event_id, attempt + 1)
        self._forward(message, retry_attempt=attempt)
        return "retried"

    def _dead_letter_unexpected(self, message: Message, exc: Exception) -> None:
        if message.acknowledged:
            # Settled already (acked, forwarded or requeued): there is nothing left to move.
            log.error("after message %s was settled", _message_id(message), exc_info=exc)
            return
        log.error("dead-lettering message %s", _message_id(message), exc_info=exc)
        self._forward(message, dead_reason=f"unexpected error: {exc!r}")

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
        """Publish a copy for a retry or for the dead queue, then ack the original.

        If no copy can be published, the original goes back on the queue: never lost, and on
        RabbitMQ the queue's delivery limit ends a message that keeps coming back.
        """
        try:
            self._forwarder.publish(self._copy(message, dead_reason, retry_attempt))
        except Exception as exc:  # noqa: BLE001 - whatever failed, the message stays
            log.warning("could not forward message %s (%r); requeued", _message_id(message), exc)
            message.requeue()
            return
        message.ack()

    def _copy(self, message: Message, dead_reason: str, retry_attempt: int) -> Outgoing:
        headers = dict(message_headers(message))
        if dead_reason:
            headers[REASON_HEADER] = dead_reason[:1000]
            headers["x-ceremony-original-key"] = str(message.delivery_info.get("routing_key", ""))
            exchange, routing_key = topology.DEAD.name, self.service.name
        else:
            headers[ATTEMPT_HEADER] = retry_attempt
            headers[RETRY_AT_HEADER] = time.time() + self.settings.retry_delay_seconds
            exchange, routing_key = "", topology.retry_queue_name(self.service.name)
        return Outgoing(
            body=_text(message.body),
            routing_key=routing_key,
            message_id=_message_id(message),
            exchange=exchange,
            headers=headers,
        )

    def close(self) -> None:
        """Release the worker's connections."""
        self._forwarder.close()
        self.connection.release()


def message_headers(message: Message) -> Mapping:
    """The message's headers; none when what arrived in their place is not a mapping."""
    headers = message.headers
    return headers if isinstance(headers, Mapping) else {}


def recorded_attempts(message: Message) -> int:
    """How many tries the message has had; ValueError when its header is not such a count."""
    raw = message_headers(message).get(ATTEMPT_HEADER, 0)
    # The worker writes a whole number there; a bool passes for an int in Python, not here.
    if isinstance(raw, int | str) and not isinstance(raw, bool):
        with suppress(ValueError):  # a word, or more digits than int() reads
            if (count := int(raw)) >= 0:
                return count
    raise ValueError(f"unreadable {ATTEMPT_HEADER} header {reprlib.repr(raw)}")


def _message_id(message: Message) -> str:
    return str(message.properties.get("message_id") or "")


def _text(raw) -> str:
    return raw.decode("utf-8", "replace") if isinstance(raw, bytes) else str(raw)


def _retry_at(headers: Mapping, longest_delay: float) -> float:
    # A header that is not a time, or one further ahead than any delay, cannot be one this
    # worker wrote: the retry is due now rather than holding back every retry behind it.
    try:
        retry_at = float(headers.get(RETRY_AT_HEADER, 0))
    except (TypeError, ValueError, OverflowError):
        return 0.0
    if not math.isfinite(retry_at) or retry_at > time.time() + longest_delay:
        return 0.0
    return retry_at


def pump_due_retries(
    connection: Connection, service: str, *, longest_delay: float = math.inf
) -> int:
    """Move retries whose delay passed back to the service's queue (buses without TTLs)."""
    queue = topology.retry_queue(service, 0, amqp=False)(connection.default_channel)
    moved = 0
    while True:
        message = queue.get(no_ack=False, accept=["json"])
        if message is None:
            return moved
        headers = message_headers(message)
        if _retry_at(headers, longest_delay) > time.time():
            message.requeue()
            return moved
        ConfirmingPublisher(connection).publish_batch(
            [
                Outgoing(
                    body=_text(message.body),
                    routing_key=topology.events_queue_name(service),
                    message_id=_message_id(message),
                    exchange="",
                    headers=dict(headers),
                )
            ]
        )
        message.ack()
        moved += 1


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
