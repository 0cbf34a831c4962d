"""The notifications service on SQLite, fed events as its worker would and sending for real.

Events go through the service's handlers with the inbox, as the worker applies them; emails go
through a delivery agent to a real SMTP server, with badges from a real (fake) HTTP server.
The agent's clock can be moved forward, so retries are due without waiting.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select

from services.notifications.announcements import announce
from services.notifications.compose.identity import MailIdentity
from services.notifications.deliver.smtp import RateLimiter
from services.notifications.models import deliveries, inbox, outbox
from services.notifications.service import build_agent, build_handlers, build_sender
from shared.config import Settings
from shared.contract import CATEGORIES
from shared.db import Database
from shared.events import Event
from shared.inbox import already_handled, record_handled
from tests.notifications.bus_events import (
    as_event,
    badge_data,
    ceremony_data,
    checkin_data,
    invitation_data,
    registration_data,
    seating_data,
)
from tests.notifications.fake_badges import FakeBadges


class Clock:
    """Real time, plus however far a test has moved it forward."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def advance(self, seconds: float) -> None:
        """Move time forward."""
        self.offset += timedelta(seconds=seconds)


class Notifications:
    """The service under test and ways to feed it, run its delivery and read its log."""

    def __init__(self, settings: Settings, badges: FakeBadges) -> None:
        self.settings = settings
        self.badges = badges
        self.database = Database(settings.database_url)
        self.handlers = build_handlers(settings, self.database)
        self.identity = MailIdentity.from_setting(settings.mail_from)
        self.clock = Clock()
        sender = build_sender(settings, RateLimiter(None))
        self.agent = build_agent(settings, self.database, sender)
        self.agent.clock = self.clock
        self.ceremony_id = uuid.uuid4()

    def feed(self, event: Event) -> None:
        """Apply an event as the worker does: once, in one transaction with its inbox row."""
        with self.database.transaction() as session:
            if already_handled(session, inbox, "notifications.events", str(event.event_id)):
                return
            record_handled(session, inbox, "notifications.events", str(event.event_id), event.type)
            self.handlers[event.type](session, event)

    def ceremony(self, **overrides: Any) -> dict[str, Any]:
        """Announce the ceremony."""
        data = ceremony_data(self.ceremony_id, **overrides)
        self.feed(as_event("ceremony.created", data))
        return data

    def update_ceremony(self, **overrides: Any) -> Event:
        """Announce a change of the ceremony; returns the event."""
        event = as_event("ceremony.updated", ceremony_data(self.ceremony_id, **overrides))
        self.feed(event)
        return event

    def register(self, status: str = "confirmed", **fields: Any) -> dict[str, Any]:
        """A registration event for a new guest; returns its data."""
        data = registration_data(self.ceremony_id, status, **fields)
        self.feed(as_event(f"registration.{status}", data))
        return data

    def issue_badge(self, registration: dict[str, Any]) -> Event:
        """Serve the guest's badge and announce it; returns the event."""
        event = as_event("badge.issued", badge_data(registration), "badges")
        self.badges.add(registration["registration_id"], self.ceremony_id, event.data["code"])
        self.feed(event)
        return event

    def confirm(self, **fields: Any) -> dict[str, Any]:
        """A confirmed guest with a badge: what precedes a confirmation email."""
        registration = self.register("confirmed", **fields)
        self.issue_badge(registration)
        return registration

    def promote(self, registration: dict[str, Any]) -> dict[str, Any]:
        """Announce that a waitlisted guest got a seat; returns the new registration data."""
        data = {**registration, "status": "confirmed", "promoted": True}
        self.feed(as_event("registration.confirmed", data))
        return data

    def announce(self, **fields: Any) -> dict[str, Any]:
        """Record an organiser's announcement, as the API does."""
        fields = {"categories": list(CATEGORIES), "statuses": ["confirmed"], **fields}
        with self.database.transaction() as session:
            return announce(session, self.identity, self.ceremony_id, fields)

    def cancel(self, registration: dict[str, Any]) -> None:
        """Announce that the guest cancelled."""
        data = {**registration, "status": "cancelled", "previous_status": registration["status"]}
        self.feed(as_event("registration.cancelled", data))

    def invite(self, **fields: Any) -> dict[str, Any]:
        """Announce a new invitation; returns its data."""
        data = invitation_data(self.ceremony_id, **fields)
        self.feed(as_event("invitation.created", data))
        return data

    def invitation_event(self, invitation: dict[str, Any], event_type: str, **fields: Any):
        """Announce a later step of an invitation; returns the event."""
        event = as_event(f"invitation.{event_type}", {**invitation, **fields})
        self.feed(event)
        return event

    def admit(self, registration: dict[str, Any], **fields: Any) -> Event:
        """Announce that the guest was admitted at the door; returns the event."""
        event = as_event("checkin.recorded", checkin_data(registration, **fields), "badges")
        self.feed(event)
        return event

    def seat(self, registration: dict[str, Any], seat, previous=None, **fields: Any) -> Event:
        """Announce the guest's seat (None frees it); returns the event."""
        event = as_event("seating.assigned", seating_data(registration, seat, previous, **fields))
        self.feed(event)
        return event

    def deliver(self) -> int:
        """Send every email due now; returns how many were tried."""
        count = 0
        while self.agent.deliver_next():
            count += 1
        return count

    def log(self, **where: Any) -> list:
        """Delivery rows, oldest first, optionally filtered by column values."""
        query = select(deliveries).order_by(deliveries.c.created_at, deliveries.c.id)
        for column, value in where.items():
            query = query.where(deliveries.c[column] == value)
        with self.database.sessions() as session:
            return list(session.execute(query))

    def published(self, event_type: str) -> list[str]:
        """Bodies of the events of one type waiting in the outbox."""
        query = select(outbox.c.body).where(outbox.c.event_type == event_type)
        with self.database.sessions() as session:
            return list(session.execute(query).scalars())

    def close(self) -> None:
        """Release connections."""
        self.agent.close()
        self.database.dispose()
