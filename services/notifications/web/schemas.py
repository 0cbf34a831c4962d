"""Request and response schemas of the notifications API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from shared.contract import (
    CATEGORIES,
    DELIVERY_STATUSES,
    REGISTRATION_STATUSES,
    Instant,
    Language,
    Line,
    Text,
    not_blank,
)

from ..compose.contexts import TEMPLATES


class DeliveryQuerySchema(Schema):
    """Filters of the delivery log."""

    ceremony = fields.UUID()
    recipient = fields.Email(validate=validate.Length(max=254))
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    template = fields.String(validate=validate.OneOf(sorted(TEMPLATES)))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 1000))
    offset = fields.Integer(load_default=0, validate=validate.Range(0, 10_000_000))


class DeliverySchema(Schema):
    """One email in the delivery log."""

    id = fields.UUID()
    event_id = fields.String()
    template = fields.String()
    recipient = fields.String()
    recipient_name = fields.String()
    #: None for an email about no ceremony (an account's password reset).
    ceremony_id = fields.UUID(allow_none=True)
    registration_id = fields.UUID(allow_none=True)
    language_used = fields.String(allow_none=True)
    status = fields.String(metadata={"enum": list(DELIVERY_STATUSES)})
    attempts = fields.Integer()
    last_error = fields.String(allow_none=True)
    smtp_code = fields.Integer(allow_none=True)
    message_id = fields.String()
    next_attempt_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    sent_at = fields.AwareDateTime(allow_none=True)
    resend_of = fields.UUID(allow_none=True)


class PreviewQuerySchema(Schema):
    """Which language to preview a template in."""

    language = Language(load_default="en")


class PreviewSchema(Schema):
    """A template rendered with sample data."""

    template = fields.String()
    language_requested = fields.String()
    language_used = fields.String()
    subject = fields.String()
    text = fields.String()
    html = fields.String()


def _categories() -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(CATEGORIES)),
        validate=validate.Length(min=1),
        load_default=lambda: list(CATEGORIES),
    )


def _statuses() -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(REGISTRATION_STATUSES)),
        validate=validate.Length(min=1),
        load_default=lambda: ["confirmed"],
    )


def _invitation_statuses() -> fields.List:
    return fields.List(
        fields.String(validate=validate.OneOf(("pending", "declined"))),
        load_default=list,
        metadata={"description": "Invitees without a registration, by their answer."},
    )


class AnnouncementTextSchema(Schema):
    """An announcement's words in one language; the body is Markdown (raw HTML is shown as
    text, never rendered)."""

    subject = Line(required=True, max_len=200)
    body = Text(required=True, max_len=20_000, validate=[not_blank])


class AudienceSchema(Schema):
    """Who receives an announcement."""

    categories = _categories()
    statuses = _statuses()
    invitation_statuses = _invitation_statuses()


class AnnouncementInSchema(Schema):
    """An organiser's announcement and who should receive it.

    Either ``bodies`` (a text per language of the ceremony) or ``subject`` and ``body`` (the
    text of the ceremony's default language). The audience is ``audience`` or, as before, the
    ``categories`` and ``statuses`` beside the text. With ``send_at`` it is scheduled; with
    ``draft`` it is kept unsent.
    """

    subject = Line(max_len=200, validate=[not_blank])
    body = Text(max_len=20_000, validate=[not_blank])
    bodies = fields.Dict(
        keys=Language(),
        values=fields.Nested(AnnouncementTextSchema),
        validate=validate.Length(max=10),
    )
    categories = _categories()
    statuses = _statuses()
    invitation_statuses = _invitation_statuses()
    audience = fields.Nested(AudienceSchema)
    send_at = Instant(allow_none=True, load_default=None)
    draft = fields.Boolean(load_default=False)

    @validates_schema
    def text_is_given(self, data, **kwargs):
        """A text in some language: ``bodies``, or ``subject`` with ``body``."""
        if data.get("bodies"):
            return
        missing = {
            name: ["Missing data for required field."]
            for name in ("subject", "body")
            if not data.get(name)
        }
        if missing:
            raise ValidationError(missing)

    @post_load
    def audience_given(self, data, **kwargs):
        """The audience from ``audience`` when given, else from the fields beside the text."""
        data.update(data.pop("audience", None) or {})
        return data


class AnnouncementTextOutSchema(Schema):
    subject = fields.String()
    body = fields.String()


class AnnouncementSchema(Schema):
    """An announcement as recorded, with how many guests it was queued for."""

    id = fields.UUID()
    ceremony_id = fields.UUID()
    subject = fields.String()
    body = fields.String()
    bodies = fields.Dict(keys=fields.String(), values=fields.Nested(AnnouncementTextOutSchema))
    categories = fields.List(fields.String())
    statuses = fields.List(fields.String())
    invitation_statuses = fields.List(fields.String())
    status = fields.String(metadata={"enum": ["draft", "scheduled", "sent", "cancelled"]})
    send_at = fields.AwareDateTime(allow_none=True)
    sent_at = fields.AwareDateTime(allow_none=True)
    #: How many emails it was queued for; None until it is sent.
    recipients = fields.Integer(allow_none=True)
    created_at = fields.AwareDateTime()
