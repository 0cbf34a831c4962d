"""Request and response schemas of the registration API."""

from __future__ import annotations

from zoneinfo import available_timezones

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from shared.auth import GATE_MAX_CHARS
from shared.contract import (
    CATEGORIES,
    INVITATION_STATUSES,
    INVITEE_CATEGORIES,
    REGISTRATION_MODES,
    REGISTRATION_STATUSES,
    REQUEST_STATUSES,
    CeremonyTime,
    InvitationTranslations,
    Language,
    Line,
    PersonNameSchema,
    Precedence,
    ProgrammeItemSchema,
    Text,
    Translations,
    VenueSchema,
)

from ..ceremonies import MAX_GATES
from ..invitations import ANSWER_CHANNELS, ANSWER_KINDS, MAX_COMPANIONS

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
    registration_mode = fields.String(
        validate=validate.OneOf(REGISTRATION_MODES),
        load_default="confirm_email",
        metadata={
            "description": "confirm_email: a link sent to the address takes the seat; "
            "approval: an organiser decides each request; open: registered at once."
        },
    )
    programme = fields.List(
        fields.Nested(ProgrammeItemSchema), validate=validate.Length(max=100), load_default=list
    )
    reply_note = Line(
        max_len=500,
        metadata={
            "description": "What invitees are asked about their reply, with every invitation."
        },
    )
    translations = Translations(
        metadata={
            "description": "The ceremony's words in more languages, by language tag: any of "
            "title, venue_name, venue_address and programme (item titles in running order). "
            "A reader's language is looked up as given, then by its base language; what is "
            "missing is the ceremony's own text."
        }
    )
    gates = fields.List(
        Line(required=True, max_len=GATE_MAX_CHARS),
        validate=validate.Length(max=MAX_GATES),
        load_default=list,
        metadata={
            "description": "The venue's gates, by name; stored with single spaces, and two "
            "names differing only by case or spacing are refused as one gate. With gates, "
            "door devices are enrolled at one of them."
        },
    )
    privacy_notice = Text(
        max_len=10_000,
        metadata={"description": "Shown on the registration form; guests agree to it."},
    )
    privacy_notice_url = fields.Url(
        allow_none=True,
        load_default=None,
        schemes={"http", "https"},
        validate=validate.Length(max=2048),
        metadata={"description": "Where the privacy notice is published, instead of its text."},
    )
    retention_days = fields.Integer(
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(0, 3650),
        metadata={
            "description": "Days after the end when personal data is erased (none: default)."
        },
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
    reply_note = fields.String(allow_none=True)
    translations = fields.Dict()
    gates = fields.List(fields.String())
    sequence = fields.Integer()
    registration_mode = fields.String()
    privacy_notice = fields.String(allow_none=True)
    privacy_notice_url = fields.String(allow_none=True)
    retention_days = fields.Integer(allow_none=True)
    registration_url = fields.String()

    def _venue(self, ceremony):
        return {"name": ceremony.venue_name, "address": ceremony.venue_address}


class PersonInSchema(PersonNameSchema):
    """Who is registering or being invited."""

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
    #: The guest needs an accessible seat (a wheelchair place).
    accessible_seat = fields.Boolean(load_default=False)
    #: The guest agrees to the ceremony's privacy notice (required when it has one).
    consent = fields.Boolean(load_default=False)


class PersonOutSchema(Schema):
    """Who a registration or an invitation is for, as the API shows it."""

    id = fields.UUID()
    ceremony_id = fields.UUID()
    status = fields.String()
    full_name = fields.String()
    given_name = fields.String(allow_none=True)
    family_name = fields.String(allow_none=True)
    family_first = fields.Boolean()
    name_latin = fields.String(allow_none=True)
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
    accessible_seat = fields.Boolean()
    reserved = fields.Boolean()
    created_at = fields.AwareDateTime()
    confirmed_at = fields.AwareDateTime(allow_none=True)
    cancelled_at = fields.AwareDateTime(allow_none=True)
    consent_at = fields.AwareDateTime(allow_none=True)
    #: Grows with every correction by an organiser.
    revision = fields.Integer()
    updated_at = fields.AwareDateTime(allow_none=True)
    #: First admission at the door.
    arrived_at = fields.AwareDateTime(allow_none=True)


class RegistrationCreatedSchema(RegistrationSchema):
    """The answer to a registration: the guest's own link comes with it."""

    manage_url = fields.String()


class RegistrationQuerySchema(Schema):
    """Filters of the organiser's registration list."""

    status = fields.String(validate=validate.OneOf(REGISTRATION_STATUSES))
    category = fields.String(validate=validate.OneOf(CATEGORIES))


class InviteeSchema(PersonInSchema):
    """One person to invite, and what the invitation allows and tells them."""

    category = fields.String(validate=validate.OneOf(INVITEE_CATEGORIES), load_default="dignitary")
    companions_allowed = fields.Integer(
        strict=True,
        load_default=0,
        validate=validate.Range(0, MAX_COMPANIONS),
        metadata={"description": "How many named companions a head of delegation may bring."},
    )
    representative_allowed = fields.Boolean(
        load_default=False,
        metadata={"description": "Whether the invitee may name someone to come in their place."},
    )
    host = Line(metadata={"description": 'Who invites, e.g. "The Director General".'})
    reply_by = fields.Date(
        allow_none=True,
        load_default=None,
        metadata={
            "description": "The day answers are asked for (YYYY-MM-DD, in the ceremony's time "
            "zone), at the latest the ceremony's day; no reminders after it, and later answers "
            "are marked late."
        },
    )
    dress_code = Line()
    arrival_instructions = Line(max_len=500)
    translations = InvitationTranslations(
        metadata={
            "description": "host, dress_code and arrival_instructions in more languages, by "
            'language tag: {"fr": {"host": "Le Directeur général"}}; what is left out is the '
            "invitation's own."
        }
    )


class InvitationsInSchema(Schema):
    """A batch of invitees: all are invited, or none."""

    invitees = fields.List(
        fields.Nested(InviteeSchema), required=True, validate=validate.Length(min=1, max=5000)
    )
    send = fields.Boolean(
        load_default=True,
        metadata={"description": "false: keep them as drafts, sent later (…/invitations/send)."},
    )


class _ChosenInvitationsSchema(Schema):
    """Some invitations by id, or all of a kind (the flag named ``everyone``)."""

    everyone = "all"
    invitation_ids = fields.List(fields.UUID(), validate=validate.Length(min=1, max=5000))

    @validates_schema
    def _one_choice(self, data, **kwargs):
        if ("invitation_ids" in data) == bool(data.get(self.everyone)):
            raise ValidationError(f"Give invitation_ids or {self.everyone}: true, not both.")


class SendChoiceSchema(_ChosenInvitationsSchema):
    """Drafts to send: some by id, or all of them."""

    everyone = "all_drafts"
    all_drafts = fields.Boolean(load_default=False)


class RemindChoiceSchema(_ChosenInvitationsSchema):
    """Invitees to remind: some by id, or everyone who has not answered."""

    everyone = "all_pending"
    all_pending = fields.Boolean(load_default=False)


class SendResultSchema(Schema):
    """What sending drafts did: those chosen that were not drafts are skipped."""

    sent = fields.Integer()
    skipped = fields.Integer()
    invitation_ids = fields.List(fields.UUID())


class RemindResultSchema(Schema):
    """What reminding did: those chosen who answered (or were not sent) are skipped."""

    reminded = fields.Integer()
    skipped = fields.Integer()
    invitation_ids = fields.List(fields.UUID())


class DelegateOutSchema(Schema):
    """A companion or a representative, with the registration the answer gave them."""

    registration_id = fields.UUID(attribute="id")
    status = fields.String()
    full_name = fields.String()
    honorific = fields.String(allow_none=True)
    email = fields.String()
    language = fields.String()


class InvitationSchema(PersonOutSchema):
    """An invitation as the API shows it."""

    companions_allowed = fields.Integer()
    representative_allowed = fields.Boolean()
    host = fields.String(allow_none=True)
    reply_by = fields.Date(allow_none=True)
    translations = fields.Dict()
    dress_code = fields.String(allow_none=True)
    arrival_instructions = fields.String(allow_none=True)
    answered_by = fields.String(allow_none=True)
    answered_at = fields.AwareDateTime(allow_none=True)
    answered_late = fields.Boolean(
        metadata={"description": "The answer came after the reply-by date."}
    )
    regrets = fields.String(allow_none=True, metadata={"description": "A declining message."})
    represented_by = fields.String(
        allow_none=True,
        metadata={"description": "Who comes in the invitee's place; registration_id is theirs."},
    )
    companions = fields.List(
        fields.Nested(DelegateOutSchema),
        metadata={"description": "The companions an acceptance named, with their registrations."},
    )
    registration_id = fields.UUID(allow_none=True)
    reminders = fields.Integer()
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "None while the invitation is a draft."}
    )
    opened_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "When the RSVP page was first opened."}
    )
    bounced_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "When the invitation email was refused."}
    )
    withdrawn_at = fields.AwareDateTime(allow_none=True)
    #: The invitee's own link, for an organiser who sends it another way (none for a draft).
    rsvp_url = fields.String(allow_none=True)


class InvitationQuerySchema(Schema):
    """Filters of the invitation list."""

    status = fields.String(validate=validate.OneOf(INVITATION_STATUSES))


class DelegateSchema(PersonNameSchema):
    """A companion, or the person who comes in the invitee's place: each gets a registration,
    a badge and a confirmation of their own, so each needs an email."""

    honorific = Line(max_len=50)
    email = fields.Email(required=True, validate=validate.Length(max=254))
    language = Language(
        allow_none=True,
        load_default=None,
        metadata={"description": "Their confirmation's language; none: the invitation's."},
    )
    organisation = Line()
    job_title = Line()


class AnswerSchema(Schema):
    """An answer to an invitation; an organiser says how it came and may add a note.

    - ``{"answer": "accept", "companions": [{...}]}``: the invitee comes, with up to
      ``companions_allowed`` named companions (omitted: those named before stay);
    - ``{"answer": "represent", "representative": {...}}``: someone comes in the invitee's place
      (when ``representative_allowed``); they get the registration instead of the invitee;
    - ``{"answer": "decline", "regrets": "..."}``: the invitee does not come; the message is
      optional.

    Answering again replaces the answer: companions no longer named lose their registration.
    """

    answer = fields.String(required=True, validate=validate.OneOf(ANSWER_KINDS))
    companions = fields.List(
        fields.Nested(DelegateSchema),
        allow_none=True,
        load_default=None,
        validate=validate.Length(max=MAX_COMPANIONS),
        metadata={
            "description": "With accept only: each companion's name and email (omitted: those "
            "named before stay; an empty list: none)."
        },
    )
    representative = fields.Nested(
        DelegateSchema,
        allow_none=True,
        load_default=None,
        metadata={"description": "With represent only: who comes instead."},
    )
    regrets = Text(max_len=2000, metadata={"description": "With decline only."})
    via = fields.String(
        validate=validate.OneOf(ANSWER_CHANNELS), allow_none=True, load_default=None
    )
    note = Text(max_len=500, metadata={"description": "Kept in the audit trail."})

    @validates_schema
    def _fits_the_answer(self, data, **kwargs):
        reply = data.get("answer")
        if data.get("companions") and reply != "accept":
            raise ValidationError("Companions come with accept only.", field_name="companions")
        if reply == "represent" and not data.get("representative"):
            raise ValidationError("Name who comes in your place.", field_name="representative")
        if data.get("representative") and reply != "represent":
            raise ValidationError(
                "A representative comes with represent only.", field_name="representative"
            )
        if data.get("regrets") and reply != "decline":
            raise ValidationError("Regrets come with decline only.", field_name="regrets")


class ImportQuerySchema(Schema):
    """How an imported file's invitations start."""

    send = fields.Boolean(
        load_default=True, metadata={"description": "false: import them as drafts."}
    )


class CsvUploadSchema(Schema):
    """A CSV file with a header row."""

    file = fields.Raw(metadata={"type": "string", "format": "binary"})


class RequestAcceptedSchema(Schema):
    """The answer to a public request: the same whoever is or is not registered already."""

    status = fields.String(
        validate=validate.OneOf(("confirmation_sent", "awaiting_approval")),
        metadata={"description": "What the email sent to the address says to do next."},
    )
    message = fields.String()


class RegistrationRequestSchema(PersonOutSchema):
    """A public request to register, as organisers see it."""

    class Meta:
        # Requests come from the public, who give no precedence.
        exclude = ("precedence",)

    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES))
    needs = fields.String(allow_none=True)
    created_at = fields.AwareDateTime()
    expires_at = fields.AwareDateTime()
    decided_at = fields.AwareDateTime(allow_none=True)
    registration_id = fields.UUID(allow_none=True)


class RequestQuerySchema(Schema):
    """Filters of the organisers' list of requests."""

    status = fields.String(validate=validate.OneOf(REQUEST_STATUSES))
