"""Organisers' announcements: one message to part of a ceremony's guests, in their languages.

An announcement has a text (subject and Markdown body) per language of the ceremony and an
audience (categories, registration statuses, and invitees who have not registered yet). It is
kept as a draft, sent at once, or scheduled: ``release_due_announcements`` (a periodic step of
the worker's delivery loop) sends the scheduled ones that are due. A scheduled announcement is
claimed by the update that marks it sent, in the transaction that queues its emails, so two
workers never send it twice and a worker that dies midway leaves it scheduled, not half sent.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.db import Database
from shared.errors import DomainError, not_found

from .compose.announcement_text import choose_text, markdown_html
from .compose.contexts import Recipient
from .compose.identity import MailIdentity
from .compose.letters import RenderedEmail, render_email
from .deliver.assembly import ceremony_info
from .deliver.log import record_delivery, record_for_invitation, record_for_registration
from .models import announcements, audit, invitations, registrations
from .projections import ceremony_row

log = logging.getLogger(__name__)

#: How long after its ceremony ends an announcement may still be scheduled (a thank-you).
AFTER_THE_CEREMONY = timedelta(days=30)
#: Who a scheduled announcement is sent by when its time comes.
SCHEDULER = {**SYSTEM, "name": "scheduled sending"}


def _invalid(errors: Mapping[str, str]) -> DomainError:
    return DomainError(
        "invalid_announcement",
        "The announcement cannot be sent as it is.",
        kind="invalid",
        errors={field: [message] for field, message in errors.items()},
    )


def _ceremony(session: Session, ceremony_id: uuid.UUID):
    ceremony = ceremony_row(session, ceremony_id)
    if ceremony is None:
        raise not_found("ceremony", ceremony_id)
    return ceremony


def languages_of(ceremony: Any) -> list[str]:
    """The languages an announcement of the ceremony may be written in, default first."""
    others = [language for language in ceremony.languages or () if language]
    return list(dict.fromkeys([ceremony.default_language, *others]))


def texts_of(ceremony: Any, fields: Mapping[str, Any]) -> dict[str, dict[str, str]]:
    """The texts by language; a lone ``subject`` and ``body`` (as the API first took them)
    are the text of the ceremony's default language."""
    bodies = {
        language: {"subject": text["subject"].strip(), "body": text["body"].strip()}
        for language, text in (fields.get("bodies") or {}).items()
    }
    if not bodies and fields.get("subject") and fields.get("body"):
        bodies[ceremony.default_language] = {
            "subject": fields["subject"].strip(),
            "body": fields["body"].strip(),
        }
    return bodies


def check_texts(ceremony: Any, bodies: Mapping[str, Any]) -> None:
    """Refuse no text at all, or one in a language the ceremony does not use."""
    allowed = languages_of(ceremony)
    errors = {
        f"bodies.{language}": f"Not a language of this ceremony ({', '.join(allowed)})."
        for language in bodies
        if language not in allowed
    }
    if not bodies:
        errors["bodies"] = "Write the subject and text in at least one language."
    if errors:
        raise _invalid(errors)


def check_send_at(ceremony: Any, send_at: datetime, now: datetime) -> None:
    """A scheduled time lies ahead, and no later than a month after the ceremony ends."""
    latest = ceremony.ends_at + AFTER_THE_CEREMONY
    if send_at <= now:
        raise _invalid({"send_at": "This time has passed: choose a time ahead."})
    if send_at > latest:
        raise _invalid(
            {"send_at": "Too late: an announcement goes out at most 30 days after the ceremony."}
        )


def audience(
    session: Session, ceremony_id: uuid.UUID, categories: Sequence[str], statuses: Sequence[str]
) -> list:
    """The ceremony's registrations in the given categories and statuses."""
    query = select(registrations).where(
        registrations.c.ceremony_id == ceremony_id,
        registrations.c.category.in_(list(categories)),
        registrations.c.status.in_(list(statuses)),
        registrations.c.email != "",  # an erased person
    )
    return list(session.execute(query.order_by(registrations.c.email)))


def invitees(
    session: Session, ceremony_id: uuid.UUID, categories: Sequence[str], statuses: Sequence[str]
) -> list:
    """The ceremony's invitees in the given categories and invitation statuses who have no
    registration (an accepted invitation's guest is among the registrations)."""
    if not statuses:
        return []
    query = select(invitations).where(
        invitations.c.ceremony_id == ceremony_id,
        invitations.c.category.in_(list(categories)),
        invitations.c.status.in_(list(statuses)),
        invitations.c.registration_id.is_(None),
        invitations.c.email != "",
    )
    return list(session.execute(query.order_by(invitations.c.email)))


def _queue(session: Session, identity: MailIdentity, row: Any) -> int:
    """Queue the announcement's email to each person of its audience; returns how many."""
    details = {"announcement_id": str(row.id)}
    count = 0
    # One email per address and announcement: a guest registered twice (once cancelled), or
    # invited and registered, gets it once.
    for guest in audience(session, row.ceremony_id, row.categories, row.statuses):
        count += record_for_registration(session, identity, row.id, "announcement", guest, details)
    for invitee in invitees(session, row.ceremony_id, row.categories, row.invitation_statuses):
        count += record_for_invitation(session, identity, row.id, "announcement", invitee, details)
    return count


def _row(session: Session, announcement_id: uuid.UUID):
    query = select(announcements).where(announcements.c.id == announcement_id)
    return session.execute(query).first()


def _summary(row: Any) -> dict[str, Any]:
    """What the audit trail says of an announcement (what is unset or usual is left out)."""
    summary = {
        "subject": row.subject,
        "languages": sorted(row.bodies or {}),
        "categories": row.categories,
        "statuses": row.statuses,
        "invitation_statuses": row.invitation_statuses,
        "send_at": row.send_at.isoformat() if row.send_at else None,
    }
    if len(summary["languages"]) < 2:
        del summary["languages"]  # one text, in the ceremony's language: as before
    return {key: value for key, value in summary.items() if value not in (None, [])}


def announce(
    session: Session,
    identity: MailIdentity,
    ceremony_id: uuid.UUID,
    fields: Mapping[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
    now: datetime | None = None,
    draft_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """Record an announcement and send it now, schedule it (``send_at``) or keep it as a
    draft (``draft``); ``draft_id`` names a draft this replaces. The audit trail says
    ``actor`` did it, to whom by category and status, and (sent now) to how many."""
    ceremony = _ceremony(session, ceremony_id)
    now = now or datetime.now(UTC)
    bodies = texts_of(ceremony, fields)
    check_texts(ceremony, bodies)
    send_at = fields.get("send_at")
    if send_at is not None:
        send_at = send_at.astimezone(UTC)
        check_send_at(ceremony, send_at, now)
    status = "draft" if fields.get("draft") else "scheduled" if send_at else "sent"
    _, first = choose_text(bodies, None, ceremony.default_language)
    values = {
        "ceremony_id": ceremony_id,
        "subject": first["subject"],
        "body": first["body"],
        "bodies": bodies,
        "categories": list(fields["categories"]),
        "statuses": list(fields["statuses"]),
        "invitation_statuses": list(fields.get("invitation_statuses") or ()),
        "status": status,
        "send_at": send_at,
        "sent_at": now if status == "sent" else None,
        "created_by": (actor.get("name") or "")[:200] or None,
    }
    if draft_id is not None:
        existing = _row(session, draft_id)
        if existing is None or existing.ceremony_id != ceremony_id:
            raise not_found("announcement", draft_id)
        if existing.status != "draft":
            raise DomainError("announcement_not_draft", "Only a draft can be changed.")
        session.execute(
            announcements.update().where(announcements.c.id == draft_id).values(**values)
        )
        announcement_id = draft_id
    else:
        announcement_id = uuid.uuid4()
        session.execute(announcements.insert().values(id=announcement_id, created_at=now, **values))
    row = _row(session, announcement_id)
    recipients = None
    if status == "sent":
        recipients = _queue(session, identity, row)
        session.execute(
            announcements.update()
            .where(announcements.c.id == announcement_id)
            .values(recipients=recipients)
        )
    after = {**_summary(row), "recipients": recipients}
    action = {"sent": "announcement.sent", "scheduled": "announcement.scheduled"}
    record(
        session,
        audit,
        actor,
        action.get(status, "announcement.drafted"),
        "announcement",
        announcement_id,
        ceremony_id=ceremony_id,
        after={key: value for key, value in after.items() if value is not None},
    )
    return {**row._asdict(), "recipients": recipients}


def release_due_announcements(database: Database, identity: MailIdentity, now: datetime) -> int:
    """Send the scheduled announcements whose time has come; returns how many were sent.

    Each is claimed by the update that marks it sent, in the transaction that queues its
    emails: of two workers, the second finds it sent already and does nothing.
    """
    with database.transaction() as session:
        due = session.execute(
            select(announcements.c.id).where(
                announcements.c.status == "scheduled", announcements.c.send_at <= now
            )
        ).scalars()
        due = list(due)
    sent = 0
    for announcement_id in due:
        with database.transaction() as session:
            claimed = session.execute(
                update(announcements)
                .where(announcements.c.id == announcement_id, announcements.c.status == "scheduled")
                .values(status="sent", sent_at=now)
                .returning(announcements.c.id)
            ).first()
            if claimed is None:
                continue  # another worker sent it, or it was cancelled meanwhile
            row = _row(session, announcement_id)
            recipients = _queue(session, identity, row)
            session.execute(
                announcements.update()
                .where(announcements.c.id == announcement_id)
                .values(recipients=recipients)
            )
            record(
                session,
                audit,
                SCHEDULER,
                "announcement.sent",
                "announcement",
                announcement_id,
                ceremony_id=row.ceremony_id,
                after={**_summary(row), "recipients": recipients},
            )
        log.info("sent scheduled announcement %s to %d", announcement_id, recipients)
        sent += 1
    return sent


def cancel_announcement(
    session: Session,
    ceremony_id: uuid.UUID,
    announcement_id: uuid.UUID,
    *,
    actor: dict[str, Any] = SYSTEM,
):
    """Cancel a scheduled announcement (or drop a draft) before it is sent."""
    row = _row(session, announcement_id)
    if row is None or row.ceremony_id != ceremony_id:
        raise not_found("announcement", announcement_id)
    cancelled = session.execute(
        update(announcements)
        .where(
            announcements.c.id == announcement_id,
            announcements.c.status.in_(("scheduled", "draft")),
        )
        .values(status="cancelled")
        .returning(announcements.c.id)
    ).first()
    if cancelled is None:
        raise DomainError(
            "announcement_not_cancellable", "This announcement was sent already or cancelled."
        )
    record(
        session,
        audit,
        actor,
        "announcement.cancelled",
        "announcement",
        announcement_id,
        ceremony_id=ceremony_id,
        before={"status": row.status},
    )
    return _row(session, announcement_id)


def list_announcements(session: Session, ceremony_id: uuid.UUID) -> list:
    """The ceremony's announcements, newest first."""
    query = (
        select(announcements)
        .where(announcements.c.ceremony_id == ceremony_id)
        .order_by(announcements.c.created_at.desc(), announcements.c.id)
    )
    return list(session.execute(query))


def get_announcement(session: Session, ceremony_id: uuid.UUID, announcement_id: uuid.UUID):
    """One announcement of the ceremony, or ``announcement_not_found``."""
    row = _row(session, announcement_id)
    if row is None or row.ceremony_id != ceremony_id:
        raise not_found("announcement", announcement_id)
    return row


def preview_announcement(
    session: Session,
    ceremony_id: uuid.UUID,
    fields: Mapping[str, Any],
    language: str,
    reader: Recipient,
) -> RenderedEmail:
    """The email a reader of ``language`` would get (subject, HTML, text); nothing is saved."""
    ceremony = _ceremony(session, ceremony_id)
    bodies = texts_of(ceremony, fields)
    check_texts(ceremony, bodies)
    chosen, text = choose_text(bodies, language, ceremony.default_language)
    context = {
        "recipient": replace(reader, language=chosen),
        "ceremony": ceremony_info(ceremony),
        "subject": text["subject"],
        "body": text["body"],
        "body_html": markdown_html(text["body"]),
    }
    return replace(render_email("announcement", chosen, context), language_used=chosen)


def send_test(
    session: Session,
    identity: MailIdentity,
    ceremony_id: uuid.UUID,
    fields: Mapping[str, Any],
    *,
    language: str,
    address: str,
    name: str = "",
    actor: dict[str, Any] = SYSTEM,
) -> None:
    """Send the announcement as typed, in ``language``, to one address only."""
    ceremony = _ceremony(session, ceremony_id)
    bodies = texts_of(ceremony, fields)
    check_texts(ceremony, bodies)
    chosen, text = choose_text(bodies, language, ceremony.default_language)
    test_id = uuid.uuid4()
    record_delivery(
        session,
        identity,
        event_id=test_id,
        template="announcement",
        email=address,
        full_name=name,
        ceremony_id=ceremony_id,
        registration_id=None,
        details={"test": True, "language": chosen, "bodies": {chosen: dict(text)}},
    )
    record(
        session,
        audit,
        actor,
        "announcement.tested",
        "announcement",
        test_id,
        ceremony_id=ceremony_id,
        after={"subject": text["subject"], "language": chosen},
    )


def audience_size(session: Session, ceremony_id: uuid.UUID, fields: Mapping[str, Any]) -> int:
    """How many people the audience holds now (one per address)."""
    categories = fields["categories"]
    people = audience(session, ceremony_id, categories, fields["statuses"]) + invitees(
        session, ceremony_id, categories, fields.get("invitation_statuses") or ()
    )
    return len({person.email.lower() for person in people})
