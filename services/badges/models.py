"""Tables of the badges service."""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    SmallInteger,
    String,
    Table,
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
from shared.projections import ceremonies_table, registrations_table


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

ceremony_keys = Table(
    "ceremony_keys",
    Base.metadata,
    # First 4 bytes of SHA-256 of the public key, in hex: what a code names its key by.
    Column("kid", String(8), primary_key=True),
    Column("ceremony_id", Uuid, nullable=False, index=True),
    # Raw 32-byte Ed25519 public key.
    Column("public_key", LargeBinary(32), nullable=False),
    # The private key encrypted under a key derived from CEREMONY_SECRET_KEY.
    Column("sealed_private_key", LargeBinary(128), nullable=False),
    Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
    # New badges are signed with the active key; older keys still verify their codes.
    Column("active", Boolean, nullable=False),
    # One active key per ceremony, so two workers cannot each create one.
    Index(
        "uq_ceremony_keys_active",
        "ceremony_id",
        unique=True,
        postgresql_where=text("active"),
        sqlite_where=text("active"),
    ),
)

badges = Table(
    "badges",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("registration_id", Uuid, nullable=False, index=True),
    Column("ceremony_id", Uuid, nullable=False, index=True),
    # The code's random serial in hex: how a scanned code finds its badge.
    Column("serial", String(20), nullable=False, unique=True),
    Column("kid", String(8), ForeignKey("ceremony_keys.kid"), nullable=False),
    # The signed text the QR code carries.
    Column("code", String(160), nullable=False),
    Column("status", String(10), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    # When the badge was last printed from the console (None: never).
    Column("printed_at", UTCDateTime(), nullable=True),
    # When the holder's details were last corrected: a badge printed before needs a reprint.
    Column("details_changed_at", UTCDateTime(), nullable=True),
    # One live badge per registration; revoked ones stay, so their codes scan as revoked.
    Index(
        "uq_badges_issued_registration",
        "registration_id",
        unique=True,
        postgresql_where=text("status = 'issued'"),
        sqlite_where=text("status = 'issued'"),
    ),
)

#: Where each badge's holder is; the door locks this row, so one badge admits once at a time.
presence = Table(
    "presence",
    Base.metadata,
    Column("badge_id", Uuid, ForeignKey("badges.id"), primary_key=True),
    Column("ceremony_id", Uuid, nullable=False),
    Column("inside", Boolean, nullable=False),
    # The first admission ever: the arrival time protocol staff care about.
    Column("first_in_at", UTCDateTime(), nullable=True),
    Column("last_in_at", UTCDateTime(), nullable=True),
    Column("last_in_gate", String(64), nullable=True),
    Column("last_out_at", UTCDateTime(), nullable=True),
    Column("last_out_gate", String(64), nullable=True),
)

#: Every scan of a known badge, with the answer given, so a retried nonce gets it again.
checkins = Table(
    "checkins",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    # No index of its own: the nonce index below starts with it.
    Column("ceremony_id", Uuid, nullable=False),
    Column("badge_id", Uuid, ForeignKey("badges.id"), nullable=False),
    # Chosen by the scanner for each scan; NULL when it sent none.
    Column("nonce", String(64), nullable=True),
    Column("direction", String(3), nullable=False),
    Column("gate", String(64), nullable=True),
    Column("result", String(20), nullable=False),
    Column("http_status", SmallInteger, nullable=False),
    # The JSON answer exactly as first given.
    Column("response", JSON, nullable=False),
    # When the badge was scanned: the scanner's clock for offline scans, ours otherwise.
    Column("scanned_at", UTCDateTime(), nullable=False),
    Column("recorded_at", UTCDateTime(), nullable=False),
    Column("offline", Boolean, nullable=False),
    Index("uq_checkins_ceremony_nonce", "ceremony_id", "nonce", unique=True),
)

#: Each ceremony's zones and door hours, kept from its ceremony events (version 2); a ceremony
#: without a row here has no rules: every gate admits every category at any time.
ceremony_access = Table(
    "ceremony_access",
    Base.metadata,
    Column("ceremony_id", Uuid, primary_key=True),
    # [{name, categories}] as the event carried it.
    Column("zones", JSON, nullable=False),
    # [{gate, zones, opens_at, closes_at}], times as ISO text.
    Column("gate_rules", JSON, nullable=False),
    # occurred_at of the ceremony event this row reflects.
    Column("as_of", UTCDateTime(), nullable=False),
)

#: Each holder's seat, kept from ``seating.assigned``; no foreign key, as the seat may arrive
#: before the registration's own event does.
seats = Table(
    "seats",
    Base.metadata,
    Column("registration_id", Uuid, primary_key=True),
    Column("ceremony_id", Uuid, nullable=False, index=True),
    # The seat's id (section:row:number); NULL with the fields below when the seat was freed.
    Column("seat_id", String(140), nullable=True),
    Column("section", String(40), nullable=True),
    Column("kind", String(10), nullable=True),
    Column("row", String(20), nullable=True),
    Column("number", Integer, nullable=True),
    Column("block", String(80), nullable=True),
    # The holder needs an accessible seat: the door says so.
    Column("accessible_seat", Boolean, nullable=False),
    # occurred_at of the seating event this row reflects.
    Column("as_of", UTCDateTime(), nullable=False),
)

#: Each ceremony's course, kept from ``course.updated`` (the highest revision wins); a removed
#: course keeps its row, with no title, so that an older revision cannot bring it back.
courses = Table(
    "courses",
    Base.metadata,
    Column("ceremony_id", Uuid, primary_key=True),
    Column("title", String(200), nullable=True),
    Column("starts_on", Date, nullable=True),
    Column("ends_on", Date, nullable=True),
    # Hours as the event's decimal text ("240.0").
    Column("hours", String(16), nullable=True),
    # [{name}] and [{name, title}], in the course's order; their images are in course_images.
    Column("organisations", JSON, nullable=False),
    Column("signatories", JSON, nullable=False),
    # {language: {title}} as the event carried it.
    Column("translations", JSON, nullable=False),
    Column("roll_order", String(20), nullable=False),
    # Registration ids as text, for the roll order ``hand``.
    Column("hand_order", JSON, nullable=False),
    Column("revision", Integer, nullable=False),
)

#: The logos and signatures of a course, decoded from the event's base64 (PNG bytes).
course_images = Table(
    "course_images",
    Base.metadata,
    Column("ceremony_id", Uuid, primary_key=True),
    # ``logo`` (of an organisation) or ``signature`` (of a signatory).
    Column("role", String(10), primary_key=True),
    # The organisation's or signatory's place in the course's list.
    Column("position", SmallInteger, primary_key=True),
    Column("png", LargeBinary, nullable=False),
)

#: Each graduate's result and roll details, kept from ``graduate.updated`` (highest revision
#: wins); no foreign key, as it may arrive before the registration's own event.
graduates = Table(
    "graduates",
    Base.metadata,
    Column("registration_id", Uuid, primary_key=True),
    Column("ceremony_id", Uuid, nullable=False, index=True),
    # One of shared.graduation.RESULTS, or NULL: no result yet.
    Column("result", String(20), nullable=True),
    Column("group", String(80), nullable=True),
    Column("phonetic", String(200), nullable=True),
    # Thanked with a certificate of appreciation.
    Column("appreciation", Boolean, nullable=False),
    Column("revision", Integer, nullable=False),
)

#: A ceremony's certificates were released: from then on they follow each graduate's result.
certificate_releases = Table(
    "certificate_releases",
    Base.metadata,
    Column("ceremony_id", Uuid, primary_key=True),
    # The latest release (an organiser may release again, e.g. after late admissions).
    Column("released_at", UTCDateTime(), nullable=False),
    Column("released_by", String(200), nullable=True),
    # Certificates of completion and attendance only to graduates admitted at the door.
    Column("only_admitted", Boolean, nullable=False),
)

certificates = Table(
    "certificates",
    Base.metadata,
    Column("id", Uuid, primary_key=True),
    Column("ceremony_id", Uuid, nullable=False, index=True),
    Column("registration_id", Uuid, nullable=False, index=True),
    # One of shared.graduation.CERTIFICATE_KINDS.
    Column("kind", String(20), nullable=False),
    # The result it certifies; NULL for appreciation.
    Column("result", String(20), nullable=True),
    # The name printed on it; NULL once its holder was erased (the digest still checks a paper).
    Column("name", String(200), nullable=True),
    Column("name_latin", String(200), nullable=True),
    # SHA-256 of the printed name (shared.graduation.name_digest), hex; the code carries 18 bytes.
    Column("name_digest", String(64), nullable=False),
    # One of the six languages: its words, dates and direction.
    Column("language", String(8), nullable=False),
    Column("kid", String(8), ForeignKey("ceremony_keys.kid"), nullable=False),
    # The signed text its QR code carries.
    Column("code", String(192), nullable=False, unique=True),
    Column("status", String(10), nullable=False),
    Column("issued_at", UTCDateTime(), nullable=False),
    Column("revoked_at", UTCDateTime(), nullable=True),
    # Why it was revoked: name_corrected, result_changed, registration_cancelled, or an
    # organiser's words.
    Column("reason", String(64), nullable=True),
    # Revoked by an organiser: it is not issued again on its own for the same result and name.
    Column("revoked_manually", Boolean, nullable=False, server_default=text("false")),
    # The certificate this one replaces, and the one that replaced it.
    Column("replaces", Uuid, nullable=True),
    Column("replaced_by", Uuid, nullable=True),
    # One live certificate of each kind per registration; revoked ones stay, and verify so.
    Index(
        "uq_certificates_issued_registration_kind",
        "registration_id",
        "kind",
        unique=True,
        postgresql_where=text("status = 'issued'"),
        sqlite_where=text("status = 'issued'"),
    ),
)
