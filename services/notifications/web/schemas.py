"""Request and response schemas of the notifications API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contract import (
    CATEGORIES,
    DELIVERY_STATUSES,
    REGISTRATION_STATUSES,
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


class AnnouncementInSchema(Schema):
    """An organiser's announcement and who should receive it."""

    subject = Line(required=True, max_len=200)
    body = Text(required=True, max_len=20_000, validate=[not_blank])
    categories = fields.List(
        fields.String(validate=validate.OneOf(CATEGORIES)),
        validate=validate.Length(min=1),
        load_default=lambda: list(CATEGORIES),
    )
    statuses = fields.List(
        fields.String(validate=validate.OneOf(REGISTRATION_STATUSES)),
        validate=validate.Length(min=1),
        load_default=lambda: ["confirmed"],
    )


class AnnouncementSchema(Schema):
    """An announcement as recorded, with how many guests it was queued for."""

    id = fields.UUID()
    ceremony_id = fields.UUID()
    subject = fields.String()
    body = fields.String()
    categories = fields.List(fields.String())
    statuses = fields.List(fields.String())
    recipients = fields.Integer()
    created_at = fields.AwareDateTime()
