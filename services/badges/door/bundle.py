"""The scanner bundle: what a door needs to keep giving verdicts when the network drops."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..models import badges, ceremony_access, presence, seats
from ..projections import GUEST_COLUMNS, badge_holders, guest_summary, known_ceremony
from ..signing import codes
from ..signing.keys import ceremony_public_keys
from ..venue import SEAT_COLUMNS, seat_view


def scanner_bundle(session: Session, ceremony_id: uuid.UUID) -> dict[str, Any]:
    """Public keys, revoked serials, the zones and door hours, and the minimal guest list of
    one ceremony (no emails): each guest with their category and seat, so the door applies
    the same rules offline."""
    ceremony = known_ceremony(session, ceremony_id)
    keys = [
        {
            "kid": row.kid,
            "algorithm": "Ed25519",
            "public_key": codes.public_key_b64(Ed25519PublicKey.from_public_bytes(row.public_key)),
            "active": row.active,
        }
        for row in ceremony_public_keys(session, ceremony_id)
    ]
    query = (
        badge_holders(
            badges.c.serial, badges.c.status, presence.c.inside, *GUEST_COLUMNS, *SEAT_COLUMNS
        )
        .outerjoin(seats, seats.c.registration_id == badges.c.registration_id)
        .where(badges.c.ceremony_id == ceremony_id)
        .order_by(badges.c.serial)
    )
    revoked, guests = [], []
    for row in session.execute(query):
        if row.status == "issued":
            guests.append(
                {
                    "serial": row.serial,
                    "inside": row.inside,
                    **guest_summary(row),
                    "seat": seat_view(row, "en"),
                    "accessible_seat": bool(row.accessible_seat),
                }
            )
        else:
            revoked.append(row.serial)
    return {
        "ceremony_id": ceremony_id,
        "title": ceremony.title,
        # After this (and a day) the door forgets the guest list.
        "ends_at": ceremony.ends_at,
        "generated_at": datetime.now(UTC),
        "keys": keys,
        "revoked": revoked,
        "guests": guests,
        **_access(session, ceremony_id),
    }


def _access(session: Session, ceremony_id: uuid.UUID) -> dict[str, Any]:
    kept = session.execute(
        select(ceremony_access.c.zones, ceremony_access.c.gate_rules).where(
            ceremony_access.c.ceremony_id == ceremony_id
        )
    ).first()
    if kept is None:
        return {"zones": [], "gate_rules": []}
    rules = [
        {**rule, "opens_at": _instant(rule["opens_at"]), "closes_at": _instant(rule["closes_at"])}
        for rule in kept.gate_rules
    ]
    return {"zones": kept.zones, "gate_rules": rules}


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None
