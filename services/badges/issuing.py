"""Rules for badges: one live badge per confirmed registration, revoked when it is cancelled."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.outbox import publish_event

from .models import badges, outbox, presence, registrations
from .signing import codes
from .signing.keys import KeyRing

log = logging.getLogger(__name__)

PRODUCER = "badges"


def issue_badge(session: Session, keys: KeyRing, registration_id: uuid.UUID):
    """Issue the badge of a confirmed registration; returns it, or None if it gets none.

    Safe to call any number of times: a registration with a live badge keeps it, and one that
    is not (or no longer) confirmed in the local copy gets nothing, whatever order events came in.
    """
    registration = session.execute(
        select(registrations.c.ceremony_id, registrations.c.status).where(
            registrations.c.id == registration_id
        )
    ).first()
    if registration is None or registration.status != "confirmed":
        return None
    existing = live_badge(session, registration_id)
    if existing is not None:
        return existing
    signing = keys.signing_key(session, registration.ceremony_id)
    serial = codes.new_serial()
    badge = {
        "id": uuid.uuid4(),
        "registration_id": registration_id,
        "ceremony_id": registration.ceremony_id,
        "serial": serial.hex(),
        "kid": signing.kid,
        "code": codes.sign_code(signing.key, registration.ceremony_id, serial),
        "status": "issued",
        "issued_at": datetime.now(UTC),
    }
    session.execute(badges.insert().values(**badge))
    session.execute(
        presence.insert().values(
            badge_id=badge["id"], ceremony_id=registration.ceremony_id, inside=False
        )
    )
    publish_event(session, outbox, "badge.issued", _badge_data(badge), PRODUCER)
    log.info("issued badge %s for registration %s", badge["id"], registration_id)
    return live_badge(session, registration_id)


def revoke_badge(session: Session, registration_id: uuid.UUID) -> list:
    """Revoke the live badge of a cancelled registration; returns the badges revoked."""
    status = session.execute(
        select(registrations.c.status).where(registrations.c.id == registration_id)
    ).scalar_one_or_none()
    if status != "cancelled":
        return []
    live = session.execute(
        select(badges)
        .where(badges.c.registration_id == registration_id, badges.c.status == "issued")
        .with_for_update()
    ).all()
    now = datetime.now(UTC)
    for badge in live:
        session.execute(
            badges.update().where(badges.c.id == badge.id).values(status="revoked", revoked_at=now)
        )
        publish_event(session, outbox, "badge.revoked", _badge_data(badge._mapping), PRODUCER)
        log.info("revoked badge %s of registration %s", badge.id, registration_id)
    return live


def live_badge(session: Session, registration_id: uuid.UUID):
    """The registration's issued badge, or None."""
    query = select(badges).where(
        badges.c.registration_id == registration_id, badges.c.status == "issued"
    )
    return session.execute(query).first()


def _badge_data(badge) -> dict:
    return {
        "badge_id": badge["id"],
        "registration_id": badge["registration_id"],
        "ceremony_id": badge["ceremony_id"],
        "code": badge["code"],
    }
