"""Request and response schemas of the registration API."""

from __future__ import annotations

from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.contract import (
    CATEGORIES,
    INVITATION_STATUSES,
    REGISTRATION_STATUSES,
    VIP_CATEGORIES,
    CeremonyTime,
    Language,
    Line,
    Name,
    Precedence,
    ProgrammeItemSchema,
    Text,
    VenueSchema,
)

_ZONES = frozenset(available_timezones())


def _timezone(value: str) -> None:
    if value not in _ZONES:
        raise ValidationError("Not a known IANA time zone, e.g. Europe/Paris.")


class CeremonyInSchema(Schema):
    """A new ceremony, as an organiser describes it."""

    title = Line(required=True)
    starts_at = CeremonyTime(required=True)
    ends_at = CeremonyTime(required=True)
    timezone = fields.String(required=True, validate=_timezone)
    venue = fields.Nested(VenueSchema, required=True)
    capacity = fields.Integer(required=True, strict=True, validate=validate.Range(0, 100_000))
    default_language = Language(load_default="en")
    languages = fields.List(Language(), validate=validate.Length(max=20), load_default=list)
    protocol_contact_email = fields.Email(allow_none=True, load_default=None)
    programme = fields.List(
        fields.Nested(ProgrammeItemSchema), validate=validate.Length(max=100), load_default=list
    )

    @validates_schema
    def _ends_after_start(self, data, **kwargs):
        if "starts_at" in data and "ends_at" in data and data["ends_at"] <= data["starts_at"]:
            raise ValidationError("Must be after starts_at.", field_name="ends_at")


class CeremonyPatchSchema(CeremonyInSchema):
    """Changes to a ceremony: any subset of its fields (load it with ``partial=True``)."""


class CeremonySchema(Schema):
    """A ceremony as the API shows it."""

    id = fields.UUID()
    title = fields.String()
    starts_at = fields.AwareDateTime()
    ends_at = fields.AwareDateTime()
    timezone = fields.String()
    venue = fields.Method("_venue")
    capacity = fields.Integer()
    seats_taken = fields.Integer()
    default_language = fields.String()
    languages = fields.List(fields.String())
    protocol_contact_email = fields.String(
        attribute="contact_shown",
        allow_none=True,
        metadata={"description": "Shown to the ceremony's organisers only; null for others."},
    )
    programme = fields.List(fields.Dict())
    sequence = fields.Integer()
    registration_url = fields.String()

    def _venue(self, ceremony):
        return {"name": ceremony.venue_name, "address": ceremony.venue_address}


class PersonInSchema(Schema):
    """Who is registering or being invited."""

    full_name = Name()
    email = fields.Email(required=True, validate=validate.Length(max=254))
    honorific = Line(max_len=50)
    organisation = Line()
    job_title = Line()
    language = Language(allow_none=True, load_default=None)
    #: Protocol order; only organisers may set it.
    precedence = Precedence()


class RegistrationInSchema(PersonInSchema):
    """A guest's registration form."""

    category = fields.String(validate=validate.OneOf(CATEGORIES), load_default="guest")
    needs = Text(max_len=2000)


class PersonOutSchema(Schema):
    """Who a registration or an invitation is for, as the API shows it."""

    id = fields.UUID()
    ceremony_id = fields.UUID()
    status = fields.String()
    full_name = fields.String()
    email = fields.String()
    honorific = fields.String(allow_none=True)
    organisation = fields.String(allow_none=True)
    job_title = fields.String(allow_none=True)
    language = fields.String()
    category = fields.String()
    precedence = fields.Integer(allow_none=True)


class RegistrationSchema(PersonOutSchema):
    """A registration as the API shows it."""

    needs = fields.String(allow_none=True)
    reserved = fields.Boolean()
    created_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)


class RegistrationCreatedSchema(RegistrationSchema):
    """The answer to a registration: the guest's own link comes with it."""

    manage_url = fields.String()


class RegistrationQuerySchema(Schema):
    """Filters of the organiser's registration list."""

    status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))


class InviteeSchema(PersonInSchema):
    """One person to invite."""

    category = fields.String(validate=validate.OneOf(VIP_CATEGORIES), load_default="dignitary")


class InvitationsInSchema(Schema):
    """A batch of invitees: all are invited, or none."""

    invitees = fields.List(
        fields.Nested(InviteeSchema), required=True, validate=validate.Length(min=1, max=1000)
    )


class InvitationSchema(PersonOutSchema):
    """An invitation as the API shows it."""

    answered_by = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    registration_id = fields.UUID(allow_none=True)
    reminders = fields.Integer()
    created_at = fields.AwareDateTime()
    #: The invitee's own link, for an organiser who sends it another way.
    rsvp_url = fields.String()


class InvitationQuerySchema(Schema):
    """Filters of the invitation list."""

    status = fields.String(validate=validate.OneOf(INVITATION_STATUSES))


class AnswerSchema(Schema):
    """An answer to an invitation."""

    answer = fields.String(required=True, validate=validate.OneOf(("accept", "decline")))


class CsvUploadSchema(Schema):
    """A CSV file with a header row."""

    file = fields.Raw(metadata={"type": "string", "format": "binary"})
