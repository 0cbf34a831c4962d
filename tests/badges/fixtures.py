"""The badges app on a migrated database, fed with events the way its worker handles them.

Used by the unit tests (SQLite) and the integration tests (PostgreSQL): each provides a
``settings`` fixture and star-imports these.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.badges.app import create_app
from services.badges.service import SERVICE
from shared.events import make_envelope, parse_envelope
from shared.worker import EventWorker

STARTS_AT = datetime(2031, 6, 20, 13, 0, tzinfo=UTC)


def ceremony_envelope(
    ceremony_id: uuid.UUID, event_type: str = "ceremony.created", **overrides
) -> dict:
    """A valid ``ceremony.created`` (or ``.updated``) envelope."""
    data = {
        "ceremony_id": ceremony_id,
        "title": "Closing Ceremony of the Senior Officers' Course",
        "starts_at": STARTS_AT,
        "ends_at": STARTS_AT + timedelta(hours=2),
        "timezone": "Europe/Paris",
        "venue": {"name": "Palais des Nations", "address": None},
        "capacity": 100,
        "default_language": "en",
        "languages": ["en", "fr", "zh"],
        "protocol_contact_email": "protocol@example.org",
        "programme": [],
        "sequence": 0,
    }
    data.update(overrides)
    return make_envelope(event_type, data, "registration")


def registration_envelope(
    event_type: str, registration_id: uuid.UUID, ceremony_id: uuid.UUID, **fields
) -> dict:
    """A valid ``registration.*`` envelope; the status follows the event type."""
    data = {
        "registration_id": registration_id,
        "ceremony_id": ceremony_id,
        "full_name": "Ada Lovelace",
        "email": f"{registration_id.hex[:12]}@example.org",
        "honorific": None,
        "organisation": None,
        "job_title": None,
        "language": "en",
        "category": "guest",
        "precedence": None,
        "status": event_type.split(".", 1)[1],
        "reserved": False,
    }
    data.update(fields)
    return make_envelope(event_type, data, "registration")


def at(envelope: dict, when: datetime) -> dict:
    """The envelope as if its event had happened at ``when``."""
    return {**envelope, "occurred_at": when.isoformat()}


class Feed:
    """Delivers events to the badges handlers through the worker's own inbox handling."""

    def __init__(self, settings, database):
        handlers = SERVICE.build_handlers(settings, database)
        self.worker = EventWorker(SERVICE, settings, database, handlers)
        self.last_by_registration: dict[uuid.UUID, dict] = {}

    def deliver(self, envelope: dict) -> bool:
        """Handle one event; False when the inbox had it already."""
        event = parse_envelope(envelope)
        return self.worker.handle(event, self.worker.handlers[event.type])

    def confirm(self, ceremony_id: uuid.UUID, **fields) -> uuid.UUID:
        """A new confirmed registration; returns its id."""
        registration_id = uuid.uuid4()
        envelope = registration_envelope(
            "registration.confirmed", registration_id, ceremony_id, **fields
        )
        self.last_by_registration[registration_id] = envelope
        self.deliver(envelope)
        return registration_id

    def cancel(self, registration_id: uuid.UUID) -> None:
        """Cancel a registration confirmed through ``confirm``."""
        confirmed = self.last_by_registration[registration_id]["data"]
        fields = {k: v for k, v in confirmed.items() if k not in ("registration_id", "status")}
        ceremony_id = uuid.UUID(fields.pop("ceremony_id"))
        self.deliver(
            registration_envelope("registration.cancelled", registration_id, ceremony_id, **fields)
        )

    def close(self) -> None:
        """Release the worker's (never opened) bus connection."""
        self.worker.close()


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.testing = True
    yield app
    app.extensions["ceremony"].database.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def database(app):
    return app.extensions["ceremony"].database


@pytest.fixture
def feed(settings, database):
    feed = Feed(settings, database)
    yield feed
    feed.close()


@pytest.fixture
def ceremony_id(feed) -> uuid.UUID:
    ceremony_id = uuid.uuid4()
    feed.deliver(ceremony_envelope(ceremony_id))
    return ceremony_id


@pytest.fixture
def other_ceremony_id(feed) -> uuid.UUID:
    ceremony_id = uuid.uuid4()
    feed.deliver(ceremony_envelope(ceremony_id, title="Another Ceremony"))
    return ceremony_id


def bearer(token: str) -> dict[str, str]:
    """An Authorization header for a token or capability."""
    return {"Authorization": f"Bearer {token}"}


def get_badge(client, headers, registration_id: uuid.UUID) -> dict:
    """The badge JSON of a registration, as an organiser sees it."""
    response = client.get(f"/api/registrations/{registration_id}/badge", headers=headers)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def seating_envelope(
    registration_id: uuid.UUID, ceremony_id: uuid.UUID, seat: str | None = "A:1:5", **fields
) -> dict:
    """A valid ``seating.assigned`` envelope giving ``seat`` (an id; None frees the seat)."""
    data = {
        "ceremony_id": ceremony_id,
        "registration_id": registration_id,
        "seat": seat_info(seat) if seat else None,
        "reason": "precedence 1, block Front",
        "accessible_seat": False,
        **fields,
    }
    return make_envelope("seating.assigned", data, "registration")


def seat_info(seat: str, block: str = "Front") -> dict:
    """A seat as events carry it, from its id ``section:row:number``."""
    section, row, number = seat.split(":")
    return {
        "id": seat,
        "section": section,
        "kind": "rows",
        "row": row,
        "number": int(number),
        "block": block,
    }
