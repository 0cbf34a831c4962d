"""Who is expected, who came, who is inside, and when each VIP arrived."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from shared.contract import VIP_CATEGORIES, protocol_order

from ..models import badges, checkins, presence, registrations
from ..projections import badge_holders, known_ceremony


def attendance(session: Session, ceremony_id: uuid.UUID) -> dict[str, Any]:
    """The ceremony's attendance: totals, by category, by gate, and the VIP list."""
    known_ceremony(session, ceremony_id)
    by_category = _by_category(session, ceremony_id)
    return {
        "ceremony_id": ceremony_id,
        "registered": sum(row["registered"] for row in by_category),
        "admitted": sum(row["admitted"] for row in by_category),
        "inside": sum(row["inside"] for row in by_category),
        "by_category": by_category,
        "by_gate": _by_gate(session, ceremony_id),
        "vips": _vips(session, ceremony_id),
    }


def _by_category(session: Session, ceremony_id: uuid.UUID) -> list[dict[str, Any]]:
    # Revoked badges count as admitted if their holder came before cancelling, not as expected.
    query = (
        badge_holders(
            registrations.c.category,
            func.sum(case((badges.c.status == "issued", 1), else_=0)).label("registered"),
            func.count(presence.c.first_in_at).label("admitted"),
            func.sum(case((presence.c.inside, 1), else_=0)).label("inside"),
        )
        .where(badges.c.ceremony_id == ceremony_id)
        .group_by(registrations.c.category)
        .order_by(registrations.c.category)
    )
    return [
        {
            "category": row.category,
            "registered": int(row.registered or 0),
            "admitted": int(row.admitted or 0),
            "inside": int(row.inside or 0),
        }
        for row in session.execute(query)
    ]


def _by_gate(session: Session, ceremony_id: uuid.UUID) -> list[dict[str, Any]]:
    query = (
        select(
            checkins.c.gate,
            func.sum(case((checkins.c.result == "admitted", 1), else_=0)).label("entries"),
            func.sum(case((checkins.c.result == "exited", 1), else_=0)).label("exits"),
        )
        .where(
            checkins.c.ceremony_id == ceremony_id,
            checkins.c.result.in_(("admitted", "exited")),
        )
        .group_by(checkins.c.gate)
    )
    rows = [
        {"gate": row.gate, "entries": int(row.entries), "exits": int(row.exits)}
        for row in session.execute(query)
    ]
    return sorted(rows, key=lambda row: (row["gate"] is None, row["gate"] or ""))


def _vips(session: Session, ceremony_id: uuid.UUID) -> list[dict[str, Any]]:
    query = badge_holders(
        registrations.c.id.label("registration_id"),
        registrations.c.full_name,
        registrations.c.honorific,
        registrations.c.name_latin,
        registrations.c.category,
        registrations.c.organisation,
        registrations.c.precedence,
        presence.c.first_in_at,
        presence.c.last_in_gate,
        presence.c.inside,
    ).where(
        badges.c.ceremony_id == ceremony_id,
        badges.c.status == "issued",
        registrations.c.category.in_(VIP_CATEGORIES),
    )
    rows = sorted(
        session.execute(query),
        key=lambda r: protocol_order(r.precedence, r.full_name),
    )
    return [
        {
            "registration_id": row.registration_id,
            "full_name": row.full_name,
            "honorific": row.honorific,
            "name_latin": row.name_latin,
            "category": row.category,
            "organisation": row.organisation,
            "attention": True,
            "precedence": row.precedence,
            "arrived_at": row.first_in_at,
            "gate": row.last_in_gate,
            "inside": bool(row.inside),
        }
        for row in rows
    ]
