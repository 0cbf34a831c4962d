"""Request and response schemas of the badges API."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from marshmallow import Schema, ValidationError, fields, validate

from shared.contract import (
    BADGE_STATUSES,
    CATEGORIES,
    CHECKIN_RESULTS,
    Instant,
    Line,
    single_line,
)

#: How far ahead of our clock a scanner's clock may run before its scan time is refused.
CLOCK_SKEW = timedelta(minutes=5)
MAX_OFFLINE_SCANS = 500


#: How long a door may keep scans made offline before uploading them.
OFFLINE_KEPT = timedelta(days=7)


def _offline_scan_time(value: datetime) -> None:
    now = datetime.now(UTC)
    if value > now + CLOCK_SKEW:
        raise ValidationError("Must not be in the future.")
    if value < now - OFFLINE_KEPT:
        raise ValidationError(f"Must be within the last {OFFLINE_KEPT.days} days.")


def Nonce(**kwargs) -> fields.String:
    """A scanner's nonce: any single-line text of up to 64 characters, e.g. a UUID."""
    return fields.String(validate=[validate.Length(min=1, max=64), single_line], **kwargs)


def Direction() -> fields.String:
    """Whether the holder is coming in or going out."""
    return fields.String(validate=validate.OneOf(("in", "out")), load_default="in")


class CheckinInSchema(Schema):
    """One scan at a door."""

    # Any text: what is wrong with a code is the door's verdict, not a form error.
    code = fields.String(required=True)
    gate = Line(max_len=64)
    direction = Direction()
    nonce = Nonce(allow_none=True, load_default=None)


class OfflineScanSchema(CheckinInSchema):
    """A scan a door made while offline, uploaded later."""

    nonce = Nonce(required=True)
    scanned_at = Instant(required=True, validate=_offline_scan_time)


class OfflineUploadSchema(Schema):
    """Scans made offline, in any order."""

    scans = fields.List(
        fields.Nested(OfflineScanSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_OFFLINE_SCANS),
    )


class GuestSchema(Schema):
    """What a door shows of a badge holder."""

    full_name = fields.String()
    honorific = fields.String(allow_none=True)
    name_latin = fields.String(
        allow_none=True, metadata={"description": "The name in Latin letters, if another script."}
    )
    category = fields.String()
    organisation = fields.String(allow_none=True)
    attention = fields.Boolean(metadata={"description": "A VIP: dignitary or speaker."})


class SeatSchema(Schema):
    """A holder's seat, with its name and where an usher takes them."""

    id = fields.String(metadata={"description": "section:row:number"})
    section = fields.String()
    kind = fields.String(metadata={"description": "rows, or tables (the row is a table)."})
    row = fields.String()
    number = fields.Integer()
    block = fields.String(allow_none=True)
    label = fields.String(metadata={"description": "e.g. Section A · Row 1 · Seat 5"})
    usher = fields.String(metadata={"description": "e.g. usher to Section A, row 1"})


class CheckinResultSchema(Schema):
    """The door's verdict."""

    result = fields.String(validate=validate.OneOf(CHECKIN_RESULTS))
    reason = fields.String(metadata={"description": "Why a code is invalid."})
    checkin_id = fields.UUID()
    guest = fields.Nested(GuestSchema)
    direction = fields.String()
    gate = fields.String(allow_none=True)
    at = fields.AwareDateTime()
    admitted_at = fields.AwareDateTime(metadata={"description": "When an inside guest entered."})
    admitted_gate = fields.String(allow_none=True)
    seat = fields.Nested(SeatSchema, allow_none=True, metadata={"description": "None: unseated."})
    accessible_seat = fields.Boolean(metadata={"description": "Needs an accessible seat."})
    zones = fields.List(
        fields.String(),
        metadata={"description": "not_allowed_here: the zones this badge does admit to."},
    )
    opens_at = fields.AwareDateTime(metadata={"description": "too_early: when the door opens."})
    closes_at = fields.AwareDateTime(metadata={"description": "too_late: when it closed."})


class OfflineResultSchema(CheckinResultSchema):
    """The verdict on one uploaded scan."""

    result = fields.String(
        validate=validate.OneOf((*CHECKIN_RESULTS, "not_recorded")),
        metadata={"description": "not_recorded: the server failed to keep it; send it again."},
    )
    nonce = fields.String()
    status = fields.Integer(metadata={"description": "The HTTP status the scan would have had."})


class OfflineResultsSchema(Schema):
    """The verdicts on an upload, in the order the scans were sent."""

    results = fields.List(fields.Nested(OfflineResultSchema))


class BadgeSchema(Schema):
    """A badge as the API shows it."""

    id = fields.UUID()
    registration_id = fields.UUID()
    ceremony_id = fields.UUID()
    serial = fields.String()
    kid = fields.String()
    code = fields.String(metadata={"description": "The signed text the QR code carries."})
    status = fields.String(validate=validate.OneOf(BADGE_STATUSES))
    issued_at = fields.AwareDateTime()
    revoked_at = fields.AwareDateTime(allow_none=True)
    full_name = fields.String()
    honorific = fields.String(allow_none=True)
    name_latin = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    job_title = fields.String(allow_none=True)
    category = fields.String()
    precedence = fields.Integer(allow_none=True)
    attention = fields.Boolean()
    seat = fields.Nested(
        SeatSchema, allow_none=True, metadata={"description": "Named in the holder's language."}
    )
    accessible_seat = fields.Boolean()
    zones = fields.List(fields.String(), metadata={"description": "The zones it admits to."})
    png_url = fields.String()
    pdf_url = fields.String()


class SheetQuerySchema(Schema):
    """Which badges to print."""

    category = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), load_default=list)


class CategoryCountSchema(Schema):
    """Attendance of one category."""

    category = fields.String()
    registered = fields.Integer()
    admitted = fields.Integer()
    inside = fields.Integer()


class GateCountSchema(Schema):
    """Entries and exits through one gate (``null``: scans that named none)."""

    gate = fields.String(allow_none=True)
    entries = fields.Integer()
    exits = fields.Integer()


class VipSchema(GuestSchema):
    """A dignitary or speaker, and when they first came in."""

    registration_id = fields.UUID()
    precedence = fields.Integer(allow_none=True)
    arrived_at = fields.AwareDateTime(allow_none=True)
    gate = fields.String(allow_none=True)
    inside = fields.Boolean()


class AttendanceSchema(Schema):
    """Who came, by category and gate, and the VIPs with their arrival times."""

    ceremony_id = fields.UUID()
    registered = fields.Integer()
    admitted = fields.Integer()
    inside = fields.Integer()
    by_category = fields.List(fields.Nested(CategoryCountSchema))
    by_gate = fields.List(fields.Nested(GateCountSchema))
    vips = fields.List(fields.Nested(VipSchema))


class PublicKeySchema(Schema):
    """A ceremony's public key, named by the key id its codes carry."""

    kid = fields.String()
    algorithm = fields.String()
    public_key = fields.String(metadata={"description": "Raw Ed25519 key, base64url unpadded."})
    active = fields.Boolean()


class BundleGuestSchema(GuestSchema):
    """A live badge as a door needs it offline."""

    serial = fields.String()
    inside = fields.Boolean()
    seat = fields.Nested(SeatSchema, allow_none=True)
    accessible_seat = fields.Boolean()


class ZoneSchema(Schema):
    """A part of the venue and the categories admitted to it."""

    name = fields.String()
    categories = fields.List(fields.String())


class GateRuleSchema(Schema):
    """What a gate leads into and its hours; a gate with no rule admits all at any time."""

    gate = fields.String()
    zones = fields.List(fields.String())
    opens_at = fields.AwareDateTime(allow_none=True)
    closes_at = fields.AwareDateTime(allow_none=True)


class ScannerBundleSchema(Schema):
    """What a door needs to give verdicts while the network is down."""

    ceremony_id = fields.UUID()
    title = fields.String()
    ends_at = fields.AwareDateTime(metadata={"description": "The door forgets it a day after."})
    generated_at = fields.AwareDateTime()
    keys = fields.List(fields.Nested(PublicKeySchema))
    revoked = fields.List(fields.String(), metadata={"description": "Serials of revoked badges."})
    guests = fields.List(fields.Nested(BundleGuestSchema))
    zones = fields.List(fields.Nested(ZoneSchema))
    gate_rules = fields.List(fields.Nested(GateRuleSchema))


class DoorCeremonySchema(Schema):
    """A ceremony a door may open."""

    id = fields.UUID()
    title = fields.String()
    starts_at = fields.AwareDateTime()
    #: The ceremony's IANA zone: the door shows its hours in it.
    timezone = fields.String()


class DoorSessionSchema(Schema):
    """What a staff token speaks for at the door."""

    role = fields.String()
    ceremony_id = fields.UUID(allow_none=True, metadata={"description": "Set if token-bound."})
    gate = fields.String(allow_none=True, metadata={"description": "Set if token-bound."})
    ceremonies = fields.List(fields.Nested(DoorCeremonySchema))


class GuestQuerySchema(Schema):
    """A search by name."""

    name = fields.String(required=True, validate=validate.Length(min=1, max=200))


class FoundGuestSchema(GuestSchema):
    """A badge holder found by name."""

    registration_id = fields.UUID()
    serial = fields.String()
    status = fields.String(validate=validate.OneOf(BADGE_STATUSES))
    inside = fields.Boolean()
    admitted_at = fields.AwareDateTime(allow_none=True)
    admitted_gate = fields.String(allow_none=True)


class FoundGuestsSchema(Schema):
    """Guests found by name, at most twenty."""

    guests = fields.List(fields.Nested(FoundGuestSchema))


class AdmissionSchema(Schema):
    """Admit a guest found by name, without their printed badge."""

    registration_id = fields.UUID(required=True)
    gate = Line(max_len=64)
    nonce = Nonce(allow_none=True, load_default=None)
