"""The scanner bundle: what a door needs to keep giving verdicts when the network drops."""

from __future__ import annotations

import base64
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import badges, presence, registrations
from ..signing.keys import ceremony_public_keys
from .attendance import known_ceremony
from .checkin import guest_summary


def scanner_bundle(session: Session, ceremony_id: uuid.UUID) -> dict[str, Any]:
    """Public keys, revoked serials and the minimal guest list of one ceremony (no emails)."""
    ceremony = known_ceremony(session, ceremony_id)
    keys = [
        {
            "kid": row.kid,
            "algorithm": "Ed25519",
            "public_key": base64.urlsafe_b64encode(row.public_key).rstrip(b"=").decode("ascii"),
            "active": row.active,
        }
        for row in ceremony_public_keys(session, ceremony_id)
    ]
    query = (
        select(
            badges.c.serial,
            badges.c.status,
            presence.c.inside,
            registrations.c.full_name,
            registrations.c.honorific,
            registrations.c.category,
            registrations.c.organisation,
        )
        .join_from(badges, presence, presence.c.badge_id == badges.c.id)
        .join(registrations, registrations.c.id == badges.c.registration_id)
        .where(badges.c.ceremony_id == ceremony_id)
        .order_by(badges.c.serial)
    )
    revoked, guests = [], []
    for row in session.execute(query):
        if row.status == "issued":
            guests.append({"serial": row.serial, "inside": row.inside, **guest_summary(row)})
        else:
            revoked.append(row.serial)
    return {
        "ceremony_id": ceremony_id,
        "title": ceremony.title,
        "generated_at": datetime.now(UTC),
        "keys": keys,
        "revoked": revoked,
        "guests": guests,
    }
