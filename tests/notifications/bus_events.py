"""Bus events as registration and badges publish them, built and parsed by the real contracts."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events import Event, make_envelope, parse_envelope

#: 15:00 UTC is 17:00 in Geneva in June.
STARTS_AT = datetime(2030, 6, 13, 15, 0, tzinfo=UTC)


def as_event(event_type: str, data: dict[str, Any], producer: str = "registration") -> Event:
    """The event a consumer receives once ``data`` has travelled the bus."""
    return parse_envelope(make_envelope(event_type, data, producer))


def ceremony_data(ceremony_id: uuid.UUID, **overrides: Any) -> dict[str, Any]:
    """A closing ceremony in Geneva, as ``ceremony.*`` events carry it."""
    data = {
        "ceremony_id": ceremony_id,
        "title": "Closing Ceremony of the International Protocol Course",
        "starts_at": STARTS_AT,
        "ends_at": STARTS_AT + timedelta(hours=2, minutes=30),
        "timezone": "Europe/Zurich",
        "venue": {"name": "Palais des Nations", "address": "Avenue de la Paix 14, Geneva"},
        "capacity": 100,
        "default_language": "en",
        "languages": ["en", "fr", "zh"],
        "protocol_contact_email": "protocol@example.org",
        "programme": [
            {"title": "Welcome address", "speaker": "Dr Helena Marsh", "starts_at": STARTS_AT},
        ],
        "sequence": 0,
    }
    data.update(overrides)
    return data


def registration_data(
    ceremony_id: uuid.UUID, status: str = "confirmed", **overrides: Any
) -> dict[str, Any]:
    """A guest's registration, as ``registration.*`` events carry it."""
    registration_id = overrides.pop("registration_id", None) or uuid.uuid4()
    data = {
        "registration_id": registration_id,
        "ceremony_id": ceremony_id,
        "full_name": "Amina Diallo",
        "email": f"guest-{str(registration_id)[:8]}@example.org",
        "honorific": "Ms",
        "organisation": "Ministry of Foreign Affairs",
        "job_title": None,
        "language": "en",
        "category": "guest",
        "precedence": None,
        "status": status,
        "reserved": False,
        "promoted": False,
        "previous_status": None,
    }
    data.update(overrides)
    return data


def badge_data(registration: dict[str, Any], code: str | None = None) -> dict[str, Any]:
    """The ``badge.issued`` data for a registration."""
    return {
        "badge_id": uuid.uuid4(),
        "registration_id": registration["registration_id"],
        "ceremony_id": registration["ceremony_id"],
        "code": code or f"CODE-{registration['registration_id']}",
    }


def invitation_data(ceremony_id: uuid.UUID, status: str = "pending", **overrides: Any) -> dict:
    """An invitation, as ``invitation.*`` events carry it."""
    invitation_id = overrides.pop("invitation_id", None) or uuid.uuid4()
    data = {
        "invitation_id": invitation_id,
        "ceremony_id": ceremony_id,
        "full_name": "Li Wei",
        "email": f"invitee-{str(invitation_id)[:8]}@example.org",
        "honorific": "H.E. Mr",
        "organisation": "Ministry of Foreign Affairs",
        "job_title": "Director General",
        "language": "en",
        "category": "dignitary",
        "precedence": 1,
        "status": status,
        "registration_id": None,
    }
    data.update(overrides)
    return data


def checkin_data(registration: dict[str, Any], gate: str = "North Gate", **overrides: Any):
    """The ``checkin.recorded`` data of an admission at the door."""
    data = {
        "checkin_id": uuid.uuid4(),
        "ceremony_id": registration["ceremony_id"],
        "registration_id": registration["registration_id"],
        "gate": gate,
        "direction": "in",
        "at": STARTS_AT - timedelta(minutes=19),
        "guest": {
            "full_name": registration["full_name"],
            "honorific": registration["honorific"],
            "category": registration["category"],
            "organisation": registration["organisation"],
            "attention": registration["category"] in ("dignitary", "speaker"),
        },
    }
    data.update(overrides)
    return data


def seat_info(section: str = "A", row: str = "1", number: int = 5, **overrides: Any) -> dict:
    """A seat as ``seating.assigned`` carries it (``shared.venue.SeatInfoSchema``)."""
    data = {
        "id": f"{section}:{row}:{number}",
        "section": section,
        "kind": "rows",
        "row": row,
        "number": number,
        "block": "Guests",
    }
    data.update(overrides)
    return data


def seating_data(
    registration: dict[str, Any],
    seat: dict[str, Any] | None,
    previous_seat: dict[str, Any] | None = None,
    **overrides: Any,
) -> dict[str, Any]:
    """The ``seating.assigned`` data giving a guest ``seat`` (None: freeing it), announced."""
    data = {
        "ceremony_id": registration["ceremony_id"],
        "registration_id": registration["registration_id"],
        "seat": seat,
        "previous_seat": previous_seat,
        "reason": "precedence 3, block Guests",
        "accessible_seat": False,
        "announce": True,
    }
    data.update(overrides)
    return data
