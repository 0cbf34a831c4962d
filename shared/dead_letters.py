"""Reading and replaying a service's dead queue."""

from __future__ import annotations

import json
from dataclasses import dataclass

from . import topology
from .bus import ConfirmingPublisher, Outgoing, connect, declare_topology, is_amqp
from .config import Settings
from .worker import ATTEMPT_HEADER, REASON_HEADER, message_headers


@dataclass(frozen=True)
class DeadLetter:
    """One message in a dead queue."""

    message_id: str
    event_type: str
    reason: str


def _dead_queue(settings: Settings, connection):
    amqp = is_amqp(settings.broker_url)
    return topology.dead_queue(settings.service, amqp=amqp)(connection.default_channel)


def _event_type(message) -> str:
    # Dead letters are what could not be read: not JSON, not UTF-8, or nested too deep to parse.
    try:
        body = json.loads(message.body) if isinstance(message.body, bytes | str) else {}
    except (ValueError, RecursionError):
        return "?"
    kind = body.get("type") if isinstance(body, dict) else None
    return kind[:64] if isinstance(kind, str) else "?"


def list_dead_letters(settings: Settings) -> list[DeadLetter]:
    """The dead letters of the service, left in place."""
    letters = []
    with connect(settings) as connection:
        declare_topology(connection, settings)
        queue = _dead_queue(settings, connection)
        # Unacked gets are handed back when the channel closes: listing takes nothing away.
        while (message := queue.get(no_ack=False)) is not None:
            letters.append(
                DeadLetter(
                    message_id=message.properties.get("message_id") or "",
                    event_type=_event_type(message),
                    reason=str(message_headers(message).get(REASON_HEADER, "rejected")),
                )
            )
    return letters


def replay_dead_letters(settings: Settings, message_id: str | None = None) -> int:
    """Send dead letters back to the service's queue for another try; returns how many."""
    replayed = 0
    with connect(settings) as connection:
        declare_topology(connection, settings)
        queue = _dead_queue(settings, connection)
        publisher = ConfirmingPublisher(connect(settings).ensure_connection(max_retries=3))
        try:
            while (message := queue.get(no_ack=False)) is not None:
                if message_id and message.properties.get("message_id") != message_id:
                    continue
                headers = {
                    k: v
                    for k, v in message_headers(message).items()
                    if k not in (REASON_HEADER, ATTEMPT_HEADER)
                }
                body = message.body.decode() if isinstance(message.body, bytes) else message.body
                publisher.publish_batch(
                    [
                        Outgoing(
                            body=body,
                            routing_key=topology.events_queue_name(settings.service),
                            message_id=message.properties.get("message_id") or "",
                            exchange="",
                            headers=headers,
                        )
                    ]
                )
                message.ack()
                replayed += 1
        finally:
            publisher.connection.release()
    return replayed
