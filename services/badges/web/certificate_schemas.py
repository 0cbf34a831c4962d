"""Request and response schemas of the certificates API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contract import Line
from shared.graduation import CERTIFICATE_KINDS, RESULTS

from ..signing.certificates import MAX_INPUT_CHARS


class ReleaseSchema(Schema):
    """Release a ceremony's certificates."""

    #: Certificates of completion and attendance only to graduates admitted at the door.
    only_admitted = fields.Boolean(load_default=False)


class ReleaseResultSchema(Schema):
    """What a release issued, and what it skipped and why."""

    ceremony_id = fields.UUID()
    released_at = fields.DateTime()
    only_admitted = fields.Boolean()
    issued = fields.Integer(metadata={"description": "Certificates issued by this release."})
    already_issued = fields.Integer(metadata={"description": "Held already; nothing new."})
    revoked = fields.Integer(metadata={"description": "Revoked: the result or name changed."})
    skipped = fields.Dict(
        keys=fields.String(),
        values=fields.Integer(),
        metadata={
            "description": "By reason: no_result, not_completed, not_admitted, "
            "revoked_by_organiser."
        },
    )


class RevokeSchema(Schema):
    """Revoke one certificate."""

    reason = Line(max_len=64, metadata={"description": "Why, in a few words."})


class CertificateSchema(Schema):
    """One certificate: whom it is for, what it certifies, and whether it stands."""

    id = fields.UUID()
    ceremony_id = fields.UUID()
    registration_id = fields.UUID()
    kind = fields.String(validate=validate.OneOf(CERTIFICATE_KINDS))
    result = fields.String(allow_none=True, validate=validate.OneOf(RESULTS))
    name = fields.String(
        allow_none=True, metadata={"description": "None once the holder was erased."}
    )
    name_latin = fields.String(allow_none=True)
    language = fields.String()
    kid = fields.String()
    code = fields.String(metadata={"description": "The signed code its QR code carries."})
    status = fields.String(validate=validate.OneOf(("issued", "revoked")))
    issued_at = fields.DateTime()
    revoked_at = fields.DateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    replaces = fields.UUID(allow_none=True)
    replaced_by = fields.UUID(allow_none=True)
    verify_url = fields.String()
    pdf_url = fields.String()


class VerificationSchema(Schema):
    """Whether a certificate code is genuine, and what the certificate says."""

    status = fields.String(validate=validate.OneOf(("genuine", "revoked", "not_genuine")))
    reason = fields.String(
        allow_none=True,
        metadata={
            "description": "For not_genuine: malformed, badge_code, unknown_key, "
            "wrong_ceremony, bad_signature, unknown_certificate."
        },
    )
    certificate_id = fields.UUID(allow_none=True)
    ceremony_id = fields.UUID(allow_none=True)
    kid = fields.String(allow_none=True)
    kind = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    name = fields.String(
        allow_none=True, metadata={"description": "None once the holder's name is not kept."}
    )
    name_latin = fields.String(allow_none=True)
    name_digest_hex = fields.String(
        allow_none=True,
        metadata={"description": "First 18 bytes of SHA-256 of the NFC name printed on it."},
    )
    language = fields.String(allow_none=True)
    course_title = fields.String(allow_none=True)
    course_title_en = fields.String(allow_none=True)
    starts_on = fields.Date(allow_none=True)
    ends_on = fields.Date(allow_none=True)
    hours = fields.Decimal(allow_none=True, as_string=True)
    organisations = fields.List(fields.String())
    ceremony_title = fields.String(allow_none=True)
    issued_at = fields.DateTime(allow_none=True)
    revoked_at = fields.DateTime(allow_none=True)
    revoke_reason = fields.String(allow_none=True)
    replaced_by = fields.UUID(allow_none=True)


class CertificateKeySchema(Schema):
    """One of a ceremony's public keys."""

    kid = fields.String()
    public_key = fields.String(metadata={"description": "Raw Ed25519 key, base64url, no padding."})
    created_at = fields.DateTime()
    active = fields.Boolean()


class CertificateKeysSchema(Schema):
    """What an offline verifier downloads once: every key a ceremony signs with."""

    ceremony_id = fields.UUID()
    keys = fields.List(fields.Nested(CertificateKeySchema))


#: The longest path segment ``/api/verify/<code>`` reads.
MAX_CODE_CHARS = MAX_INPUT_CHARS
