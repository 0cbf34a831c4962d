"""Request and response schemas of the door devices and API keys API."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from shared.auth import GATE_MAX_CHARS, ROLES
from shared.contract import Line

from ..apikeys import DEFAULT_DAYS, MAX_DAYS
from ..apikeys import NAME_MAX_CHARS as KEY_NAME_MAX_CHARS
from ..devices import NAME_MAX_CHARS as DEVICE_NAME_MAX_CHARS


def _printable(value: str) -> None:
    if not value.isprintable():
        raise ValidationError("Must be printable characters only.")


class DeviceInSchema(Schema):
    """A device to enrol at one gate."""

    gate = Line(
        required=True,
        max_len=GATE_MAX_CHARS,
        validate=[_printable],
        metadata={
            "description": "The gate the device scans at, e.g. North: one of the ceremony's "
            "gates when it names them (case and spacing ignored; stored as the ceremony "
            "spells it), else any."
        },
    )
    name = Line(
        max_len=DEVICE_NAME_MAX_CHARS,
        validate=[_printable],
        metadata={"description": "How the device is shown, e.g. Steward's phone."},
    )


DEVICE_STATUSES = ("waiting", "enrolled", "expired", "revoked")


class DeviceSchema(Schema):
    """A door device as its ceremony's team sees it."""

    id = fields.UUID(required=True)
    ceremony_id = fields.UUID(required=True)
    gate = fields.String(required=True)
    name = fields.String(required=True)
    status = fields.String(
        required=True,
        validate=validate.OneOf(DEVICE_STATUSES),
        metadata={"description": "waiting for its enrolment, enrolled, expired or revoked."},
    )
    created_at = fields.AwareDateTime(required=True)
    enrol_until = fields.AwareDateTime(
        required=True, metadata={"description": "Its enrolment code works once, until then."}
    )
    enrolled_at = fields.AwareDateTime(allow_none=True)
    expires_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "Its credential ends then."}
    )
    revoked_at = fields.AwareDateTime(allow_none=True)
    last_scan_at = fields.AwareDateTime(
        allow_none=True, metadata={"description": "Its latest admission, as the door reported."}
    )


class EnrolmentSchema(DeviceSchema):
    """A new device with its enrolment code, shown once."""

    enrol_url = fields.String(
        required=True, metadata={"description": "The link the device opens, once."}
    )
    qr_png = fields.String(
        required=True, metadata={"description": "A data: URL of a PNG QR code of enrol_url."}
    )


class ApiKeyInSchema(Schema):
    """A new API key."""

    name = Line(
        required=True,
        max_len=KEY_NAME_MAX_CHARS,
        validate=[_printable],
        metadata={"description": "What the key is for, e.g. Badge printer."},
    )
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    ceremony_id = fields.UUID(
        allow_none=True,
        load_default=None,
        metadata={"description": "The one ceremony the key acts on; none: suite-wide."},
    )
    expires_in_days = fields.Integer(
        strict=True,
        load_default=DEFAULT_DAYS,
        validate=validate.Range(1, MAX_DAYS),
        metadata={"description": f"1 to {MAX_DAYS} days; {DEFAULT_DAYS} by default."},
    )


KEY_STATUSES = ("active", "expired", "revoked")


class ApiKeySchema(Schema):
    """An API key's record (never the key itself)."""

    id = fields.UUID(required=True)
    name = fields.String(required=True)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    ceremony_id = fields.UUID(allow_none=True)
    status = fields.String(required=True, validate=validate.OneOf(KEY_STATUSES))
    created_at = fields.AwareDateTime(required=True)
    expires_at = fields.AwareDateTime(required=True)
    revoked_at = fields.AwareDateTime(allow_none=True)


class NewApiKeySchema(ApiKeySchema):
    """A new key with the key itself, shown only in this answer."""

    key = fields.String(required=True, metadata={"description": "The bearer token; keep it."})


class ApiKeyQuerySchema(Schema):
    ceremony_id = fields.UUID(
        load_default=None,
        metadata={"description": "Only this ceremony's keys; without it, every key (admin)."},
    )
