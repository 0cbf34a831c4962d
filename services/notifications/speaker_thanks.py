"""The letter of thanks to a ceremony's speakers, queued once the ceremony is over.

A periodic step of the delivery loop. A ceremony is over once its ``ends_at`` has passed; for
``THANKS_WINDOW`` after that, each confirmed registration of category ``speaker``, and each
registration a programme item names as its speaker (by the registration, or by the invitation
whose acceptance made it), is thanked. Past the window nobody is (a
ceremony projected long after it ended, or a worker that was down for weeks, sends no late
thanks). Each (ceremony, registration) is claimed in ``speaker_thanks`` in the transaction that
queues its letter, so it is thanked once ever: whatever restarts, however many workers run the
step, and even if the speaker's address changes afterwards.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.db import Database

from .compose.identity import MailIdentity
from .deliver.log import record_for_registration
from .models import ceremonies, invitations, registrations, speaker_thanks

log = logging.getLogger(__name__)

#: How long after a ceremony's end its speakers are still thanked.
THANKS_WINDOW = timedelta(days=14)
#: The category of registration that is thanked whether or not the programme names it.
SPEAKER_CATEGORY = "speaker"

_THANKS = uuid.UUID("0b7f6a3e-2c1d-4e8f-9a5b-6d4c3b2a1f09")


def thanks_key(ceremony_id: object, registration_id: object) -> uuid.UUID:
    """What names a speaker's letter of thanks in the delivery log: one per (ceremony, guest)."""
    return uuid.uuid5(_THANKS, f"{ceremony_id}/{registration_id}")


def _registration_of_invitation(session: Session, ceremony_id: Any) -> dict[str, str]:
    query = select(invitations.c.id, invitations.c.registration_id).where(
        invitations.c.ceremony_id == ceremony_id, invitations.c.registration_id.is_not(None)
    )
    return {str(row.id): str(row.registration_id) for row in session.execute(query)}


def item_speakers(session: Session, ceremony: Any) -> list[str | None]:
    """Who gives each item of the ceremony's programme: a registration id, or None."""
    items = ceremony.programme or []
    accepted = {}
    if any(item.get("invitation_id") for item in items):
        accepted = _registration_of_invitation(session, ceremony.id)
    return [
        item.get("registration_id") or accepted.get(item.get("invitation_id") or "")
        for item in items
    ]


def items_given_by(session: Session, ceremony: Any, registration_id: Any) -> list[int]:
    """The positions in the programme of the items the registration's holder gave."""
    wanted = str(registration_id)
    return [n for n, who in enumerate(item_speakers(session, ceremony)) if who == wanted]


def speakers_to_thank(session: Session, ceremony: Any) -> list:
    """The ceremony's confirmed speakers (by category or by the programme) not thanked yet."""
    named = [uuid.UUID(who) for who in set(item_speakers(session, ceremony)) if who]
    thanked = exists().where(
        and_(
            speaker_thanks.c.ceremony_id == registrations.c.ceremony_id,
            speaker_thanks.c.registration_id == registrations.c.id,
        )
    )
    query = select(registrations).where(
        registrations.c.ceremony_id == ceremony.id,
        registrations.c.status == "confirmed",
        registrations.c.email != "",  # an erased person
        or_(registrations.c.category == SPEAKER_CATEGORY, registrations.c.id.in_(named)),
        ~thanked,
    )
    return list(session.execute(query.order_by(registrations.c.email)))


def _claim(session: Session, ceremony_id: Any, registration_id: Any, now: datetime) -> bool:
    """Mark the speaker thanked; False if another worker did first."""
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    statement = (
        dialect.insert(speaker_thanks)
        .values(ceremony_id=ceremony_id, registration_id=registration_id, queued_at=now)
        .on_conflict_do_nothing()
        .returning(speaker_thanks.c.registration_id)
    )
    return session.execute(statement).first() is not None


def queue_speaker_thanks(database: Database, identity: MailIdentity, now: datetime) -> int:
    """Queue the letters of thanks due at ``now``; returns how many were queued."""
    queued = 0
    with database.transaction() as session:
        ended = session.execute(
            select(ceremonies).where(
                ceremonies.c.ends_at <= now, ceremonies.c.ends_at > now - THANKS_WINDOW
            )
        ).all()
        for ceremony in ended:
            for speaker in speakers_to_thank(session, ceremony):
                if not _claim(session, ceremony.id, speaker.id, now):
                    continue
                key = thanks_key(ceremony.id, speaker.id)
                queued += record_for_registration(session, identity, key, "speaker_thanks", speaker)
    if queued:
        log.info("queued %d letters of thanks to speakers", queued)
    return queued
