"""Organisers' announcements: one message to the guests of a ceremony, by category and status."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.errors import not_found

from .compose.identity import MailIdentity
from .deliver.log import record_for_registration
from .models import announcements, audit, ceremonies, registrations


def audience(
    session: Session, ceremony_id: uuid.UUID, categories: Sequence[str], statuses: Sequence[str]
) -> list:
    """The ceremony's registrations in the given categories and statuses."""
    query = select(registrations).where(
        registrations.c.ceremony_id == ceremony_id,
        registrations.c.category.in_(list(categories)),
        registrations.c.status.in_(list(statuses)),
    )
    return list(session.execute(query.order_by(registrations.c.email)))


def announce(
    session: Session,
    identity: MailIdentity,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> dict[str, Any]:
    """Record an announcement and queue its email to every guest of its audience; the audit
    trail says ``actor`` sent it, to whom by category and status, and to how many."""
    known = session.execute(select(ceremonies.c.id).where(ceremonies.c.id == ceremony_id)).first()
    if known is None:
        raise not_found("ceremony", ceremony_id)
    announcement = {
        "id": uuid.uuid4(),
        "ceremony_id": ceremony_id,
        "subject": fields["subject"].strip(),
        "body": fields["body"].strip(),
        "categories": list(fields["categories"]),
        "statuses": list(fields["statuses"]),
        "created_at": datetime.now(UTC),
    }
    session.execute(announcements.insert().values(**announcement))
    recipients = 0
    for registration in audience(session, ceremony_id, fields["categories"], fields["statuses"]):
        # A guest registered twice (once cancelled) under one address gets it once.
        recipients += record_for_registration(
            session,
            identity,
            announcement["id"],
            "announcement",
            registration,
            {"announcement_id": str(announcement["id"])},
        )
    record(
        session,
        audit,
        actor,
        "announcement.sent",
        "announcement",
        announcement["id"],
        ceremony_id=ceremony_id,
        after={
            "subject": announcement["subject"],
            "categories": announcement["categories"],
            "statuses": announcement["statuses"],
            "recipients": recipients,
        },
    )
    return {**announcement, "recipients": recipients}
