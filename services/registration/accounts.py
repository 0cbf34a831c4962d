"""Rules for accounts: passwords, the second factor, sign-in and its lock-out, sessions, and the
emailed links that set a password.

Passwords and recovery codes are kept as argon2id hashes. A session is a row here (what "sign
out" ends) and a signed credential whose id is that row's id; revoking it, or signing an account
out everywhere, goes to every service through ``credential_events``.
"""

from __future__ import annotations

import base64
import hmac
import io
import math
import secrets
import time
import unicodedata
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Any

import pyotp
import qrcode
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from marshmallow import Schema, ValidationError, fields, validate
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.auth import SESSION_MAX_SECONDS, AuthError, Principal, Signer
from shared.contract import Language, Name
from shared.errors import DomainError, not_found
from shared.links import password_link_request
from shared.outbox import publish_event

from .credential_events import SOURCE, revoke_credential, sign_out_account
from .models import Account, AccountSession, credentials, outbox

PASSWORD_MIN_CHARS = 12
PASSWORD_MAX_CHARS = 1024
#: A TOTP code covers 30 seconds; the current step and the one before are accepted.
TOTP_STEP_SECONDS = 30
TOTP_ISSUER = "Ceremony suite"
RECOVERY_CODES = 10
#: Letters and digits that cannot be mistaken for one another when read off paper.
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"
_RECOVERY_LENGTH = 10
#: Argon2id with the library's defaults (RFC 9106's second recommended profile).
_hasher = PasswordHasher()
#: Recovery codes are random (50 bits), not chosen by people: argon2id at the lighter cost
#: OWASP recommends at least, since a sign-in with one may check all ten.
_recovery_hasher = PasswordHasher(time_cost=2, memory_cost=19 * 1024, parallelism=1)


class AccountFields(Schema):
    """Who an account is for: checked here, whether the account comes from the API or a
    terminal."""

    email = fields.Email(required=True, validate=validate.Length(max=254))
    display_name = Name()
    language = Language(load_default="en")


def email_key(email: str) -> str:
    """An address as accounts are told apart: one account per address, whatever its case."""
    return email.strip().lower()


def _now() -> datetime:
    return datetime.now(UTC)


# -- accounts -------------------------------------------------------------------------------


def create_account(
    session: Session,
    *,
    email: str,
    display_name: str,
    language: str = "en",
    password: str | None = None,
) -> Account:
    """A new account (409 ``account_exists`` for an address already in use); without a
    password it cannot sign in until one is set from a link."""
    try:
        checked = AccountFields().load(
            {"email": email, "display_name": display_name, "language": language}
        )
    except ValidationError as exc:
        raise DomainError(
            "invalid_account",
            "The account's details are not valid.",
            kind="invalid",
            errors=exc.messages,
        ) from None
    if find_account(session, checked["email"]) is not None:
        raise DomainError(
            "account_exists",
            "An account with this email address exists already.",
            errors={"email": ["An account with this email address exists already."]},
        )
    account = Account(
        id=uuid.uuid4(),
        email=checked["email"].strip(),
        email_key=email_key(checked["email"]),
        display_name=checked["display_name"].strip(),
        language=checked["language"],
        recovery_codes=[],
        failed_attempts=0,
        created_at=_now(),
    )
    if password is not None:
        set_password(account, password)
    session.add(account)
    session.flush()
    return account


def find_account(session: Session, email: str) -> Account | None:
    """The account of an address, in any case, or None."""
    return session.scalars(select(Account).where(Account.email_key == email_key(email))).first()


def get_account(session: Session, account_id: object, *, lock: bool = False) -> Account:
    """One account, or ``account_not_found``; ``lock`` holds its row until the transaction
    ends (sign-in counts failures on it)."""
    try:
        ident = account_id if isinstance(account_id, uuid.UUID) else uuid.UUID(str(account_id))
    except ValueError:
        raise not_found("account", account_id) from None
    account = session.get(Account, ident, with_for_update=lock, populate_existing=lock)
    if account is None:
        raise not_found("account", account_id)
    return account


def list_accounts(session: Session) -> list[Account]:
    """Every account, by name."""
    return list(session.scalars(select(Account).order_by(Account.display_name, Account.email)))


# -- passwords ------------------------------------------------------------------------------


def password_problem(password: str) -> str | None:
    """Why a new password is refused, or None."""
    if len(password) < PASSWORD_MIN_CHARS:
        return f"Use at least {PASSWORD_MIN_CHARS} characters."
    if len(password) > PASSWORD_MAX_CHARS:
        return f"Use at most {PASSWORD_MAX_CHARS} characters."
    if _password_bytes(password) is None:
        return "The password holds a character that cannot be stored."
    return None


def _password_bytes(password: str) -> bytes | None:
    """What is hashed: the password in NFC, so that one typed on another keyboard matches."""
    try:
        return unicodedata.normalize("NFC", password).encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate
        return None


def set_password(account: Account, password: str) -> None:
    """Give the account a new password (422 naming ``password`` when it is too short)."""
    problem = password_problem(password)
    if problem is not None:
        raise DomainError("weak_password", problem, kind="invalid", errors={"password": [problem]})
    account.password_hash = _hasher.hash(_password_bytes(password))


def password_matches(account: Account | None, password: str) -> bool:
    """Whether ``password`` is the account's; rehashes it when the parameters moved on.

    Without an account (or a password set) a dummy hash is checked, so that an unknown address
    takes as long to refuse as a wrong password.
    """
    secret = _password_bytes(password) if len(password) <= PASSWORD_MAX_CHARS else None
    stored = account.password_hash if account is not None else None
    if stored is None or secret is None:
        _verify(_dummy_hash(), secret or b"-")
        return False
    if not _verify(stored, secret):
        return False
    if _hasher.check_needs_rehash(stored):
        account.password_hash = _hasher.hash(secret)
    return True


def _verify(stored: str, secret: bytes, hasher: PasswordHasher = _hasher) -> bool:
    try:
        return hasher.verify(stored, secret)
    except (VerificationError, InvalidHashError):
        return False


@cache
def _dummy_hash() -> str:
    return _hasher.hash(secrets.token_bytes(16))


# -- the second factor ----------------------------------------------------------------------


@dataclass(frozen=True)
class TotpEnrolment:
    """What the account's authenticator app needs: the secret, as text, link and QR code."""

    secret: str
    otpauth_uri: str
    qr_code: str


def start_totp(account: Account) -> TotpEnrolment:
    """Make a new secret for the account's authenticator; it protects sign-in once confirmed."""
    if account.totp_confirmed_at is not None:
        raise DomainError(
            "totp_enabled", "Two-step sign-in is on already; turn it off to enrol again."
        )
    account.totp_secret = pyotp.random_base32()
    account.totp_last_step = None
    uri = pyotp.TOTP(account.totp_secret).provisioning_uri(
        name=account.email, issuer_name=TOTP_ISSUER
    )
    return TotpEnrolment(secret=account.totp_secret, otpauth_uri=uri, qr_code=_qr_data_url(uri))


def _qr_data_url(text: str) -> str:
    image = qrcode.make(text, border=2)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode("ascii")


def confirm_totp(account: Account, code: str) -> list[str]:
    """Turn two-step sign-in on with a first code; returns the recovery codes, shown once."""
    if account.totp_confirmed_at is not None:
        raise DomainError("totp_enabled", "Two-step sign-in is on already.")
    if account.totp_secret is None:
        raise DomainError("totp_not_started", "Start the enrolment first (POST /api/auth/totp).")
    if not _accept_totp(account, code):
        raise _wrong_code()
    account.totp_confirmed_at = _now()
    codes = [_recovery_code() for _ in range(RECOVERY_CODES)]
    account.recovery_codes = [_recovery_hasher.hash(_recovery_key(code)) for code in codes]
    return codes


def disable_totp(account: Account, password: str) -> None:
    """Turn two-step sign-in off, given the account's password."""
    if not password_matches(account, password):
        raise DomainError(
            "wrong_password",
            "The password is not right.",
            kind="invalid",
            errors={"password": ["The password is not right."]},
        )
    account.totp_secret = None
    account.totp_confirmed_at = None
    account.totp_last_step = None
    account.recovery_codes = []


def totp_enabled(account: Account) -> bool:
    """Whether sign-in asks this account for a second factor."""
    return account.totp_confirmed_at is not None and account.totp_secret is not None


def _accept_totp(account: Account, code: str) -> bool:
    """Whether ``code`` is the current or previous step's, and newer than the last one used
    (a code seen once is refused for the rest of its window)."""
    code = code.strip().replace(" ", "")
    if len(code) != 6 or not code.isascii() or not code.isdigit():
        return False
    totp = pyotp.TOTP(account.totp_secret)
    current = int(time.time()) // TOTP_STEP_SECONDS
    for step in (current, current - 1):
        if account.totp_last_step is not None and step <= account.totp_last_step:
            continue
        if hmac.compare_digest(totp.generate_otp(step), code):
            account.totp_last_step = step
            return True
    return False


def _use_recovery_code(account: Account, code: str) -> bool:
    """Whether ``code`` is one of the unused recovery codes; it is then used up."""
    key = _recovery_key(code)
    if len(key) != _RECOVERY_LENGTH:
        return False
    for stored in account.recovery_codes or []:
        if _verify(stored, key.encode("ascii"), _recovery_hasher):
            account.recovery_codes = [h for h in account.recovery_codes if h != stored]
            return True
    return False


def _recovery_code() -> str:
    letters = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(_RECOVERY_LENGTH))
    return f"{letters[:5]}-{letters[5:]}"


def _recovery_key(code: str) -> str:
    """A recovery code as compared: without its dash or spaces, in lower case."""
    key = code.replace("-", "").replace(" ", "").lower()
    return key if key.isascii() else ""


def _wrong_code() -> DomainError:
    return DomainError(
        "invalid_code",
        "The code is not right, or was used already.",
        kind="invalid",
        errors={"code": ["The code is not right, or was used already."]},
    )


# -- signing in -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SignInPolicy:
    """The settings sign-in follows."""

    local_passwords: bool = True
    lockout_attempts: int = 5
    lockout_minutes: float = 15.0

    @classmethod
    def of(cls, settings: Any) -> SignInPolicy:
        """The policy of the service's settings."""
        return cls(
            local_passwords=settings.local_passwords,
            lockout_attempts=settings.lockout_attempts,
            lockout_minutes=settings.lockout_minutes,
        )


@dataclass
class SignInOutcome:
    """What a sign-in attempt came to: the account and how it proved itself, or the refusal
    (whose failure count was still written: the caller commits, then refuses)."""

    account: Account | None = None
    method: str | None = None
    refusal: DomainError | None = None
    #: Seconds until a locked account may try again.
    retry_after: int | None = None


def _invalid_credentials() -> DomainError:
    return DomainError(
        "invalid_credentials",
        "The email address or the password is not right.",
        kind="unauthorized",
    )


def attempt_sign_in(
    session: Session,
    policy: SignInPolicy,
    *,
    email: str,
    password: str,
    code: str | None = None,
) -> SignInOutcome:
    """Check a password (and the second factor when the account has one).

    An unknown address and a wrong password get the same refusal, after the same work. Each
    failure counts; after ``lockout_attempts`` in a row the account is locked for
    ``lockout_minutes``; a success resets the count.
    """
    if not policy.local_passwords:
        return SignInOutcome(refusal=_local_passwords_disabled())
    found = find_account(session, email)
    account = get_account(session, found.id, lock=True) if found is not None else None
    if account is not None and (locked := _locked_for(account)):
        return locked
    if not password_matches(account, password):
        return _failed(account, policy, _invalid_credentials())
    if account.disabled_at is not None:
        return SignInOutcome(refusal=_disabled())
    return _second_factor(account, policy, code)


def attempt_second_factor(
    session: Session, policy: SignInPolicy, account_id: object, code: str | None
) -> SignInOutcome:
    """The second step of a sign-in whose password was checked already (the sign-in page)."""
    if not policy.local_passwords:
        return SignInOutcome(refusal=_local_passwords_disabled())
    account = get_account(session, account_id, lock=True)
    if locked := _locked_for(account):
        return locked
    if account.disabled_at is not None:
        return SignInOutcome(refusal=_disabled())
    return _second_factor(account, policy, code)


def _second_factor(account: Account, policy: SignInPolicy, code: str | None) -> SignInOutcome:
    method = "password"
    if totp_enabled(account):
        if not code or not code.strip():
            return SignInOutcome(
                account=account,
                refusal=DomainError(
                    "second_factor_required",
                    "Enter the 6-digit code of your authenticator app, or a recovery code.",
                    kind="unauthorized",
                    errors={"code": ["Enter the code of your authenticator app."]},
                ),
            )
        if _accept_totp(account, code):
            method = "totp"
        elif _use_recovery_code(account, code):
            method = "recovery_code"
        else:
            return _failed(account, policy, _wrong_code_unauthorized())
    account.failed_attempts = 0
    account.locked_until = None
    return SignInOutcome(account=account, method=method)


def _wrong_code_unauthorized() -> DomainError:
    wrong = _wrong_code()
    return DomainError(wrong.code, wrong.message, kind="unauthorized", errors=wrong.errors)


def _locked_for(account: Account) -> SignInOutcome | None:
    if account.locked_until is None:
        return None
    left = (account.locked_until - _now()).total_seconds()
    if left <= 0:
        return None
    return SignInOutcome(
        refusal=DomainError(
            "locked_out",
            "Too many failed sign-ins: this account is locked for a while. Try again later.",
            kind="locked",
        ),
        retry_after=max(1, math.ceil(left)),
    )


def _failed(account: Account | None, policy: SignInPolicy, refusal: DomainError) -> SignInOutcome:
    if account is None:
        return SignInOutcome(refusal=refusal)
    account.failed_attempts = (account.failed_attempts or 0) + 1
    if account.failed_attempts >= policy.lockout_attempts:
        account.failed_attempts = 0
        account.locked_until = _now() + timedelta(minutes=policy.lockout_minutes)
    return SignInOutcome(refusal=refusal)


def ensure_local_passwords(policy: SignInPolicy) -> None:
    """Refuse (403 ``local_passwords_disabled``) when passwords are turned off here."""
    if not policy.local_passwords:
        raise _local_passwords_disabled()


def _local_passwords_disabled() -> DomainError:
    return DomainError(
        "local_passwords_disabled",
        "Signing in with a password is turned off here; use single sign-on.",
        kind="forbidden",
    )


def _disabled() -> DomainError:
    return DomainError("account_disabled", "This account is disabled.", kind="forbidden")


# -- sessions -------------------------------------------------------------------------------


def start_session(
    session: Session,
    signer: Signer,
    account: Account,
    *,
    method: str,
    address: str | None = None,
    user_agent: str | None = None,
) -> tuple[str, Principal]:
    """Sign the account in: a session row and its credential (whose id is the row's)."""
    now = _now()
    row = AccountSession(
        id=uuid.uuid4(),
        account_id=account.id,
        created_at=now,
        method=method,
        address=(address or None) and address[:64],
        user_agent=(user_agent or None) and user_agent[:200],
    )
    session.add(row)
    account.last_sign_in_at = now
    session.flush()
    token = signer.issue_session(
        str(account.id),
        session_id=str(row.id),
        started_at=_start_after_signouts(session, account.id, now),
        name=account.display_name,
    )
    return token, signer.verify_token(token)


def _start_after_signouts(session: Session, account_id: uuid.UUID, now: datetime) -> float:
    """When the new session counts as started: now, unless that falls in the very millisecond
    of a "sign out everywhere" (credentials carry whole milliseconds), then the next one."""
    table = credentials.signouts
    before = session.execute(
        select(table.c.before).where(table.c.account_id == str(account_id))
    ).scalar_one_or_none()
    started = now.timestamp()
    if before is not None and math.floor(started * 1000) / 1000 < before.timestamp():
        # Half a millisecond more, so that the claim's whole milliseconds land after it.
        return (math.floor(before.timestamp() * 1000) + 1.5) / 1000
    return started


def end_session(session: Session, principal: Principal) -> None:
    """Sign out the session a principal speaks for, everywhere at once."""
    if principal.kind != "session":
        raise DomainError(
            "not_a_session", "Only a signed-in session can sign out.", kind="forbidden"
        )
    row = session.get(AccountSession, _uuid(principal.credential_id))
    if row is not None and row.ended_at is None:
        row.ended_at = _now()
    revoke_credential(
        session,
        principal.credential_id,
        "session",
        expires_at=datetime.fromtimestamp(principal.renewable_until, UTC),
    )


def end_account_session(session: Session, account_id: object, session_id: object) -> None:
    """Sign out one of the account's own sessions (404 for another account's)."""
    row = session.get(AccountSession, _uuid(session_id))
    if row is None or str(row.account_id) != str(account_id):
        raise not_found("session", session_id)
    if row.ended_at is None:
        row.ended_at = _now()
    revoke_credential(
        session,
        row.id,
        "session",
        expires_at=row.created_at + timedelta(seconds=SESSION_MAX_SECONDS + 1),
    )


def sign_out_everywhere(session: Session, account_id: object, *, disabled: bool = False) -> None:
    """End every session of the account (and, ``disabled``, refuse all it may still start)."""
    now = _now()
    for row in open_sessions(session, account_id):
        row.ended_at = now
    sign_out_account(session, account_id, disabled=disabled)


def open_sessions(session: Session, account_id: object) -> list[AccountSession]:
    """The account's sessions not signed out and not past their longest life, newest first."""
    oldest = _now() - timedelta(seconds=SESSION_MAX_SECONDS)
    return list(
        session.scalars(
            select(AccountSession)
            .where(
                AccountSession.account_id == _uuid(account_id),
                AccountSession.ended_at.is_(None),
                AccountSession.created_at > oldest,
            )
            .order_by(AccountSession.created_at.desc())
        )
    )


def _uuid(value: object) -> uuid.UUID | None:
    try:
        return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))
    except ValueError:
        return None


# -- set-password links ---------------------------------------------------------------------


def new_password_link(account: Account) -> datetime:
    """Open a new link for the account (closing any earlier one); returns its instant."""
    now = _now()
    # Whole milliseconds: the instant the link carries is then exactly the one stored.
    account.password_link_at = now.replace(microsecond=now.microsecond // 1000 * 1000)
    return account.password_link_at


def account_email_data(account: Account, **extra: Any) -> dict[str, Any]:
    """The account as ``account.password_reset_requested`` and ``account.invited`` carry it."""
    return {
        "account_id": account.id,
        "email": account.email,
        "display_name": account.display_name,
        "language": account.language,
        "requested_at": account.password_link_at,
        **extra,
    }


def request_password_reset(session: Session, policy: SignInPolicy, email: str) -> None:
    """Email a set-password link to the address if it has an enabled account; nothing
    otherwise (the caller answers the same either way)."""
    ensure_local_passwords(policy)
    account = find_account(session, email)
    if account is None or account.disabled_at is not None:
        return
    new_password_link(account)
    publish_event(
        session,
        outbox,
        "account.password_reset_requested",
        account_email_data(account),
        SOURCE,
    )


def open_password_link(session: Session, signer: Signer, token: str) -> Account:
    """The account a set-password link is for: 410 ``link_expired`` after its hour, 410
    ``link_used`` once used or superseded, 404 ``link_invalid`` if it is not one."""
    try:
        account_id, millis = password_link_request(signer, token)
    except AuthError as exc:
        if str(exc) == "expired":
            raise DomainError(
                "link_expired", "This link has expired; ask for a new one.", kind="gone"
            ) from None
        raise _invalid_link() from None
    account = session.get(Account, account_id, with_for_update=True)
    if account is None:
        raise _invalid_link()
    current = account.password_link_at
    if current is None or int(current.timestamp() * 1000) != millis:
        raise DomainError(
            "link_used",
            "This link was used already, or a newer one was sent; ask for a new one.",
            kind="gone",
        )
    if account.disabled_at is not None:
        raise _disabled()
    return account


def complete_password_link(session: Session, signer: Signer, token: str, password: str) -> Account:
    """Set the password from a link: the link closes, the lock-out ends, and every session of
    the account is signed out (the caller signs this browser in)."""
    account = open_password_link(session, signer, token)
    set_password(account, password)
    account.password_link_at = None
    account.failed_attempts = 0
    account.locked_until = None
    sign_out_everywhere(session, account.id)
    return account


def _invalid_link() -> DomainError:
    return DomainError("link_invalid", "This link is not valid.", kind="not_found")
