"""Tables of the registration service."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    Uuid,
    false,
    text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.audit import audit_table
from shared.credentials import credential_tables
from shared.db import UTCDateTime, service_metadata
from shared.inbox import inbox_table
from shared.outbox import outbox_table


def _now() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    metadata = service_metadata()


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
#: Revoked credentials, signed-out accounts and roles (see shared/credentials.py).
credentials = credential_tables(Base.metadata)


class Ceremony(Base):
    __tablename__ = "ceremonies"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    title: Mapped[str] = mapped_column(String(200))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: IANA zone the ceremony happens in; times are stored in UTC and shown in this zone.
    timezone: Mapped[str] = mapped_column(String(64))
    venue_name: Mapped[str] = mapped_column(String(200))
    venue_address: Mapped[str | None] = mapped_column(String(500))
    #: Public seats; protocol seats (dignitaries, speakers) are outside it.
    capacity: Mapped[int] = mapped_column(Integer)
    default_language: Mapped[str] = mapped_column(String(35), default="en")
    #: Languages the ceremony's pages and emails are offered in, e.g. ["en", "fr", "zh"].
    languages: Mapped[list] = mapped_column(JSON, default=list)
    protocol_contact_email: Mapped[str | None] = mapped_column(String(254))
    #: [{title, speaker?, role?, starts_at?}] in running order.
    programme: Mapped[list] = mapped_column(JSON, default=list)
    #: What invitees are asked about their reply ("Kindly reply to the Protocol Office by
    #: telephone."), shown with every invitation; may be given per language too.
    reply_note: Mapped[str | None] = mapped_column(String(500))
    #: The ceremony's words in more languages: {tag: {title?, venue_name?, venue_address?,
    #: programme?: [item title or None, ...]}} (``shared.content``).
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    #: Grows with each change; calendar updates carry it as SEQUENCE.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    #: Confirmed guests on public seats, kept under the row lock instead of counted each time.
    seats_taken: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The gates of the venue, by name: devices and door credentials name one of them.
    gates: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    #: How the public registers: confirm_email (a link by email takes the seat), approval (an
    #: organiser decides) or open (at once). Ceremonies from before modes existed are open.
    registration_mode: Mapped[str] = mapped_column(String(20), server_default="open")
    #: The organiser's privacy notice, as text, or where it is published; with one, the form
    #: asks for consent and may ask for needs (health, diet).
    privacy_notice: Mapped[str | None] = mapped_column(Text)
    privacy_notice_url: Mapped[str | None] = mapped_column(String(2048))
    #: Days after the ceremony ends when its personal data is erased; None: the suite default.
    retention_days: Mapped[int | None] = mapped_column(Integer)
    #: When the ceremony's personal data was erased (only counts remain).
    purged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The hall as seats (``shared.venue.LayoutSchema``); None until one is given.
    layout: Mapped[dict | None] = mapped_column(JSON)
    #: Seats reserved for categories or named people, filled in this order (``BlockSchema``).
    blocks: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    #: Where the seat of honour is (``SeatingRulesSchema``).
    seating_rules: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    #: Parts of the venue and who is admitted to each (``ZoneSchema``).
    zones: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    #: What each gate leads into and its door hours (``GateRuleSchema``, times in ISO 8601).
    gate_rules: Mapped[list] = mapped_column(JSON, default=list, server_default="[]")
    #: When guests were told their seats; a seat changed after it is written to the guest.
    seats_announced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Grows with every change of the course (``course.updated``), kept here so that a course
    #: removed and set again still publishes a higher revision.
    course_revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Person:
    """Who a registration, an invitation or a request is for, as they gave it."""

    #: The whole name in its written order (from the parts when only they were given).
    full_name: Mapped[str] = mapped_column(String(200))
    #: The name in two parts, for letters ("Dear Dr Marsh"); None when typed whole.
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    #: Written family name first (王建国, Kovács Anna).
    family_first: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: A Latin transliteration of a name in another script, printed small under it.
    name_latin: Mapped[str | None] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    #: The email folded to lower case: the key for "already registered" or "invited".
    email_key: Mapped[str] = mapped_column(String(254))
    honorific: Mapped[str | None] = mapped_column(String(50))
    organisation: Mapped[str | None] = mapped_column(String(200))
    job_title: Mapped[str | None] = mapped_column(String(200))
    #: The language they read, a tag such as "fr" or "zh".
    language: Mapped[str] = mapped_column(String(35))


class Registration(Person, Base):
    __tablename__ = "registrations"
    __table_args__ = (
        # One live registration per email and ceremony; a cancelled guest may register again.
        Index(
            "uq_registrations_live_email",
            "ceremony_id",
            "email_key",
            unique=True,
            postgresql_where=text("status <> 'cancelled'"),
            sqlite_where=text("status <> 'cancelled'"),
        ),
        Index("ix_registrations_queue", "ceremony_id", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    category: Mapped[str] = mapped_column(String(20))
    #: Accessibility or dietary needs, free text.
    needs: Mapped[str | None] = mapped_column(Text)
    #: Protocol order: lower comes first; None for the public.
    precedence: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))
    #: A protocol seat outside the public capacity.
    reserved: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    cancelled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the guest agreed to the ceremony's privacy notice (None: no notice was asked).
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the person's data was erased on request or after the retention period.
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Grows with every correction by an organiser (the calendar entry's update counts on it).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Name, organisation and email folded for search (``shared.contract.search_key``).
    search_key: Mapped[str | None] = mapped_column(Text)
    #: First admission at the door (from ``checkin.recorded``), for sorting by arrival.
    arrived_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: A companion's head of delegation (the head's registration); None for everyone else.
    delegation_of: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("registrations.id"))
    #: The guest needs an accessible seat (a wheelchair place); seating gives them one.
    accessible_seat: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())


class Invitation(Person, Base):
    __tablename__ = "invitations"
    __table_args__ = (
        # One invitation per person and ceremony.
        Index("uq_invitations_email", "ceremony_id", "email_key", unique=True),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    #: dignitary or speaker: invitees sit on protocol seats.
    category: Mapped[str] = mapped_column(String(20))
    #: Protocol order: lower comes first.
    precedence: Mapped[int | None] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    #: Who gave the last answer: the invitee through the RSVP page, or an organiser by phone.
    answered_by: Mapped[str | None] = mapped_column(String(20))
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The registration an acceptance created (kept when the invitee declines later).
    registration_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("registrations.id"))
    reminders: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    #: None while a draft; when the invitation email was asked for.
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: First time the invitee opened the RSVP page.
    opened_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the invitation email was refused for good by the recipient's mail server.
    bounced_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Name, organisation and email folded for search (``shared.contract.search_key``).
    search_key: Mapped[str | None] = mapped_column(Text)
    #: How many named companions the invitee may bring (a head of delegation), 0 to 20.
    companions_allowed: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Whether the invitee may send someone in their place.
    representative_allowed: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )
    #: Who invites, as the letter says it ("The Director General of the Institute").
    host: Mapped[str | None] = mapped_column(String(200))
    #: The day answers are asked for (in the ceremony's time zone); no reminders after it.
    reply_by: Mapped[date | None] = mapped_column(Date)
    dress_code: Mapped[str | None] = mapped_column(String(200))
    arrival_instructions: Mapped[str | None] = mapped_column(String(500))
    #: host, dress_code and arrival_instructions in more languages: {tag: {name: text}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict, server_default="{}")
    #: The answer came after ``reply_by``.
    answered_late: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: The message a declining invitee left.
    regrets: Mapped[str | None] = mapped_column(Text)
    #: The name of who comes in the invitee's place (``registration_id`` is theirs then).
    represented_by: Mapped[str | None] = mapped_column(String(200))


class InvitationImport(Base):
    """An uploaded CSV or XLSX file of invitees, kept between its preview and its import."""

    __tablename__ = "invitation_imports"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    filename: Mapped[str] = mapped_column(String(255))
    content: Mapped[bytes] = mapped_column(LargeBinary)
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class RegistrationRequest(Person, Base):
    """A public request to register, waiting for its email to be confirmed or an organiser.

    It holds no seat: the seat is taken when the request becomes a registration.
    """

    __tablename__ = "registration_requests"
    __table_args__ = (
        # One open request per address and ceremony; asking again renews it.
        Index(
            "uq_registration_requests_open",
            "ceremony_id",
            "email_key",
            unique=True,
            postgresql_where=text("status IN ('awaiting_confirmation', 'awaiting_approval')"),
            sqlite_where=text("status IN ('awaiting_confirmation', 'awaiting_approval')"),
        ),
        Index("ix_registration_requests_queue", "ceremony_id", "status", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    category: Mapped[str] = mapped_column(String(20))
    needs: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: awaiting_confirmation | awaiting_approval → registered | declined.
    status: Mapped[str] = mapped_column(String(24))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    #: A confirmation link stops working then, and the request with it.
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Who decided an approval request ("organiser"), and when it was decided or confirmed.
    decided_by: Mapped[str | None] = mapped_column(String(20))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The registration the request became.
    registration_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("registrations.id"))


#: Every change a person made here (see shared/audit.py).
audit = audit_table(Base.metadata)


class Account(Base):
    """A person who signs in: an organiser, a protocol officer, a door steward."""

    __tablename__ = "accounts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    email: Mapped[str] = mapped_column(String(254))
    #: The address folded to lower case: one account per address.
    email_key: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    language: Mapped[str] = mapped_column(String(35), default="en")
    #: argon2id; None until a password is set (a teammate invited, an SSO-only account).
    password_hash: Mapped[str | None] = mapped_column(String(255))
    #: Base32 TOTP secret; it protects sign-in once ``totp_confirmed_at`` is set.
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The 30-second step of the last code accepted: a code works once, and no older one after it.
    totp_last_step: Mapped[int | None] = mapped_column(Integer)
    #: argon2 hashes of the unused recovery codes.
    recovery_codes: Mapped[list] = mapped_column(JSON, default=list)
    #: The subject at the SSO issuer, once the account signed in with it.
    oidc_subject: Mapped[str | None] = mapped_column(String(255), unique=True)
    #: Failed sign-ins in a row, and until when the account is locked after too many.
    failed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the newest set-password link (a reset, or a teammate's invitation) was sent; the
    #: link opens only with this instant and is closed once used.
    password_link_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    disabled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    last_sign_in_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class AccountSession(Base):
    """A signed-in browser or client: what "sign out" and "sign out everywhere" end."""

    __tablename__ = "account_sessions"
    __table_args__ = (Index("ix_account_sessions_account", "account_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    account_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("accounts.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    #: How the session signed in: password, totp, recovery_code or sso.
    method: Mapped[str] = mapped_column(String(16))
    address: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(200))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Device(Base):
    """A phone or scanner laptop enrolled at one gate of one ceremony."""

    __tablename__ = "devices"
    __table_args__ = (Index("ix_devices_ceremony", "ceremony_id"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    gate: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(100))
    #: The account (or API key) that asked for the enrolment code.
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    #: The enrolment code works once, until then.
    enrol_until: Mapped[datetime] = mapped_column(UTCDateTime)
    enrolled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The device's credential ends then (the ceremony's end plus a day).
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last scan it made, as the badges service reported it on the bus.
    last_scan_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """A named credential for automation, shown once, scoped to a role."""

    __tablename__ = "api_keys"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(16))
    #: None: suite-wide.
    ceremony_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("ceremonies.id"))
    created_by: Mapped[str | None] = mapped_column(String(36))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class SeatAssignment(Base):
    """Where one guest sits; the unique seat per ceremony keeps two people out of one seat,
    even when two officers place them at the same instant."""

    __tablename__ = "seat_assignments"
    __table_args__ = (UniqueConstraint("ceremony_id", "seat_id", name="uq_seat_assignments_seat"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    registration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registrations.id"), unique=True)
    #: ``section:row:number`` of the ceremony's layout.
    seat_id: Mapped[str] = mapped_column(String(140))
    #: A protocol officer fixed this seat: automatic seating keeps it.
    locked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Why the guest sits here ("precedence 3, block Dignitaries", "placed by protocol").
    reason: Mapped[str | None] = mapped_column(String(300))
    #: The seat the guest was last told of; None if never. Automatic seating keeps it.
    told_seat_id: Mapped[str | None] = mapped_column(String(140))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class VenueLayout(Base):
    """A hall's layout saved for the next ceremony held in it."""

    __tablename__ = "venue_layouts"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))
    #: ``shared.venue.LayoutSchema`` data.
    layout: Mapped[dict] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)
    #: The account (or API key) that saved it.
    created_by: Mapped[str | None] = mapped_column(String(36))


class Course(Base):
    """A ceremony's course: what its graduates followed, who issues and signs their certificates.

    Signatures and logos are in ``course_images``, by position in ``signatories`` and
    ``organisations``.
    """

    __tablename__ = "courses"

    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    #: The course's length in tenths of an hour (42.5 hours: 425): exact, without a decimal type.
    hours_tenths: Mapped[int] = mapped_column(Integer)
    #: The title in more languages: {tag: {title}}.
    translations: Mapped[dict] = mapped_column(JSON, default=dict)
    #: [{name}] in the order they are printed; their logos are images of kind "logo".
    organisations: Mapped[list] = mapped_column(JSON, default=list)
    #: [{name, title}] left to right; their signatures are images of kind "signature".
    signatories: Mapped[list] = mapped_column(JSON, default=list)
    #: How the roll is called (``shared.graduation.ROLL_ORDERS``).
    roll_order: Mapped[str] = mapped_column(String(20), default="family_name")
    #: Registration ids in the order they are called when ``roll_order`` is "hand".
    hand_order: Mapped[list] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class CourseImage(Base):
    """A signatory's signature or an organisation's logo, re-encoded as a small PNG."""

    __tablename__ = "course_images"
    __table_args__ = (
        UniqueConstraint("ceremony_id", "kind", "position", name="uq_course_images_position"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    #: "signature" or "logo".
    kind: Mapped[str] = mapped_column(String(16))
    #: The index of its signatory or organisation in the course's lists.
    position: Mapped[int] = mapped_column(Integer)
    png: Mapped[bytes] = mapped_column(LargeBinary)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class Graduation(Base):
    """A registration's part in the graduation: its result, group and how its name sounds."""

    __tablename__ = "graduations"
    __table_args__ = (Index("ix_graduations_ceremony", "ceremony_id"),)

    registration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("registrations.id"), primary_key=True
    )
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    #: ``shared.graduation.RESULTS``; None until one is set.
    result: Mapped[str | None] = mapped_column(String(20))
    #: The group the graduate is called with ("Syndicate B"); "group" is a reserved word in SQL.
    group: Mapped[str | None] = mapped_column("group_name", String(80))
    #: The graduate's own spelling of how their name sounds ("ah-MEE-nah dee-AH-loh").
    phonetic: Mapped[str | None] = mapped_column(String(200))
    #: Thanked with a certificate of appreciation (the course's experts).
    appreciation: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Grows with every change (``graduate.updated``).
    revision: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=_now)


class GraduateCertificate(Base):
    """A certificate the badges service issued to a registration, as its events told it."""

    __tablename__ = "graduate_certificates"
    __table_args__ = (Index("ix_graduate_certificates_registration", "registration_id"),)

    certificate_id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True)
    ceremony_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("ceremonies.id"))
    registration_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("registrations.id"))
    #: ``shared.graduation.CERTIFICATE_KINDS``.
    kind: Mapped[str] = mapped_column(String(20))
    result: Mapped[str | None] = mapped_column(String(20))
    #: The signed code of its QR code (``/verify/<code>``): no personal data in it.
    code: Mapped[str | None] = mapped_column(String(400))
    #: "issued" or "revoked"; a revocation heard before its issue stays revoked.
    status: Mapped[str] = mapped_column(String(16))
    #: When it was issued (the event's time); None while only its revocation was heard.
    issued_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Why it was revoked (``name_corrected``, ``result_changed``...).
    reason: Mapped[str | None] = mapped_column(String(64))
    #: The certificate this one replaced.
    replaces: Mapped[uuid.UUID | None] = mapped_column(Uuid)
