"""Connections to the bus and a publisher that waits for the broker's confirms.

RabbitMQ (``amqp://``) is the production bus. ``filesystem://`` keeps messages as files under
``var/bus/`` for the embedded run, and ``memory://`` serves unit tests; neither of these has
confirms, dead-lettering or message TTLs, so the worker does those parts itself (see ``worker``).

On RabbitMQ no call waits for the broker without a limit: connecting, every answer it owes
(a declare, a confirm, a close) and every write are bounded by ``broker_timeout``, and a
connection that broke is dropped (``collect``) rather than closed with a handshake nobody
answers.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from kombu import Connection, Producer
from kombu.exceptions import ChannelError
from kombu.transport import filesystem, pyamqp
from kombu.transport.virtual import BrokerState
from kombu.utils import json as kombu_json

from . import topology
from .config import Settings

log = logging.getLogger(__name__)

#: Seconds between heartbeats on RabbitMQ connections; an ``amqp://`` URL may set its own
#: (``?heartbeat=5``). A broker silent for two of them is taken as gone.
HEARTBEAT_SECONDS = 30.0
#: The longest wait for one answer of the broker, or for one write to it to go through.
BROKER_TIMEOUT_SECONDS = 10.0
#: How long connecting (TCP and the AMQP handshake) may take.
CONNECT_TIMEOUT_SECONDS = 5.0


def broker_timeout(connection: Connection) -> float:
    """How long to wait for one answer of the broker: ten seconds, or a heartbeat if shorter.

    A broker silent for longer while an answer is due is taken as stopped: the caller drops the
    connection and goes on with a new one, as after any other outage.
    """
    heartbeat = float(connection.heartbeat or 0)
    return min(BROKER_TIMEOUT_SECONDS, heartbeat) if heartbeat else BROKER_TIMEOUT_SECONDS


class _BoundedSocket:
    """Gives every read and write on the connection's socket a timeout.

    py-amqp waits without a limit for the broker's answer to a declare, a channel open or a
    close, and a broker that stops answering without closing the socket would hold the caller
    forever. Calls that pass their own timeout (``drain_events(timeout=...)``) keep it.
    """

    def establish_connection(self):
        connection = super().establish_connection()
        connection.transport.sock.settimeout(broker_timeout(self.client))
        return connection


class AmqpTransport(_BoundedSocket, pyamqp.Transport):
    """kombu's AMQP transport, with the broker's answers awaited for a bounded time."""


class AmqpsTransport(_BoundedSocket, pyamqp.SSLTransport):
    """kombu's AMQP-over-TLS transport, with the broker's answers awaited for a bounded time."""


class FileChannel(filesystem.Channel):
    """kombu's file channel, writing each message whole before it becomes visible.

    kombu creates the message file and then writes into it, and a reader in another process may
    take the file in between and read nothing; a message written under a temporary name and
    renamed cannot be seen half-written.
    """

    def _put(self, queue, payload, **kwargs):
        name = f"{round(time.monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".partial"  # does not end in ".msg": readers pass it over
        try:
            with open(partial, "wb") as handle:
                handle.write(kombu_json.dumps(payload).encode())
            os.replace(partial, final)
        except OSError as exc:
            raise ChannelError(f"Cannot add file {final!r} to the bus folder") from exc

    # kombu's bindings: one file per exchange in the control folder, listing its queues. kombu
    # creates that file empty and only then locks and fills it, so another process declaring or
    # publishing at the same moment can read an empty file and stop with a JSON error. Here the
    # table is written under a temporary name and renamed (a reader sees the old table or the
    # new one, never a part), and binders take turns on one lock file.

    def get_table(self, exchange):
        file = self._exchange_file(exchange)
        try:
            text = file.read_text()
        except FileNotFoundError:
            return []
        except OSError as exc:
            raise ChannelError(f"Cannot open {file}") from exc
        if not text.strip():  # a file that an older writer had only created
            return []
        return [filesystem.exchange_queue_t(*row) for row in kombu_json.loads(text)]

    def _queue_bind(self, exchange, routing_key, pattern, queue):
        file = self._exchange_file(exchange)
        self.control_folder.mkdir(parents=True, exist_ok=True)
        row = filesystem.exchange_queue_t(routing_key or "", pattern or "", queue or "")
        try:
            with open(self.control_folder / ".bindings.lock", "a") as turn:
                fcntl.flock(turn.fileno(), fcntl.LOCK_EX)
                rows = self.get_table(exchange)
                if row in rows:
                    return
                rows.insert(0, row)
                partial = file.with_name(f"{file.name}.{uuid.uuid4().hex}.partial")
                partial.write_text(kombu_json.dumps(rows))
                os.replace(partial, file)
        except OSError as exc:
            raise ChannelError(f"Cannot write {file}") from exc

    def _get(self, queue):
        payload = super()._get(queue)
        headers = payload.get("headers")
        if headers is not None and not isinstance(headers, dict):
            # kombu cannot even build the message from such a file, and the file is already
            # taken off the queue: the event goes on without headers rather than being lost.
            log.warning("message on %s has headers that are not a mapping; dropped them", queue)
            payload["headers"] = {}
        return payload


class FileTransport(filesystem.Transport):
    """kombu's file transport, with its routing state kept per connection.

    kombu keeps declared exchanges and bindings of virtual transports in one object per process;
    two file buses in one process (tests, tools) would then skip writing each other's bindings.
    """

    Channel = FileChannel

    def __init__(self, client, **kwargs):
        super().__init__(client, **kwargs)
        self.state = BrokerState()


def is_amqp(url: str) -> bool:
    """Whether the URL names a real AMQP broker (RabbitMQ)."""
    return url.split("://", 1)[0] in ("amqp", "amqps", "pyamqp")


def connect(settings: Settings, **kwargs) -> Connection:
    """A kombu connection for the configured bus (not opened until first use)."""
    url = settings.broker_url
    if url.startswith("filesystem://"):
        root = settings.var_dir / "bus"
        for folder in ("queue", "control", "processed"):
            (root / folder).mkdir(parents=True, exist_ok=True)
        options = {
            "data_folder_in": str(root / "queue"),
            "data_folder_out": str(root / "queue"),
            "control_folder": str(root / "control"),
            "processed_folder": str(root / "processed"),
            "store_processed": False,
        }
        return Connection(
            transport=FileTransport, hostname="localhost", transport_options=options, **kwargs
        )
    kwargs.setdefault("heartbeat", HEARTBEAT_SECONDS)
    kwargs.setdefault("connect_timeout", CONNECT_TIMEOUT_SECONDS)
    if is_amqp(url):
        secure = url.startswith("amqps://")
        kwargs.setdefault("transport", AmqpsTransport if secure else AmqpTransport)
    return Connection(url, **kwargs)


def declare_topology(connection: Connection, settings: Settings) -> None:
    """Declare every exchange, queue and binding (idempotent)."""
    amqp = is_amqp(settings.broker_url)
    channel = connection.default_channel
    for exchange in (topology.EVENTS, topology.DEAD):
        exchange(channel).declare()
    for queue in topology.all_queues(settings.retry_delay_seconds, amqp=amqp):
        queue(channel).declare()


@dataclass(frozen=True)
class Outgoing:
    """One message to publish: a JSON body, where to, and its headers."""

    body: str
    routing_key: str
    message_id: str
    exchange: str = topology.EVENTS.name
    headers: dict | None = None


class PublishNotConfirmed(RuntimeError):
    """The broker refused (nacked) a message or did not confirm it in time."""


class Confirms:
    """Which delivery tags of a channel the broker has confirmed.

    Confirms may come out of order (a message routed to several quorum queues is confirmed when
    all have it), and a "multiple" confirm covers every tag up to its own.
    """

    def __init__(self) -> None:
        #: Every tag up to this one is confirmed.
        self.through = 0
        self._above: set[int] = set()

    def add(self, delivery_tag: int, multiple: bool) -> None:
        """Record one confirm from the broker."""
        if multiple:
            self.through = max(self.through, delivery_tag)
            self._above = {tag for tag in self._above if tag > self.through}
        elif delivery_tag > self.through:
            self._above.add(delivery_tag)
        while self.through + 1 in self._above:
            self.through += 1
            self._above.discard(self.through)


class ConfirmingPublisher:
    """Publishes batches and returns only once the broker has confirmed every message.

    On RabbitMQ the channel is in confirm mode and a batch is pipelined: all messages are sent,
    then the confirms are awaited together, which is what makes the outbox relay fast. On the
    file and memory transports a publish returns when the message is stored.
    """

    def __init__(self, connection: Connection, *, timeout: float | None = None):
        self.connection = connection
        #: How long the confirms of one batch may take (default: ``broker_timeout``).
        self.timeout = broker_timeout(connection) if timeout is None else timeout
        self.channel = connection.channel()
        self.producer = Producer(self.channel)
        self._amqp = connection.transport.driver_type == "amqp"
        self._acks = Confirms()
        self._nacked: list[int] = []
        self._sent = 0
        if self._amqp:
            self.channel.confirm_select()
            self.channel.events["basic_ack"].add(self._on_ack)
            self.channel.events["basic_nack"].add(self._on_nack)

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._acks.add(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool) -> None:
        self._nacked.append(delivery_tag)

    def publish_batch(self, messages: Iterable[Outgoing]) -> int:
        """Publish ``messages`` and wait for their confirms; returns how many were sent."""
        count = 0
        for message in messages:
            self.producer.publish(
                message.body,
                exchange=message.exchange,
                routing_key=message.routing_key,
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
                message_id=message.message_id,
                headers=message.headers or {},
                retry=False,
            )
            count += 1
        if self._amqp and count:
            self._sent += count
            self._wait_for_confirms()
        return count

    def _wait_for_confirms(self) -> None:
        waited = 0.0
        while self._acks.through < self._sent and not self._nacked:
            try:
                self.connection.drain_events(timeout=0.5)
            except TimeoutError:  # socket.timeout: no frame arrived in that half second
                waited += 0.5
                if waited >= self.timeout:
                    missing = self._sent - self._acks.through
                    raise PublishNotConfirmed(f"{missing} message(s) unconfirmed") from None
        if self._nacked:
            nacked, self._nacked = self._nacked, []
            raise PublishNotConfirmed(f"broker refused delivery tag(s) {nacked}")

    def close(self) -> None:
        """Close the publishing channel."""
        try:
            self.channel.close()
        except Exception:
            log.debug("closing publisher channel failed", exc_info=True)


class OccasionalPublisher:
    """A confirming publisher on a connection of its own, for messages sent now and then.

    Between two uses nothing reads the connection, so its heartbeats go unanswered and the
    broker drops it: a connection idle for half a heartbeat interval is replaced before it is
    used, and a publish that fails is tried once more on a new connection.
    """

    def __init__(self, settings: Settings):
        self.settings = settings
        self._publisher: ConfirmingPublisher | None = None
        self._used_at = 0.0

    def publish(self, message: Outgoing) -> None:
        """Publish ``message`` and wait for its confirm; raises if two connections failed."""
        for attempt in (1, 2):
            try:
                self._ready().publish_batch([message])
            except Exception as exc:
                self.drop()
                if attempt == 2:
                    raise
                log.info("publishing failed (%r); trying once more on a new connection", exc)
            else:
                self._used_at = time.monotonic()
                return

    def _ready(self) -> ConfirmingPublisher:
        if self._publisher is not None and self._stale():
            log.debug("replacing an idle publishing connection")
            self.close()
        if self._publisher is None:
            connection = connect(self.settings)
            try:
                connection.ensure_connection(max_retries=1)
                self._publisher = ConfirmingPublisher(connection)
            except Exception:
                connection.collect()
                raise
        return self._publisher

    def _stale(self) -> bool:
        # Only RabbitMQ has heartbeats; the file and memory buses keep any connection.
        heartbeat = float(self._publisher.connection.heartbeat or 0)
        if not is_amqp(self.settings.broker_url) or not heartbeat:
            return False
        return time.monotonic() - self._used_at > heartbeat / 2

    def drop(self) -> None:
        """Forget the connection without a goodbye: it failed, and the broker may not answer."""
        if self._publisher is not None:
            self._publisher.connection.collect()
        self._publisher = None

    def close(self) -> None:
        """Close the connection, if one is open (bounded like every wait for the broker)."""
        if self._publisher is not None:
            try:
                self._publisher.connection.release()
            except Exception:
                log.debug("closing a publishing connection failed", exc_info=True)
                self._publisher.connection.collect()
        self._publisher = None


def dump_body(envelope: dict) -> str:
    """The wire form of an envelope."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)
