"""Tables of the notifications service."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Column,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
    Uuid,
    func,
    text,
)
from sqlalchemy.orm import DeclarativeBase

from shared.audit import audit_table
from shared.credentials import credential_tables
from shared.db import UTCDateTime, service_metadata
from shared.inbox import inbox_table
from shared.outbox import outbox_table
from shared.projections import ceremonies_table, invitations_table, registrations_table


class Base(DeclarativeBase):
    metadata = service_metadata()


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
#: Revoked credentials, signed-out accounts and roles (see shared/credentials.py).
credentials = credential_tables(Base.metadata)
#: Every change a person made here (see shared/audit.py).
audit = audit_table(Base.metadata)
#: What this service knows of ceremonies and registrations, kept from the bus.
ceremonies = ceremonies_table(Base.metadata)
registrations = registrations_table(Base.metadata)
#: Grows with each correction of the guest's details (the event's ``revision``): with the
#: ceremony's sequence it makes the SEQUENCE of the guest's calendar entry.
registrations.append_column(Column("revision", Integer, nullable=False, server_default="0"))
#: Invitations to dignitaries and speakers, kept from the bus: whom to invite, remind, and
#: which calendar entry an accepted invitation's confirmation updates.
invitations = invitations_table(Base.metadata)

#: Registrations that got their seat from the waitlist: their confirmation says so.
promotions = Table(
    "promotions",
    Base.metadata,
    Column("registration_id", Uuid, primary_key=True),
    Column("promoted_at", UTCDateTime(), nullable=False),
)

#: Each guest's seat, kept from ``seating.assigned``: letters and arrival alerts name it. Apart
#: from ``registrations`` because a seat may be given before the registration is known here,
#: and its own ``as_of`` keeps an older seating from overwriting a newer one.
seats = Table(
    "seats",
    Base.metadata,
    Column("registration_id", Uuid, primary_key=True),
    Column("ceremony_id", Uuid, nullable=False, index=True),
    # shared.venue.SeatInfoSchema as the event carried it; null once freed (or the guest erased).
    Column("seat", JSON, nullable=True),
    # occurred_at of the seating.assigned this row reflects.
    Column("as_of", UTCDateTime(), nullable=False),
)

#: An organiser's message to part of a ceremony's guests; one delivery per guest.
announcements = Table(
    "announcements",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("ceremony_id", Uuid, nullable=False, index=True),
    # The text of the ceremony's default language (or the first given): what the API showed
    # before there was one text per language.
    Column("subject", String(200), nullable=False),
    Column("body", Text, nullable=False),
    # {language: {"subject": ..., "body": ...}}; bodies are Markdown. Each guest reads their
    # language, else the ceremony's default, else English (see compose.announcement_text).
    Column("bodies", JSON, nullable=False, server_default="{}"),
    # The audience as asked for: lists of categories and of registration statuses, and the
    # invitees (by invitation status) who have no registration yet.
    Column("categories", JSON, nullable=False),
    Column("statuses", JSON, nullable=False),
    Column("invitation_statuses", JSON, nullable=False, server_default="[]"),
    # draft → scheduled → sent, or scheduled → cancelled; sent at once: straight to sent.
    # A scheduled one is claimed by the update that marks it sent, in the transaction that
    # queues its emails, so two workers never send it twice.
    Column("status", String(16), nullable=False, server_default="sent"),
    # When a scheduled one is due (UTC); None for one sent at once or a draft.
    Column("send_at", UTCDateTime(), nullable=True),
    Column("sent_at", UTCDateTime(), nullable=True),
    # How many emails it was queued for, once sent.
    Column("recipients", Integer, nullable=True),
    # Who wrote it, for the console's list (the audit trail has the full record).
    Column("created_by", String(200), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
    Index("ix_announcements_due", "send_at"),
)

#: One email to one recipient, from its recording to its outcome: the delivery log.
deliveries = Table(
    "deliveries",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    # The event (or announcement, or resend) the email answers; with recipient and template
    # it names the email, so a redelivered event cannot record it twice.
    Column("event_id", String(36), nullable=False),
    Column("template", String(64), nullable=False),
    Column("recipient", String(254), nullable=False),
    Column("recipient_name", String(200), nullable=False),
    # None for an email about no ceremony (a password reset).
    Column("ceremony_id", Uuid, nullable=True, index=True),
    Column("registration_id", Uuid, nullable=True),
    # What the template needs beyond the projections: {"changes": [...]}, {"with_calendar":
    # true}, {"announcement_id": "..."}.
    Column("details", JSON, nullable=False),
    # Set once the email has been rendered: the recipient's language or the English fallback.
    Column("language_used", String(35), nullable=True),
    # queued → sent | failed | skipped (the registration was cancelled before it could go).
    # A queued email with a lease holder is being sent (see ``deliver.loop``).
    Column("status", String(16), nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Column("last_error", Text, nullable=True),
    Column("smtp_code", Integer, nullable=True),
    # Deterministic (see composing.message_id_for): a copy re-sent after a crash is recognisable.
    Column("message_id", String(255), nullable=False, unique=True),
    # When a queued email is due; while it is being sent, when its lease runs out.
    Column("next_attempt_at", UTCDateTime(), nullable=True),
    # Who is sending the email (host, process and sender), committed before the SMTP
    # transaction starts; cleared with its outcome. Another sender takes it over only once
    # ``lease_expires_at`` has passed with no outcome recorded.
    Column("lease_holder", String(255), nullable=True),
    Column("lease_expires_at", UTCDateTime(), nullable=True),
    Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
    Column("sent_at", UTCDateTime(), nullable=True),
    # The delivery an organiser asked to send again, for a resend.
    Column("resend_of", Uuid, nullable=True),
    UniqueConstraint("event_id", "recipient", "template", name="uq_deliveries_email"),
    Index(
        "ix_deliveries_due",
        "next_attempt_at",
        postgresql_where=text("status = 'queued'"),
        sqlite_where=text("status = 'queued'"),
    ),
    Index("ix_deliveries_created_at", "created_at"),
)

#: Each ceremony's course, kept from ``course.updated``: certificate letters name it in the
#: reader's language. Only its words are kept (not the signatures and logos the event carries).
courses = Table(
    "courses",
    Base.metadata,
    Column("ceremony_id", Uuid, primary_key=True),
    # {"title", "translations": {lang: {"title"}}, "starts_on", "ends_on", "hours"}; null once
    # the course was removed.
    Column("course", JSON, nullable=True),
    # The event's revision: an older copy never overwrites a newer one.
    Column("revision", Integer, nullable=False),
)

#: The speakers thanked after a ceremony: one letter per (ceremony, registration), ever, even
#: if the guest's address changes or the worker restarts.
speaker_thanks = Table(
    "speaker_thanks",
    Base.metadata,
    Column("ceremony_id", Uuid, primary_key=True),
    Column("registration_id", Uuid, primary_key=True),
    Column("queued_at", UTCDateTime(), nullable=False),
)
