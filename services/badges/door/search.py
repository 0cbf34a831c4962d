"""What the door page looks up besides a scan: ceremonies, guests by name, a guest's badge code.

A guest who forgot the badge is found by name and admitted with the code of their badge on
file, through the same ``perform_checkin`` as a scan, so every door rule holds for them too.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from shared.contract import fold
from shared.errors import DomainError

from ..models import badges, ceremonies, presence
from ..projections import GUEST_COLUMNS, badge_holders, guest_summary

#: Fewer characters than this match too many guests to be worth showing.
MIN_QUERY_CHARS = 2
MAX_MATCHES = 20
#: Scripts whose one character is a syllable, and often a whole surname (王, 李, 김): one is
#: enough. The CJK ideograph blocks, their compatibility forms, and Hangul.
WHOLE_SYLLABLES = (
    (0x3400, 0x4DBF),
    (0x4E00, 0x9FFF),
    (0xF900, 0xFAFF),
    (0x20000, 0x3134F),
    (0x1100, 0x11FF),
    (0x3130, 0x318F),
    (0xAC00, 0xD7AF),
)


def door_ceremonies(session: Session, ceremony_id: uuid.UUID | None) -> list[dict[str, Any]]:
    """The ceremonies a door may open: the token's own, or every known one, soonest first."""
    c = ceremonies.c
    query = select(c.id, c.title, c.starts_at, c.timezone)
    if ceremony_id is not None:
        query = query.where(ceremonies.c.id == ceremony_id)
    rows = session.execute(query.order_by(ceremonies.c.starts_at, ceremonies.c.title))
    # The zone, so that the door tells its hours in the ceremony's local time.
    return [
        {"id": row.id, "title": row.title, "starts_at": row.starts_at, "timezone": row.timezone}
        for row in rows
    ]


def long_enough(name: str) -> bool:
    """Whether ``name`` is worth searching for: two characters, or one Chinese or Korean one."""
    letters = "".join(name.split())
    if len(letters) >= MIN_QUERY_CHARS:
        return True
    return any(low <= ord(c) <= high for c in letters for low, high in WHOLE_SYLLABLES)


def find_guests(session: Session, ceremony_id: uuid.UUID, name: str) -> list[dict[str, Any]]:
    """Badge holders of a ceremony whose name, or its Latin transliteration, holds every word
    of ``name``, live badges first.

    Matched in Python rather than SQL: accents and non-Latin case rules are handled alike on
    SQLite and PostgreSQL, and a ceremony has hundreds of guests, not millions.
    """
    if not long_enough(name):
        return []
    # Folding splits a Hangul syllable into its letters: on both sides, so 김 still finds 김민준.
    words = fold(name).split()
    query = (
        badge_holders(
            badges.c.registration_id,
            badges.c.serial,
            badges.c.status,
            presence.c.inside,
            presence.c.last_in_at,
            presence.c.last_in_gate,
            *GUEST_COLUMNS,
        )
        .where(badges.c.ceremony_id == ceremony_id)
        # A registration's live badge before its revoked ones, so it is the one kept below.
        .order_by(case((badges.c.status == "issued", 0), else_=1), badges.c.issued_at.desc())
    )
    found: dict[uuid.UUID, dict[str, Any]] = {}
    for row in session.execute(query):
        if row.registration_id in found:
            continue
        # Staff who cannot read a name's script find it by its transliteration.
        names = fold(f"{row.full_name} {row.name_latin or ''}")
        if all(word in names for word in words):
            found[row.registration_id] = {
                "registration_id": row.registration_id,
                "serial": row.serial,
                "status": row.status,
                "inside": row.inside,
                "admitted_at": row.last_in_at if row.inside else None,
                "admitted_gate": row.last_in_gate if row.inside else None,
                **guest_summary(row),
            }
    matches = sorted(found.values(), key=lambda g: (fold(g["full_name"]), g["serial"]))
    return matches[:MAX_MATCHES]


def badge_code_for(session: Session, ceremony_id: uuid.UUID, registration_id: uuid.UUID) -> str:
    """The code of a registration's badge at this ceremony: its live one, else its last revoked.

    A revoked code still goes to the door, which answers ``revoked`` as it would at a scan.
    """
    query = (
        select(badges.c.code)
        .where(badges.c.ceremony_id == ceremony_id, badges.c.registration_id == registration_id)
        .order_by(case((badges.c.status == "issued", 0), else_=1), badges.c.issued_at.desc())
        .limit(1)
    )
    code = session.execute(query).scalar_one_or_none()
    if code is None:
        raise DomainError(
            "badge_not_found",
            f"Registration {registration_id} has no badge for this ceremony.",
            kind="not_found",
        )
    return code
