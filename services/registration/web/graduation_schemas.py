"""What the graduation API takes and answers: the course, a graduate's record, the results
file, the roll. The course is checked by the contract's own schema (``shared.graduation``)."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from shared.contract import Line
from shared.graduation import RESULTS, ROLL_ORDERS

from ..graduation.course import CourseInputSchema

__all__ = [
    "CourseInputSchema",
    "CourseOutSchema",
    "GraduationChangesSchema",
    "GraduationSchema",
    "ImageUploadSchema",
    "ImportResultSchema",
    "RollLanguageSchema",
    "RollOrderSchema",
    "RollSchema",
]


class OrganisationOutSchema(Schema):
    name = fields.String()
    has_logo = fields.Boolean()
    #: Where its logo is served (also when it has none yet: where to upload one).
    logo_url = fields.String()


class SignatoryOutSchema(Schema):
    name = fields.String()
    title = fields.String(allow_none=True)
    has_signature = fields.Boolean()
    signature_url = fields.String()


class CourseOutSchema(Schema):
    """A ceremony's course; images are served (and uploaded) at their own URLs."""

    ceremony_id = fields.UUID()
    title = fields.String()
    starts_on = fields.Date()
    ends_on = fields.Date()
    hours = fields.Float()
    translations = fields.Dict(keys=fields.String(), values=fields.Dict())
    organisations = fields.List(fields.Nested(OrganisationOutSchema))
    signatories = fields.List(fields.Nested(SignatoryOutSchema))
    roll_order = fields.String()
    hand_order = fields.List(fields.String())
    #: Grows with every change; ``course.updated`` carries the same.
    revision = fields.Integer()
    updated_at = fields.AwareDateTime()


class ImageUploadSchema(Schema):
    """An image (PNG, JPEG, GIF or WebP) as the file field ``file``, or as the body itself."""

    file = fields.Raw(metadata={"type": "string", "format": "binary"})


class GraduationChangesSchema(Schema):
    """Changes to a graduate's record; only the fields sent change. The values are checked
    by the rules (``result`` one of the list, on participants only), which name the field."""

    result = fields.String(
        allow_none=True, validate=validate.Length(max=40), metadata={"enum": list(RESULTS)}
    )
    group = fields.String(allow_none=True, validate=validate.Length(max=400))
    phonetic = fields.String(allow_none=True, validate=validate.Length(max=1000))
    appreciation = fields.Boolean()


class CertificateSummarySchema(Schema):
    """The certificate a graduate holds, as the badges service reported it."""

    id = fields.UUID()
    kind = fields.String()
    status = fields.String(metadata={"enum": ["issued", "revoked"]})
    code = fields.String(allow_none=True)
    issued_at = fields.AwareDateTime(allow_none=True)


class CertificateSchema(CertificateSummarySchema):
    result = fields.String(allow_none=True)
    revoked_at = fields.AwareDateTime(allow_none=True)
    reason = fields.String(allow_none=True)
    replaces = fields.UUID(allow_none=True)


class GraduationSchema(Schema):
    """A registration's part in the graduation."""

    registration_id = fields.UUID()
    ceremony_id = fields.UUID()
    result = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    phonetic = fields.String(allow_none=True)
    appreciation = fields.Boolean()
    revision = fields.Integer()
    certificate = fields.Nested(CertificateSummarySchema, allow_none=True)
    certificates = fields.List(fields.Nested(CertificateSchema))


class ImportResultSchema(Schema):
    """How many rows a results file had, and how many changed a record."""

    rows = fields.Integer()
    changed = fields.Integer()
    unchanged = fields.Integer()


class GraduateSchema(Schema):
    """One graduate of the roll, in the order called."""

    position = fields.Integer()
    registration_id = fields.UUID()
    full_name = fields.String()
    honorific = fields.String(allow_none=True)
    given_name = fields.String(allow_none=True)
    family_name = fields.String(allow_none=True)
    family_first = fields.Boolean()
    name_latin = fields.String(allow_none=True)
    job_title = fields.String(allow_none=True)
    group = fields.String(allow_none=True)
    result = fields.String(allow_none=True)
    phonetic = fields.String(allow_none=True)
    appreciation = fields.Boolean()
    precedence = fields.Integer(allow_none=True)
    organisation = fields.String(allow_none=True)
    language = fields.String()
    certificate = fields.Nested(CertificateSummarySchema, allow_none=True)


class RollSchema(Schema):
    """The roll: how it is called, and the graduates in that order."""

    order = fields.String(metadata={"enum": list(ROLL_ORDERS)})
    hand_order = fields.List(fields.String())
    graduates = fields.List(fields.Nested(GraduateSchema))


class RollOrderSchema(Schema):
    """How the roll is called; ``hand_order`` left out keeps the order by hand as it was."""

    order = fields.String(required=True, validate=validate.OneOf(ROLL_ORDERS))
    hand_order = fields.List(fields.UUID(), validate=validate.Length(max=5000))


class RollLanguageSchema(Schema):
    """The language the printed roll or cards are in (the ceremony's own when left out)."""

    language = Line(max_len=35, validate=[validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$")])
