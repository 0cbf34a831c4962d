"""Event contracts: the envelope and every event's ``data`` schema (marshmallow 4).

Events are validated when published (``make_envelope``) and when received (``parse_envelope``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from marshmallow import EXCLUDE, RAISE, Schema, ValidationError, fields, validate

from .contract import (
    CATEGORIES,
    INVITATION_STATUSES,
    REGISTRATION_STATUSES,
    REQUEST_STATUSES,
    Instant,
    InvitationTranslations,
    Line,
    Name,
    Precedence,
    ProgrammeItemSchema,
    Translations,
    VenueSchema,
    has_letter,
)
from .graduation import CERTIFICATE_KINDS, RESULTS, CourseSchema
from .venue import GateRuleSchema, SeatInfoSchema, ZoneSchema


class DataSchema(Schema):
    """Base of every event's data: unknown fields are refused when published."""

    class Meta:
        unknown = RAISE


class CeremonyData(DataSchema):
    ceremony_id = fields.UUID(required=True)
    title = Line(required=True)
    starts_at = Instant(required=True)
    ends_at = Instant(required=True)
    timezone = Line(required=True, max_len=64)
    venue = fields.Nested(VenueSchema, required=True)
    capacity = fields.Integer(required=True, validate=validate.Range(min=0))
    default_language = Line(required=True, max_len=35)
    languages = fields.List(fields.String(), required=True)
    protocol_contact_email = fields.Email(allow_none=True, load_default=None)
    programme = fields.List(fields.Nested(ProgrammeItemSchema), load_default=list)
    #: The ceremony's gates, by name: devices and door credentials name one of them.
    gates = fields.List(Line(max_len=64), load_default=list)
    #: Version 2: the zones of the venue and who is admitted to each (``shared.venue``).
    zones = fields.List(fields.Nested(ZoneSchema), load_default=list)
    #: Version 2: what each gate leads into and its door hours; a gate without a rule admits
    #: every category at any time.
    gate_rules = fields.List(fields.Nested(GateRuleSchema), load_default=list)
    #: Grows with every change; calendar updates use it as SEQUENCE.
    sequence = fields.Integer(required=True, validate=validate.Range(min=0))
    #: The ceremony's words in more languages (``shared.content``); older consumers ignore it.
    translations = Translations()
    #: What invitees are asked about their reply.
    reply_note = Line(max_len=500)


class SeatingAssignedData(DataSchema):
    """A guest's seat was given, changed or freed (``seat`` is then none)."""

    ceremony_id = fields.UUID(required=True)
    registration_id = fields.UUID(required=True)
    seat = fields.Nested(SeatInfoSchema, allow_none=True, required=True)
    #: The seat the guest had before, if any.
    previous_seat = fields.Nested(SeatInfoSchema, allow_none=True, load_default=None)
    #: Why the guest sits there ("precedence 3, block Dignitaries"; "placed by protocol").
    reason = Line(max_len=300)
    #: The guest needs an accessible seat (the door says so).
    accessible_seat = fields.Boolean(load_default=False)
    #: Write to the guest: seats were announced and this one is new to them, or changed.
    announce = fields.Boolean(load_default=False)


class PersonData(DataSchema):
    #: The whole name in its written order; with ``given_name`` and ``family_name`` it is
    #: their ``shared.protocol.display_name``.
    full_name = Name()
    #: The name in two parts, so letters can say "Dear Dr Marsh" (absent for a name typed whole;
    #: ``shared.protocol.name_of`` then splits ``full_name``). Consumers that predate these
    #: fields ignore them.
    given_name = Line(max_len=100)
    family_name = Line(max_len=100)
    #: Written family name first (王建国, Kovács Anna).
    family_first = fields.Boolean(load_default=False)
    #: A Latin transliteration of a name in another script, printed small under it.
    name_latin = Line(max_len=200)
    email = fields.Email(required=True)
    honorific = Line(max_len=50)
    organisation = Line()
    job_title = Line()
    language = Line(required=True, max_len=35)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    precedence = Precedence()


class RegistrationData(PersonData):
    registration_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REGISTRATION_STATUSES))
    #: A protocol seat outside the public capacity (dignitaries, speakers).
    reserved = fields.Boolean(load_default=False)
    #: True when a waitlisted guest got a seat because someone cancelled.
    promoted = fields.Boolean(load_default=False)
    previous_status = fields.String(allow_none=True, load_default=None)
    #: Why a cancellation happened when the guest did not ask for it, e.g.
    #: ``replaced_by_invitation``: the address was registered before its owner was invited.
    cancel_reason = Line(max_len=64)
    #: Grows with every correction of the guest's details; calendar updates use it.
    revision = fields.Integer(load_default=0, validate=validate.Range(min=0))
    #: A companion's head of delegation: the head's registration (absent for everyone else).
    delegation_of = fields.UUID(allow_none=True, load_default=None)


class RegistrationUpdatedData(RegistrationData):
    """An organiser corrected a guest's details: the badge is redrawn and the guest told."""

    #: The fields that changed, e.g. ``["full_name", "honorific"]``.
    changed = fields.List(fields.String(validate=validate.Length(max=64)), required=True)


class RegistrationRequestData(PersonData):
    """A public request to register, before it holds a seat; the guest is written to."""

    request_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(REQUEST_STATUSES))
    #: The confirmation link sent for this request stops working then.
    expires_at = Instant(required=True)


class RegistrationErasedData(DataSchema):
    """A person's data was erased on request: every service erases its copy."""

    registration_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    #: SHA-256 of the address, lower case: finds the person's emails without naming them.
    email_digest = fields.String(required=True, validate=validate.Regexp(r"^[0-9a-f]{64}$"))


class CeremonyPurgedData(DataSchema):
    """A ceremony's retention period is over: every service erases its people, keeps counts."""

    ceremony_id = fields.UUID(required=True)


class InvitationData(PersonData):
    invitation_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    status = fields.String(required=True, validate=validate.OneOf(INVITATION_STATUSES))
    registration_id = fields.UUID(allow_none=True, load_default=None)
    #: What the invitation allows: named companions (a head of delegation), a representative.
    #: Consumers that predate these fields, and the ones below, ignore them.
    companions_allowed = fields.Integer(load_default=0, validate=validate.Range(0, 20))
    representative_allowed = fields.Boolean(load_default=False)
    #: Who invites ("The Director General of the Institute").
    host = Line()
    #: The day answers are asked for, in the ceremony's time zone.
    reply_by = fields.Date(allow_none=True, load_default=None)
    dress_code = Line()
    arrival_instructions = Line(max_len=500)
    #: The answer came after ``reply_by``.
    answered_late = fields.Boolean(load_default=False)
    #: A declining invitee's message.
    regrets = fields.String(allow_none=True, load_default=None, validate=validate.Length(max=2000))
    #: The name of who comes in the invitee's place (``registration_id`` is theirs).
    represented_by = Line()
    #: host, dress_code and arrival_instructions in more languages (``shared.content``).
    translations = InvitationTranslations()


class BadgeData(DataSchema):
    badge_id = fields.UUID(required=True)
    registration_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    code = fields.String(required=True, validate=validate.Length(min=1, max=400))


class GuestSummaryData(DataSchema):
    full_name = Name()
    honorific = Line(max_len=50)
    name_latin = Line(max_len=200)
    category = fields.String(required=True, validate=validate.OneOf(CATEGORIES))
    organisation = Line()
    attention = fields.Boolean(load_default=False)


class CheckinData(DataSchema):
    checkin_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    registration_id = fields.UUID(required=True)
    gate = Line(max_len=64)
    direction = fields.String(required=True, validate=validate.OneOf(("in", "out")))
    at = Instant(required=True)
    guest = fields.Nested(GuestSummaryData, required=True)
    #: The enrolled door device that scanned, if one did.
    device_id = fields.UUID(allow_none=True, load_default=None)


class DeliveryFailedData(DataSchema):
    delivery_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(allow_none=True, load_default=None)
    template = Line(required=True, max_len=64)
    recipient = fields.Email(required=True)
    reason = fields.String(required=True, validate=validate.Length(max=2000))
    smtp_code = fields.Integer(allow_none=True, load_default=None)


class CredentialRevokedData(DataSchema):
    """A session, device or API key was revoked: every service refuses it from now on."""

    credential_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(("session", "apikey", "device")))
    #: When it would have expired anyway (the revocation can be forgotten after).
    expires_at = Instant(allow_none=True, load_default=None)


class AccountSignedOutData(DataSchema):
    """Every session of an account signed in before ``before`` is refused; a disabled
    account's sessions are all refused."""

    account_id = fields.UUID(required=True)
    before = Instant(required=True)
    disabled = fields.Boolean(load_default=False)


ROLE_SCOPE = validate.Regexp(
    r"^(\*|[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$",
    error="Must be a ceremony id or * (suite-wide).",
)


class RoleGrantedData(DataSchema):
    """An account holds ``role`` on a ceremony (``scope`` its id) or suite-wide (``*``)."""

    account_id = fields.UUID(required=True)
    scope = fields.String(required=True, validate=ROLE_SCOPE)
    role = fields.String(
        required=True,
        validate=validate.OneOf(("admin", "owner", "organiser", "protocol", "door", "viewer")),
    )
    #: The gates a door role scans at; empty: all.
    gates = fields.List(Line(max_len=64), load_default=list)


class RoleRevokedData(DataSchema):
    account_id = fields.UUID(required=True)
    scope = fields.String(required=True, validate=ROLE_SCOPE)


class AccountEmailData(DataSchema):
    """An email to a person with an account: a reset link, or an invitation to a team."""

    account_id = fields.UUID(required=True)
    email = fields.Email(required=True)
    display_name = Name()
    language = Line(required=True, max_len=35)
    #: The link in the email opens only with this instant (it is single-use: a newer request
    #: or the password being set closes it).
    requested_at = Instant(required=True)
    #: Teammate invitations: who invited, to which ceremony and role.
    ceremony_id = fields.UUID(allow_none=True, load_default=None)
    ceremony_title = Line(allow_none=True, load_default=None)
    role = fields.String(allow_none=True, load_default=None)
    invited_by = Line(allow_none=True, load_default=None)


class CourseData(DataSchema):
    """A ceremony's course was set, changed or removed (``course`` is then none)."""

    ceremony_id = fields.UUID(required=True)
    course = fields.Nested(CourseSchema, allow_none=True, required=True)
    #: Grows with every change; a consumer keeps the highest it has seen.
    revision = fields.Integer(required=True, validate=validate.Range(min=0))


class GraduateData(DataSchema):
    """A registration's part in the graduation: its result, group and roll details."""

    ceremony_id = fields.UUID(required=True)
    registration_id = fields.UUID(required=True)
    #: None until a result is set (or when it was cleared).
    result = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(RESULTS))
    #: The group the graduate is called with ("Syndicate B").
    group = Line(allow_none=True, load_default=None, max_len=80)
    #: The graduate's own spelling of how their name sounds ("ah-MEE-nah dee-AH-loh").
    phonetic = Line(allow_none=True, load_default=None, max_len=200)
    #: Thanked with a certificate of appreciation (the course's experts).
    appreciation = fields.Boolean(load_default=False)
    #: Grows with every change; a consumer keeps the highest it has seen.
    revision = fields.Integer(required=True, validate=validate.Range(min=0))


class CertificateData(DataSchema):
    """A certificate was issued (or revoked): notifications writes it to its holder."""

    certificate_id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    registration_id = fields.UUID(required=True)
    kind = fields.String(required=True, validate=validate.OneOf(CERTIFICATE_KINDS))
    result = fields.String(allow_none=True, load_default=None, validate=validate.OneOf(RESULTS))
    #: The signed code its QR code carries (``/verify/<code>``).
    code = fields.String(required=True, validate=validate.Length(min=1, max=400))
    #: The name printed on it (none once its holder's data was erased).
    name = Line(validate=[has_letter])
    #: The certificate this one replaces (a corrected name), revoked at the same time.
    replaces = fields.UUID(allow_none=True, load_default=None)
    #: Why it was revoked (``name_corrected``, ``result_changed``, ``revoked_by_organiser``...).
    reason = Line(allow_none=True, load_default=None, max_len=64)


#: Event type (the routing key, past tense) → schema of its ``data``.
EVENT_SCHEMAS: dict[str, type[DataSchema]] = {
    "ceremony.created": CeremonyData,
    "ceremony.updated": CeremonyData,
    "registration.confirmed": RegistrationData,
    "registration.waitlisted": RegistrationData,
    "registration.cancelled": RegistrationData,
    #: A public request, to be confirmed from the email or approved by an organiser.
    "registration.requested": RegistrationRequestData,
    #: An organiser declined a request.
    "registration.request_declined": RegistrationRequestData,
    #: An address already registered asked again: it is sent its own link.
    "registration.link_requested": RegistrationData,
    "registration.erased": RegistrationErasedData,
    #: An organiser corrected the guest's details.
    "registration.updated": RegistrationUpdatedData,
    #: An organiser asked for the guest's confirmation (badge, calendar entry) to be sent again.
    "registration.confirmation_resent": RegistrationData,
    "ceremony.purged": CeremonyPurgedData,
    "invitation.created": InvitationData,
    "invitation.reminded": InvitationData,
    "invitation.accepted": InvitationData,
    "invitation.declined": InvitationData,
    #: The organiser withdrew an invitation that was sent.
    "invitation.withdrawn": InvitationData,
    "badge.issued": BadgeData,
    "badge.revoked": BadgeData,
    "checkin.recorded": CheckinData,
    "seating.assigned": SeatingAssignedData,
    "course.updated": CourseData,
    "graduate.updated": GraduateData,
    "certificate.issued": CertificateData,
    "certificate.revoked": CertificateData,
    "delivery.failed": DeliveryFailedData,
    "credential.revoked": CredentialRevokedData,
    "account.signed_out": AccountSignedOutData,
    "role.granted": RoleGrantedData,
    "role.revoked": RoleRevokedData,
    "account.password_reset_requested": AccountEmailData,
    "account.invited": AccountEmailData,
}
EVENT_VERSION = 1
#: Events whose data grew in a way consumers should know of; others are at ``EVENT_VERSION``.
EVENT_VERSIONS = {"ceremony.created": 2, "ceremony.updated": 2}


class EnvelopeSchema(Schema):
    """What travels on the bus around every event."""

    class Meta:
        unknown = RAISE

    event_id = fields.UUID(required=True)
    type = fields.String(required=True, validate=validate.OneOf(tuple(EVENT_SCHEMAS)))
    version = fields.Integer(required=True, validate=validate.Range(min=1))
    occurred_at = Instant(required=True)
    producer = fields.String(required=True, validate=validate.Length(min=1, max=64))
    data = fields.Dict(required=True)


@dataclass(frozen=True)
class Event:
    """A received, validated event; ``data`` holds loaded values (UUIDs, datetimes)."""

    event_id: uuid.UUID
    type: str
    version: int
    occurred_at: datetime
    producer: str
    data: dict[str, Any]


# Schemas are built once: building one is far dearer than using it, and using one is
# thread-safe.
_PUBLISHING = {name: schema() for name, schema in EVENT_SCHEMAS.items()}
_RECEIVING = {name: schema(unknown=EXCLUDE) for name, schema in EVENT_SCHEMAS.items()}
_ENVELOPE = EnvelopeSchema()


def make_envelope(event_type: str, data: dict[str, Any], producer: str) -> dict[str, Any]:
    """Build a JSON-ready envelope; raises ``ValidationError`` if ``data`` breaks its contract."""
    schema = _PUBLISHING.get(event_type)
    if schema is None:
        raise ValidationError({"type": [f"Unknown event type {event_type!r}."]})
    dumped = schema.dump(data)
    schema.load(dumped)  # the producer's check: the same rules every consumer applies
    return {
        "event_id": str(uuid.uuid4()),
        "type": event_type,
        "version": EVENT_VERSIONS.get(event_type, EVENT_VERSION),
        "occurred_at": datetime.now(UTC).isoformat(),
        "producer": producer,
        "data": dumped,
    }


def make_envelopes(
    event_type: str, items: list[dict[str, Any]], producer: str
) -> list[dict[str, Any]]:
    """Build one envelope per item of ``items`` as ``make_envelope`` does, checking the whole
    list in one pass of the schema; raises ``ValidationError`` keyed by the index at fault."""
    schema = _PUBLISHING.get(event_type)
    if schema is None:
        raise ValidationError({"type": [f"Unknown event type {event_type!r}."]})
    dumped = schema.dump(items, many=True)
    schema.load(dumped, many=True)  # the producer's check, as for a single event
    version = EVENT_VERSIONS.get(event_type, EVENT_VERSION)
    return [
        {
            "event_id": str(uuid.uuid4()),
            "type": event_type,
            "version": version,
            "occurred_at": datetime.now(UTC).isoformat(),
            "producer": producer,
            "data": data,
        }
        for data in dumped
    ]


def parse_envelope(body: Any) -> Event:
    """Validate a received body; raises ``ValidationError`` naming what is wrong."""
    if not isinstance(body, dict):
        raise ValidationError({"_schema": ["The message body must be a JSON object."]})
    envelope = _ENVELOPE.load(body)
    # Consumers ignore data fields they do not know yet, so producers can add fields first.
    data = _RECEIVING[envelope["type"]].load(envelope["data"])
    return Event(
        event_id=envelope["event_id"],
        type=envelope["type"],
        version=envelope["version"],
        occurred_at=envelope["occurred_at"],
        producer=envelope["producer"],
        data=data,
    )
