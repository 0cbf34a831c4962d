"""The delivery log: emails recorded for sending, listed for organisers, sent once more on request.

An email is named by (event, recipient, template): recording it a second time, as a redelivered
event would, changes nothing. Sending is the delivery loop's work (see ``sending``).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Collection, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import event, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.errors import DomainError, not_found

from ..compose.identity import MailIdentity
from ..models import audit, deliveries

#: Set once emails recorded in this process are committed: idle delivery threads look at once
#: instead of at their next poll.
RECORDED = threading.Event()


def _announce_recorded(session: Session) -> None:
    RECORDED.set()


def record_delivery(
    session: Session,
    identity: MailIdentity,
    *,
    event_id: object,
    template: str,
    email: str,
    full_name: str,
    ceremony_id: uuid.UUID,
    registration_id: uuid.UUID | None,
    details: Mapping[str, Any] | None = None,
    resend_of: uuid.UUID | None = None,
    delay_seconds: float = 0.0,
) -> bool:
    """Queue one email, due after ``delay_seconds``; False if this (event, recipient,
    template) was recorded already."""
    now = datetime.now(UTC)
    values = {
        "id": uuid.uuid4(),
        "event_id": str(event_id),
        "template": template,
        "recipient": email,
        "recipient_name": full_name,
        "ceremony_id": ceremony_id,
        "registration_id": registration_id,
        "details": dict(details or {}),
        "status": "queued",
        "attempts": 0,
        "message_id": identity.message_id(event_id, email, template),
        # Set here, not by the database: its clock may tick in whole seconds (SQLite), or
        # stand still for a transaction (PostgreSQL), and the log's order needs more.
        "created_at": now,
        "next_attempt_at": now + timedelta(seconds=delay_seconds),
        "resend_of": resend_of,
    }
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    # Either unique key (the email's name, its Message-ID) means it is known: nothing to do.
    statement = (
        dialect.insert(deliveries)
        .values(**values)
        .on_conflict_do_nothing()
        .returning(deliveries.c.id)
    )
    if not event.contains(session, "after_commit", _announce_recorded):
        event.listen(session, "after_commit", _announce_recorded)
    # What was inserted, rather than the row count: drivers may not count (psycopg answers -1).
    return session.execute(statement).first() is not None


def record_for_registration(
    session: Session,
    identity: MailIdentity,
    event_id: object,
    template: str,
    registration: Any,
    details: Mapping[str, Any] | None = None,
    *,
    delay_seconds: float = 0.0,
) -> bool:
    """Queue ``template`` for a guest of the registrations projection."""
    return record_delivery(
        session,
        identity,
        event_id=event_id,
        template=template,
        email=registration.email,
        full_name=registration.full_name,
        ceremony_id=registration.ceremony_id,
        registration_id=registration.id,
        details=details,
        delay_seconds=delay_seconds,
    )


def record_for_invitation(
    session: Session,
    identity: MailIdentity,
    event_id: object,
    template: str,
    invitation: Any,
    details: Mapping[str, Any] | None = None,
) -> bool:
    """Queue ``template`` for an invitee of the invitations projection."""
    return record_delivery(
        session,
        identity,
        event_id=event_id,
        template=template,
        email=invitation.email,
        full_name=invitation.full_name,
        ceremony_id=invitation.ceremony_id,
        registration_id=None,
        details={"invitation_id": str(invitation.id), **(details or {})},
    )


def get_delivery(session: Session, delivery_id: uuid.UUID):
    """One delivery, or a ``delivery_not_found`` error."""
    row = session.execute(select(deliveries).where(deliveries.c.id == delivery_id)).first()
    if row is None:
        raise not_found("delivery", delivery_id)
    return row


def list_deliveries(
    session: Session,
    *,
    ceremony: uuid.UUID | None = None,
    recipient: str | None = None,
    status: str | None = None,
    template: str | None = None,
    limit: int = 100,
    offset: int = 0,
    only_ceremonies: Collection[uuid.UUID] | None = None,
) -> list:
    """Deliveries matching the filters, newest first; ``only_ceremonies`` bounds what is seen."""
    query = select(deliveries)
    if ceremony is not None:
        query = query.where(deliveries.c.ceremony_id == ceremony)
    if only_ceremonies is not None:
        query = query.where(deliveries.c.ceremony_id.in_(list(only_ceremonies)))
    if recipient:
        query = query.where(func.lower(deliveries.c.recipient) == recipient.strip().lower())
    if status:
        query = query.where(deliveries.c.status == status)
    if template:
        query = query.where(deliveries.c.template == template)
    query = query.order_by(deliveries.c.created_at.desc(), deliveries.c.id).limit(limit)
    return list(session.execute(query.offset(offset)))


def _log_query(query, ceremony_id, search, status, template):
    query = query.where(deliveries.c.ceremony_id == ceremony_id)
    if search:
        # Addresses are compared folded: "Amina@" finds amina@example.org.
        query = query.where(
            func.lower(deliveries.c.recipient).contains(search.strip().lower(), autoescape=True)
        )
    if status:
        query = query.where(deliveries.c.status == status)
    if template:
        query = query.where(deliveries.c.template == template)
    return query


def search_deliveries(
    session: Session,
    ceremony_id: uuid.UUID,
    *,
    search: str = "",
    status: str | None = None,
    template: str | None = None,
    limit: int = 50,
    offset: int = 0,
) -> tuple[list, int]:
    """A page of the ceremony's log, newest first, and how many rows match in all; ``search``
    is part of the recipient's address."""
    rows = session.execute(
        _log_query(select(deliveries), ceremony_id, search, status, template)
        .order_by(deliveries.c.created_at.desc(), deliveries.c.id)
        .limit(limit)
        .offset(offset)
    ).all()
    total = session.execute(
        _log_query(
            select(func.count()).select_from(deliveries), ceremony_id, search, status, template
        )
    ).scalar_one()
    return rows, total


def delivery_counts(session: Session, ceremony_id: uuid.UUID) -> dict[str, int]:
    """How many of the ceremony's emails are in each status."""
    query = (
        select(deliveries.c.status, func.count())
        .where(deliveries.c.ceremony_id == ceremony_id)
        .group_by(deliveries.c.status)
    )
    return {status: count for status, count in session.execute(query)}


def counts_by_event(session: Session, event_ids: Collection[object]) -> dict[str, dict[str, int]]:
    """Per event (an announcement's id), its emails by status."""
    if not event_ids:
        return {}
    query = (
        select(deliveries.c.event_id, deliveries.c.status, func.count())
        .where(deliveries.c.event_id.in_([str(value) for value in event_ids]))
        .group_by(deliveries.c.event_id, deliveries.c.status)
    )
    counts: dict[str, dict[str, int]] = {}
    for event_id, status, count in session.execute(query):
        counts.setdefault(event_id, {})[status] = count
    return counts


def account_address(session: Session, account_id: object, templates: Collection[str]) -> str:
    """The address an account's email (``templates``: a reset, a team invitation) last went
    to; "" when none did here."""
    if not account_id:
        return ""
    rows = session.execute(
        select(deliveries.c.recipient, deliveries.c.details)
        .where(deliveries.c.template.in_(list(templates)))
        .order_by(deliveries.c.created_at.desc())
    )
    for row in rows:
        if (row.details or {}).get("account_id") == str(account_id) and row.recipient:
            return row.recipient
    return ""


def resend_delivery(
    session: Session,
    identity: MailIdentity,
    delivery_id: uuid.UUID,
    *,
    actor: dict[str, Any] = SYSTEM,
):
    """Queue a new copy of a finished email, with its own Message-ID; returns the new delivery.

    The copy is composed afresh when it is sent, so it carries the ceremony as it is now. The
    audit trail says ``actor`` resent the original, and names the copy (not the recipient).
    """
    original = get_delivery(session, delivery_id)
    if original.status == "queued":
        raise DomainError(
            "delivery_pending",
            "This email is still waiting to be sent; it cannot be sent again yet.",
        )
    resend_id = uuid.uuid4()
    record_delivery(
        session,
        identity,
        event_id=resend_id,
        template=original.template,
        email=original.recipient,
        full_name=original.recipient_name,
        ceremony_id=original.ceremony_id,
        registration_id=original.registration_id,
        details=original.details,
        resend_of=original.id,
    )
    query = select(deliveries).where(deliveries.c.event_id == str(resend_id))
    copy = session.execute(query).one()
    record(
        session,
        audit,
        actor,
        "delivery.resent",
        "delivery",
        original.id,
        ceremony_id=original.ceremony_id,
        before={"status": original.status},
        after={"resent_as": copy.id, "template": original.template},
    )
    return copy


def erase_deliveries(session: Session, ceremony_id: uuid.UUID, concerns) -> int:
    """Remove who an email was for from the ceremony's log rows that ``concerns``; one still
    queued is not sent. Returns how many rows were erased."""
    rows = session.execute(
        select(
            deliveries.c.id,
            deliveries.c.recipient,
            deliveries.c.registration_id,
            deliveries.c.status,
            deliveries.c.details,
        ).where(deliveries.c.ceremony_id == ceremony_id)
    ).all()
    erased = 0
    for row in rows:
        if not concerns(row):
            continue
        # A certificate's code carries a digest of the holder's name: it goes with them.
        details = {k: v for k, v in (row.details or {}).items() if k not in ERASED_DETAILS}
        values = {"recipient": "", "recipient_name": "", "details": details}
        if row.status == "queued":
            values.update(status="skipped", last_error=ERASED, next_attempt_at=None)
        session.execute(deliveries.update().where(deliveries.c.id == row.id).values(**values))
        erased += 1
    return erased


#: What of a delivery's details goes with the person it was for.
ERASED_DETAILS = ("honorific", "code")
#: Why an email queued for an erased person was not sent.
ERASED = "the person's data was erased before this email was sent"
