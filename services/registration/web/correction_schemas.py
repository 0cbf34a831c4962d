"""What an organiser's correction of a registration may carry."""

from __future__ import annotations

from marshmallow import fields, validate

from shared.contract import CATEGORIES, Language, Line, Name, PersonNameSchema, Precedence, Text


class RegistrationCorrectionSchema(PersonNameSchema):
    """The fields to correct; those left out stay as they are (load it with ``partial=True``:
    a field that is sent is checked as on registration, a field left out is not defaulted)."""

    full_name = Name()
    family_first = fields.Boolean()
    honorific = Line(max_len=50, allow_none=True)
    organisation = Line(allow_none=True)
    job_title = Line(allow_none=True)
    category = fields.String(validate=validate.OneOf(CATEGORIES))
    precedence = Precedence(allow_none=True)
    needs = Text(max_len=2000, allow_none=True)
    accessible_seat = fields.Boolean()
    language = Language()
