"""Rules for ceremonies: create, change, list, and whether one has started."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, changes, record, withhold
from shared.contract import programme_from_json, programme_to_json
from shared.errors import DomainError, not_found
from shared.outbox import publish_event

from .models import Ceremony, audit, outbox
from .registration_events import SOURCE
from .waitlist import promote_waitlisted

#: Fields an organiser may set, and the model attribute each lands in.
_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
    "default_language",
    "languages",
    "protocol_contact_email",
    "registration_mode",
    "privacy_notice",
    "privacy_notice_url",
    "retention_days",
)
#: A person's address: the trail says it changed, never what it was (purging removes it).
_PERSONAL = ("protocol_contact_email",)


def has_privacy_notice(ceremony: Ceremony) -> bool:
    """Whether the ceremony tells guests how their data is used (then it may ask for needs)."""
    return bool(ceremony.privacy_notice or ceremony.privacy_notice_url)


def has_started(ceremony: Ceremony, now: datetime | None = None) -> bool:
    """Whether the ceremony has begun: registration and answers close then."""
    return ceremony.starts_at <= (now or datetime.now(UTC))


def create_ceremony(
    session: Session, fields: dict[str, Any], *, actor: dict[str, Any] = SYSTEM
) -> Ceremony:
    """Create a ceremony and announce it as ``ceremony.created``; ``actor`` made it."""
    ceremony = Ceremony(id=uuid.uuid4(), sequence=0, seats_taken=0)
    _apply(ceremony, fields)
    session.add(ceremony)
    session.flush()
    publish_event(session, outbox, "ceremony.created", ceremony_data(ceremony), SOURCE)
    record(
        session,
        audit,
        actor,
        "ceremony.created",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        after=withhold(_audited(ceremony), _PERSONAL),
    )
    return ceremony


def update_ceremony(
    session: Session,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Change a ceremony (locked); a capacity below the seats already taken is refused.

    Seats added go to the waitlist first, in the order guests registered. The trail keeps
    the fields ``actor`` changed, before and after.
    """
    ceremony = lock_ceremony(session, ceremony_id)
    previous = _audited(ceremony)
    if "capacity" in fields:
        taken = ceremony.seats_taken
        if fields["capacity"] < taken:
            raise DomainError(
                "capacity_below_confirmed",
                f"{taken} guests are confirmed; the capacity cannot be lower.",
                errors={"capacity": [f"Must be at least {taken}."]},
            )
    _apply(ceremony, fields)
    if ceremony.ends_at <= ceremony.starts_at:
        raise DomainError(
            "invalid_dates",
            "The ceremony must end after it starts.",
            kind="invalid",
            errors={"ends_at": ["Must be after starts_at."]},
        )
    ceremony.sequence += 1
    ceremony.updated_at = datetime.now(UTC)
    session.flush()
    publish_event(session, outbox, "ceremony.updated", ceremony_data(ceremony), SOURCE)
    promoted = promote_waitlisted(session, ceremony)
    before, after = changes(previous, _audited(ceremony))
    if promoted:
        after["promoted"] = [guest.id for guest in promoted]
    record(
        session,
        audit,
        actor,
        "ceremony.updated",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        before=withhold(before, _PERSONAL),
        after=withhold(after, _PERSONAL),
    )
    return ceremony


def _audited(ceremony: Ceremony) -> dict[str, Any]:
    """What an organiser sets on a ceremony, as the trail compares it."""
    values = {name: getattr(ceremony, name) for name in _FIELDS}
    values["languages"] = list(ceremony.languages or [])
    values["venue"] = {"name": ceremony.venue_name, "address": ceremony.venue_address}
    values["programme"] = ceremony.programme
    return values


def _apply(ceremony: Ceremony, fields: dict[str, Any]) -> None:
    for name in _FIELDS:
        if name in fields:
            setattr(ceremony, name, fields[name])
    if "programme" in fields:
        ceremony.programme = programme_to_json(fields["programme"])
    if "venue" in fields:
        ceremony.venue_name = fields["venue"]["name"]
        ceremony.venue_address = fields["venue"].get("address")
    if ceremony.default_language and ceremony.default_language not in (ceremony.languages or []):
        ceremony.languages = [ceremony.default_language, *(ceremony.languages or [])]


def get_ceremony(session: Session, ceremony_id: uuid.UUID) -> Ceremony:
    """One ceremony, or a ``ceremony_not_found`` error."""
    ceremony = session.get(Ceremony, ceremony_id)
    if ceremony is None:
        raise not_found("ceremony", ceremony_id)
    return ceremony


def lock_ceremony(session: Session, ceremony_id: uuid.UUID) -> Ceremony:
    """The ceremony row, locked until the transaction ends: seat counting is serialised on it."""
    ceremony = session.get(Ceremony, ceremony_id, with_for_update=True, populate_existing=True)
    if ceremony is None:
        raise not_found("ceremony", ceremony_id)
    return ceremony


def list_ceremonies(session: Session) -> list[Ceremony]:
    """Every ceremony, soonest first."""
    return list(session.scalars(select(Ceremony).order_by(Ceremony.starts_at, Ceremony.title)))


def ceremony_data(ceremony: Ceremony) -> dict[str, Any]:
    """The ceremony as the ``ceremony.*`` events carry it."""
    return {
        "ceremony_id": ceremony.id,
        "title": ceremony.title,
        "starts_at": ceremony.starts_at,
        "ends_at": ceremony.ends_at,
        "timezone": ceremony.timezone,
        "venue": {"name": ceremony.venue_name, "address": ceremony.venue_address},
        "capacity": ceremony.capacity,
        "default_language": ceremony.default_language,
        "languages": list(ceremony.languages or []),
        "protocol_contact_email": ceremony.protocol_contact_email,
        "programme": programme_from_json(ceremony.programme),
        "sequence": ceremony.sequence,
    }
