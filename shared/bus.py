"""Connections to the bus and a publisher that waits for the broker's confirms.

RabbitMQ (``amqp://``) is the production bus. ``filesystem://`` keeps messages as files under
``var/bus/`` for the embedded run, and ``memory://`` serves unit tests; neither of these has
confirms, dead-lettering or message TTLs, so the worker does those parts itself (see ``worker``).
"""

from __future__ import annotations

import json
import logging
import os
import time
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from kombu import Connection, Producer
from kombu.exceptions import ChannelError
from kombu.transport import filesystem
from kombu.transport.virtual import BrokerState
from kombu.utils import json as kombu_json

from . import topology
from .config import Settings

log = logging.getLogger(__name__)


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
    kwargs.setdefault("heartbeat", 30)
    kwargs.setdefault("connect_timeout", 5)
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

    def __init__(self, connection: Connection, *, timeout: float = 10.0):
        self.connection = connection
        self.timeout = timeout
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


def dump_body(envelope: dict) -> str:
    """The wire form of an envelope."""
    return json.dumps(envelope, separators=(",", ":"), ensure_ascii=False)
