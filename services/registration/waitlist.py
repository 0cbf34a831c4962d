"""Public seats: taken one at a time under the ceremony's row lock, and given to the waitlist."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from .models import Ceremony, Registration
from .registration_events import announce_registration


def take_public_seat(session: Session, ceremony_id: uuid.UUID) -> bool:
    """Take one public seat if any is free; the ceremony row stays locked until commit."""
    taken = session.execute(
        update(Ceremony)
        .where(Ceremony.id == ceremony_id, Ceremony.seats_taken < Ceremony.capacity)
        .values(seats_taken=Ceremony.seats_taken + 1)
        .returning(Ceremony.seats_taken)
        .execution_options(synchronize_session=False)
    ).first()
    return taken is not None


def promote_waitlisted(session: Session, ceremony: Ceremony) -> list[Registration]:
    """Give free public seats to waitlisted guests in the order they registered.

    The caller holds the ceremony's row lock.
    """
    free = ceremony.capacity - ceremony.seats_taken
    if free <= 0:
        return []
    waiting = session.scalars(
        select(Registration)
        .where(Registration.ceremony_id == ceremony.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
        .limit(free)
    ).all()
    for registration in waiting:
        ceremony.seats_taken += 1
        registration.status = "confirmed"
        registration.confirmed_at = datetime.now(UTC)
        session.flush()
        announce_registration(session, registration, promoted=True)
    return list(waiting)
