"""Request and response schemas of sign-in, the account's own settings, accounts and teams."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate

from shared.auth import CEREMONY_ROLES, GATE_MAX_CHARS
from shared.contract import Language, Line, has_letter, single_line

from ..accounts import PASSWORD_MAX_CHARS, PASSWORD_MIN_CHARS, AccountFields
from ..teams import MAX_GATES


def _encodable(value: str) -> None:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise ValidationError("Holds a character that cannot be stored.") from None


def Email(**kwargs) -> fields.Email:
    """An email address as accounts are known by."""
    return fields.Email(validate=[validate.Length(max=254), single_line], **kwargs)


def Password(*, new: bool = False, **kwargs) -> fields.String:
    """A password: a new one must be 12 characters at least; any is 1,024 at most."""
    low = PASSWORD_MIN_CHARS if new else 1
    metadata = {"format": "password", **kwargs.pop("metadata", {})}
    return fields.String(
        validate=[validate.Length(min=low, max=PASSWORD_MAX_CHARS), _encodable],
        metadata=metadata,
        **kwargs,
    )


def Code(**kwargs) -> fields.String:
    """A 6-digit code of an authenticator app, or a recovery code."""
    return fields.String(
        validate=[validate.Length(min=1, max=32), single_line],
        metadata={"description": "The 6-digit code of the authenticator app, or a recovery code."},
        **kwargs,
    )


class SignInSchema(Schema):
    """An email address, its password, and the second factor when the account has one."""

    email = Email(required=True)
    password = Password(required=True)
    code = Code(load_default=None, allow_none=True)


class AccountSchema(Schema):
    """An account as the API shows it."""

    id = fields.UUID()
    email = fields.String()
    display_name = fields.String()
    language = fields.String()
    totp_enabled = fields.Boolean()
    password_set = fields.Boolean()
    admin = fields.Boolean()
    disabled_at = fields.AwareDateTime(allow_none=True)
    created_at = fields.AwareDateTime()
    last_sign_in_at = fields.AwareDateTime(allow_none=True)


class GrantSchema(Schema):
    """A role the account holds: on a ceremony (``scope`` its id) or suite-wide (``*``)."""

    scope = fields.String()
    role = fields.String()
    gates = fields.List(fields.String())


class SignedInSchema(Schema):
    """The answer to a sign-in: the session's bearer token and what a page sends back as
    ``X-CSRF-Token`` (the same session is set as cookies)."""

    account = fields.Nested(AccountSchema)
    token = fields.String()
    csrf_token = fields.String()
    expires_at = fields.AwareDateTime()


class MeSchema(Schema):
    """Who is signed in, with what roles, until when."""

    account = fields.Nested(AccountSchema)
    grants = fields.List(fields.Nested(GrantSchema))
    expires_at = fields.AwareDateTime()
    renewable_until = fields.AwareDateTime()


class SessionSchema(Schema):
    """A signed-in browser or client of the account."""

    id = fields.UUID()
    created_at = fields.AwareDateTime()
    method = fields.String()
    address = fields.String(allow_none=True)
    user_agent = fields.String(allow_none=True)
    current = fields.Boolean(metadata={"description": "The session making this request."})


class TotpEnrolmentSchema(Schema):
    """What an authenticator app needs; the code it shows then confirms the enrolment."""

    secret = fields.String()
    otpauth_uri = fields.String()
    qr_code = fields.String(metadata={"description": "The otpauth URI as a PNG data URL."})


class CodeSchema(Schema):
    """A code of the authenticator app."""

    code = Code(required=True)


class RecoveryCodesSchema(Schema):
    """Codes that each sign in once without the authenticator: shown this once."""

    recovery_codes = fields.List(fields.String())


class PasswordSchema(Schema):
    """The account's password, to confirm a change."""

    password = Password(required=True)


class PasswordResetSchema(Schema):
    """The address to send a set-password link to."""

    email = Email(required=True)


class AcceptedSchema(Schema):
    """The same answer whether or not the address has an account."""

    message = fields.String()


class PasswordCompleteSchema(Schema):
    """A set-password link's token and the new password."""

    token = fields.String(required=True, validate=validate.Length(min=1, max=2048))
    password = Password(new=True, required=True)


class AccountInSchema(AccountFields):
    """A new account (suite admin): without a password its welcome email sets one."""

    admin = fields.Boolean(load_default=False)
    password = Password(
        new=True,
        load_default=None,
        allow_none=True,
        metadata={"description": "Set it at once (no welcome email is sent)."},
    )


def Role(**kwargs) -> fields.String:
    """A role on a ceremony."""
    return fields.String(validate=validate.OneOf(CEREMONY_ROLES), **kwargs)


def Gates(**kwargs) -> fields.List:
    """The gates a door role scans at (none: every gate)."""
    return fields.List(
        Line(required=True, max_len=GATE_MAX_CHARS),
        validate=validate.Length(max=MAX_GATES),
        load_default=list,
        metadata={"description": "Only for the door role: the gates it scans at; empty: all."},
        **kwargs,
    )


class TeammateInSchema(Schema):
    """Someone to give a role on the ceremony; the name is needed when they have no account."""

    email = Email(required=True)
    display_name = Line(validate=[has_letter])
    language = Language(load_default=None, allow_none=True)
    role = Role(required=True)
    gates = Gates()


class RoleChangeSchema(Schema):
    """A teammate's new role on the ceremony."""

    role = Role(required=True)
    gates = Gates()


class MemberSchema(Schema):
    """A person on the ceremony's team."""

    account = fields.Nested(AccountSchema)
    role = fields.String()
    gates = fields.List(fields.String())


def present_account(account, *, admin: bool) -> dict:
    """What ``AccountSchema`` shows of an account."""
    return {
        "id": account.id,
        "email": account.email,
        "display_name": account.display_name,
        "language": account.language,
        "totp_enabled": account.totp_confirmed_at is not None,
        "password_set": account.password_hash is not None,
        "admin": admin,
        "disabled_at": account.disabled_at,
        "created_at": account.created_at,
        "last_sign_in_at": account.last_sign_in_at,
    }
