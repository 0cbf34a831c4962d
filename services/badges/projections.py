"""What this service reads of the ceremonies and registrations it keeps from the bus.

One query joins a badge to its holder's registration and presence; the door, the search, the
scanner bundle and attendance all start from it.
"""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from shared.contract import VIP_CATEGORIES
from shared.errors import not_found

from .models import badges, ceremonies, presence, registrations

#: What a door shows of a badge holder (no email, nothing a scanner does not need).
GUEST_COLUMNS = (
    registrations.c.full_name,
    registrations.c.honorific,
    registrations.c.name_latin,
    registrations.c.category,
    registrations.c.organisation,
)


def badge_holders(*columns) -> Select:
    """``columns`` of every badge with its holder's registration and presence row."""
    return (
        select(*columns)
        .join_from(badges, presence, presence.c.badge_id == badges.c.id)
        .join(registrations, registrations.c.id == badges.c.registration_id)
    )


def guest_summary(row) -> dict[str, Any]:
    """The badge holder as a door shows them, from a row with the ``GUEST_COLUMNS``."""
    return {
        "full_name": row.full_name,
        "honorific": row.honorific,
        "name_latin": row.name_latin,
        "category": row.category,
        "organisation": row.organisation,
        "attention": row.category in VIP_CATEGORIES,
    }


def known_ceremony(session: Session, ceremony_id: uuid.UUID):
    """The ceremony's local copy, or a ``ceremony_not_found`` error."""
    row = session.execute(select(ceremonies).where(ceremonies.c.id == ceremony_id)).first()
    if row is None:
        raise not_found("ceremony", ceremony_id)
    return row
