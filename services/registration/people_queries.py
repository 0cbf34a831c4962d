"""Read-only questions the console's people and access pages ask, a page at a time: a
ceremony's door devices and its audit trail (filtered by action and by who acted)."""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from .models import Device, audit


def device_page(
    session: Session, ceremony_id: uuid.UUID, *, offset: int, limit: int
) -> tuple[list[Device], int]:
    """One page of the ceremony's devices, newest first, and how many it has in all."""
    where = Device.ceremony_id == ceremony_id
    total = session.scalar(select(func.count()).select_from(Device).where(where)) or 0
    rows = session.scalars(
        select(Device)
        .where(where)
        .order_by(Device.created_at.desc(), Device.id)
        .limit(limit)
        .offset(offset)
    )
    return list(rows), total


def audit_page(
    session: Session,
    ceremony_id: uuid.UUID,
    *,
    action: str | None = None,
    actor_kind: str | None = None,
    offset: int = 0,
    limit: int = 50,
) -> tuple[list, int]:
    """One page of the ceremony's audit entries, newest first (the order of
    ``shared.audit.entries``), and how many match in all."""
    where = [audit.c.ceremony_id == ceremony_id]
    if action:
        where.append(audit.c.action == action)
    if actor_kind:
        where.append(audit.c.actor_kind == actor_kind)
    total = session.scalar(select(func.count()).select_from(audit).where(*where)) or 0
    rows = session.execute(
        select(audit)
        .where(*where)
        .order_by(audit.c.at.desc(), audit.c.id)
        .limit(limit)
        .offset(offset)
    ).all()
    return list(rows), total


def audit_actions(session: Session, ceremony_id: uuid.UUID) -> list[str]:
    """The actions the ceremony's trail holds, by name (what its filter offers)."""
    query = select(audit.c.action).where(audit.c.ceremony_id == ceremony_id).distinct()
    return sorted(session.scalars(query))
