"""Events published on a real bus, as registration and badges publish them, for worker tests."""

from __future__ import annotations

import uuid
from typing import Any

from shared.bus import ConfirmingPublisher, Outgoing, connect, declare_topology, dump_body
from shared.config import Settings
from shared.events import make_envelope
from tests.notifications.bus_events import badge_data, ceremony_data, registration_data
from tests.notifications.fake_badges import FakeBadges


def publish(settings: Settings, envelopes: list[dict[str, Any]]) -> None:
    """Publish envelopes to the events exchange, with confirms."""
    with connect(settings) as connection:
        declare_topology(connection, settings)
        ConfirmingPublisher(connection).publish_batch(
            Outgoing(body=dump_body(e), routing_key=e["type"], message_id=e["event_id"])
            for e in envelopes
        )


def ceremony_created(ceremony_id: uuid.UUID) -> dict[str, Any]:
    """The envelope announcing the ceremony."""
    return make_envelope("ceremony.created", ceremony_data(ceremony_id), "registration")


def confirmed_guests(ceremony_id: uuid.UUID, badges: FakeBadges, count: int) -> list[dict]:
    """For each guest: ``registration.confirmed``, then ``badge.issued`` with a served badge."""
    envelopes = []
    for n in range(count):
        registration = registration_data(ceremony_id, email=f"guest{n:03d}@example.org")
        badge = badge_data(registration)
        badges.add(registration["registration_id"], ceremony_id, badge["code"])
        envelopes.append(make_envelope("registration.confirmed", registration, "registration"))
        envelopes.append(make_envelope("badge.issued", badge, "badges"))
    return envelopes


def waitlisted_guests(ceremony_id: uuid.UUID, count: int) -> list[dict]:
    """``registration.waitlisted`` for ``count`` guests."""
    return [
        make_envelope(
            "registration.waitlisted",
            registration_data(ceremony_id, "waitlisted", email=f"waiting{n:03d}@example.org"),
            "registration",
        )
        for n in range(count)
    ]
