"""Every exchange, queue and binding of the suite, declared in one place.

Each process declares the whole topology, not only its own queues: an event published before its
consumer ever ran still has a queue to wait in, and the file bus routes in the publishing process.
"""

from __future__ import annotations

from kombu import Exchange, Queue, binding

EVENTS = Exchange("ceremony.events", type="topic", durable=True)
DEAD = Exchange("ceremony.dead", type="direct", durable=True)

#: The event types each service handles: its queue's bindings.
SUBSCRIPTIONS: dict[str, tuple[str, ...]] = {
    "registration": (
        "checkin.recorded",
        "delivery.failed",
        "certificate.issued",
        "certificate.revoked",
    ),
    "badges": (
        "ceremony.created",
        "ceremony.updated",
        "registration.confirmed",
        "registration.cancelled",
        "registration.updated",
        "registration.erased",
        "ceremony.purged",
        "credential.revoked",
        "account.signed_out",
        "role.granted",
        "role.revoked",
        "seating.assigned",
        "course.updated",
        "graduate.updated",
    ),
    "notifications": (
        "ceremony.created",
        "ceremony.updated",
        "registration.confirmed",
        "registration.waitlisted",
        "registration.cancelled",
        "registration.requested",
        "registration.request_declined",
        "registration.link_requested",
        "registration.updated",
        "registration.confirmation_resent",
        "registration.erased",
        "ceremony.purged",
        "invitation.created",
        "invitation.reminded",
        "invitation.accepted",
        "invitation.declined",
        "badge.issued",
        "checkin.recorded",
        "credential.revoked",
        "account.signed_out",
        "role.granted",
        "role.revoked",
        "account.password_reset_requested",
        "account.invited",
        "seating.assigned",
        "course.updated",
        "certificate.issued",
    ),
}

#: Redeliveries after which RabbitMQ itself dead-letters a message (a worker crashing on it).
DELIVERY_LIMIT = 20


def events_queue_name(service: str) -> str:
    """The durable queue where ``service`` receives its events."""
    return f"{service}.events"


def retry_queue_name(service: str) -> str:
    """Where a failed message waits before it is handled again."""
    return f"{service}.retry"


def dead_queue_name(service: str) -> str:
    """Where messages that failed validation or exhausted their tries are kept."""
    return f"{service}.dead"


def events_queue(service: str, *, amqp: bool = True) -> Queue:
    """The service's quorum queue, bound to the events it handles."""
    args = {
        "x-queue-type": "quorum",
        "x-dead-letter-exchange": DEAD.name,
        "x-dead-letter-routing-key": service,
        "x-delivery-limit": DELIVERY_LIMIT,
    }
    bindings = SUBSCRIPTIONS[service]
    return Queue(
        events_queue_name(service),
        bindings=[binding(EVENTS, routing_key=key) for key in bindings],
        durable=True,
        queue_arguments=args if amqp else None,
    )


def retry_queue(service: str, delay_seconds: float, *, amqp: bool = True) -> Queue:
    """A queue whose messages expire after the delay and dead-letter back to the service."""
    args = {
        "x-queue-type": "quorum",
        "x-message-ttl": int(delay_seconds * 1000),
        "x-dead-letter-exchange": "",
        "x-dead-letter-routing-key": events_queue_name(service),
    }
    return Queue(
        retry_queue_name(service),
        durable=True,
        queue_arguments=args if amqp else None,
    )


def dead_queue(service: str, *, amqp: bool = True) -> Queue:
    """The service's dead-letter queue, fed by ``ceremony.dead`` under the service's name."""
    return Queue(
        dead_queue_name(service),
        exchange=DEAD,
        routing_key=service,
        durable=True,
        queue_arguments={"x-queue-type": "quorum"} if amqp else None,
    )


def all_queues(delay_seconds: float, *, amqp: bool = True) -> list[Queue]:
    """Every queue of every service."""
    queues = []
    for service in SUBSCRIPTIONS:
        queues.append(events_queue(service, amqp=amqp))
        queues.append(retry_queue(service, delay_seconds, amqp=amqp))
        queues.append(dead_queue(service, amqp=amqp))
    return queues
