"""HTTP API: signing in and out, the account's own settings (password, TOTP), password links."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime
from functools import wraps

from flask import g, request
from flask.views import MethodView
from flask_smorest import Blueprint, abort

from shared.access import BEARER, authenticate, current_principal
from shared.auth import Principal
from shared.errors import DomainError
from shared.sessions import renew_later
from shared.web import ErrorSchema, service_context

from ..accounts import (
    SignInOutcome,
    SignInPolicy,
    attempt_sign_in,
    complete_password_link,
    confirm_totp,
    disable_totp,
    end_account_session,
    end_session,
    ensure_local_passwords,
    get_account,
    open_sessions,
    request_password_reset,
    sign_out_everywhere,
    start_session,
    start_totp,
)
from ..teams import is_admin
from .account_schemas import (
    AcceptedSchema,
    CodeSchema,
    MeSchema,
    PasswordCompleteSchema,
    PasswordResetSchema,
    PasswordSchema,
    RecoveryCodesSchema,
    SessionSchema,
    SignedInSchema,
    SignInSchema,
    TotpEnrolmentSchema,
    present_account,
)

blp = Blueprint("auth", __name__, url_prefix="/api", description="Accounts and sign-in")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "auth.SignIn": ("POST",),
    "auth.PasswordReset": ("POST",),
    "auth.PasswordResetComplete": ("POST",),
}
RESET_ACCEPTED = "If an account exists for this address, an email with a link is on its way."


# -- what the pages share with the API ------------------------------------------------------


def sign_in_browser(token: str, principal: Principal) -> None:
    """Have this answer set the session cookies (replacing any the browser sent)."""
    current_principal()  # a refused cookie is marked for dropping now, not after this
    g.pop("drop_session_cookie", None)
    signer = service_context().signer
    renew_later(token, signer.csrf_token(principal), principal.expires_at - time.time())


def sign_out_browser() -> None:
    """Have this answer clear the session cookies."""
    current_principal()
    g.pop("renewed_session", None)
    g.drop_session_cookie = True


def refuse(outcome: SignInOutcome) -> None:
    """Answer a refused sign-in: 429 with Retry-After for a locked account."""
    if outcome.retry_after is not None:
        abort(
            429,
            code=outcome.refusal.code,
            message=outcome.refusal.message,
            headers={"Retry-After": str(outcome.retry_after)},
        )
    raise outcome.refusal


def session_principal() -> Principal:
    """The caller, who must be signed in with a session (not an API key or device)."""
    principal = authenticate()
    if principal.kind != "session":
        raise DomainError(
            "not_a_session",
            "This is about a signed-in account; an API key or device has none.",
            kind="forbidden",
        )
    return principal


def session_first(view):
    """Check the session before the body is read: without one, 401/403 whatever was sent."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        session_principal()
        return view(*args, **kwargs)

    return wrapper


def _signed_in(session, account, token: str, principal: Principal) -> dict:
    return {
        "account": present_account(account, admin=is_admin(session, account.id)),
        "token": token,
        "csrf_token": service_context().signer.csrf_token(principal),
        "expires_at": _instant(principal.expires_at),
    }


def _instant(epoch: float) -> datetime:
    return datetime.fromtimestamp(epoch, UTC)


def _client() -> dict:
    return {"address": request.remote_addr, "user_agent": request.user_agent.string}


# -- signing in and out ---------------------------------------------------------------------


@blp.route("/auth/sign-in")
class SignIn(MethodView):
    @blp.arguments(SignInSchema)
    @blp.response(200, SignedInSchema)
    @blp.alt_response(
        401, schema=ErrorSchema, description="invalid_credentials, or second_factor_required"
    )
    @blp.alt_response(
        403, schema=ErrorSchema, description="account_disabled, or local_passwords_disabled"
    )
    @blp.alt_response(
        429, schema=ErrorSchema, description="locked_out (Retry-After), or too many requests"
    )
    def post(self, args):
        """Sign in with an email address and password (and the second factor if it is on)."""
        context = service_context()
        with context.database.transaction() as session:
            outcome = attempt_sign_in(session, SignInPolicy.of(context.settings), **args)
            if outcome.refusal is None:
                token, principal = start_session(
                    session, context.signer, outcome.account, method=outcome.method, **_client()
                )
                body = _signed_in(session, outcome.account, token, principal)
        if outcome.refusal is not None:
            refuse(outcome)
        sign_in_browser(token, principal)
        return body


@blp.route("/auth/sign-out")
class SignOut(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def post(self):
        """Sign this session out, in every service at once."""
        principal = session_principal()
        context = service_context()
        with context.database.transaction() as session:
            end_session(session, principal)
        context.credentials.forget()
        sign_out_browser()


@blp.route("/auth/sign-out-everywhere")
class SignOutEverywhere(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def post(self):
        """Sign out every session of this account, this one included."""
        principal = session_principal()
        context = service_context()
        with context.database.transaction() as session:
            sign_out_everywhere(session, principal.account_id)
        context.credentials.forget()
        sign_out_browser()


@blp.route("/auth/me")
class Me(MethodView):
    @blp.response(200, MeSchema)
    @blp.doc(security=BEARER)
    def get(self):
        """The signed-in account, its roles, and when this session ends."""
        principal = session_principal()
        context = service_context()
        with context.database.transaction() as session:
            account = get_account(session, principal.account_id)
            shown = present_account(account, admin=is_admin(session, account.id))
        grants = context.credentials.grants(principal.account_id)
        return {
            "account": shown,
            "grants": [
                {"scope": scope, "role": grant.role, "gates": list(grant.gates)}
                for scope, grant in sorted(grants.items())
            ],
            "expires_at": _instant(principal.expires_at),
            "renewable_until": _instant(principal.renewable_until),
        }


@blp.route("/auth/sessions")
class Sessions(MethodView):
    @blp.response(200, SessionSchema(many=True))
    @blp.doc(security=BEARER)
    def get(self):
        """The account's sessions that were not signed out, newest first."""
        principal = session_principal()
        with service_context().database.transaction() as session:
            return [
                {
                    "id": row.id,
                    "created_at": row.created_at,
                    "method": row.method,
                    "address": row.address,
                    "user_agent": row.user_agent,
                    "current": str(row.id) == principal.credential_id,
                }
                for row in open_sessions(session, principal.account_id)
            ]


@blp.route("/auth/sessions/<uuid:session_id>/revoke")
class SessionRevoke(MethodView):
    @blp.response(204)
    @blp.doc(security=BEARER)
    def post(self, session_id: uuid.UUID):
        """Sign out one of the account's sessions (another browser, a lost phone)."""
        principal = session_principal()
        context = service_context()
        with context.database.transaction() as session:
            end_account_session(session, principal.account_id, session_id)
        context.credentials.forget()
        if str(session_id) == principal.credential_id:
            sign_out_browser()


# -- the second factor ----------------------------------------------------------------------


@blp.route("/auth/totp")
class Totp(MethodView):
    @blp.response(200, TotpEnrolmentSchema)
    @blp.doc(security=BEARER)
    def post(self):
        """Start two-step sign-in: a secret for an authenticator app (confirm it with a code)."""
        principal = session_principal()
        with service_context().database.transaction() as session:
            return start_totp(get_account(session, principal.account_id, lock=True))

    @session_first
    @blp.arguments(PasswordSchema)
    @blp.response(204)
    @blp.doc(security=BEARER)
    def delete(self, args):
        """Turn two-step sign-in off (the account's password confirms it)."""
        principal = session_principal()
        with service_context().database.transaction() as session:
            disable_totp(get_account(session, principal.account_id, lock=True), args["password"])


@blp.route("/auth/totp/confirm")
class TotpConfirm(MethodView):
    @session_first
    @blp.arguments(CodeSchema)
    @blp.response(200, RecoveryCodesSchema)
    @blp.doc(security=BEARER)
    def post(self, args):
        """Turn two-step sign-in on with the app's first code; the recovery codes come once."""
        principal = session_principal()
        with service_context().database.transaction() as session:
            account = get_account(session, principal.account_id, lock=True)
            return {"recovery_codes": confirm_totp(account, args["code"])}


# -- set-password links ---------------------------------------------------------------------


@blp.route("/auth/password-reset")
class PasswordReset(MethodView):
    @blp.arguments(PasswordResetSchema)
    @blp.response(202, AcceptedSchema)
    def post(self, args):
        """Email a link to set a new password: the same answer whether the address has an
        account or not."""
        context = service_context()
        with context.database.transaction() as session:
            request_password_reset(session, SignInPolicy.of(context.settings), args["email"])
        return {"message": RESET_ACCEPTED}


@blp.route("/auth/password-reset/complete")
class PasswordResetComplete(MethodView):
    @blp.arguments(PasswordCompleteSchema)
    @blp.response(200, SignedInSchema)
    @blp.alt_response(410, schema=ErrorSchema, description="link_expired, or link_used")
    def post(self, args):
        """Set the password from an emailed link: every other session is signed out, and this
        client is signed in."""
        context = service_context()
        ensure_local_passwords(SignInPolicy.of(context.settings))
        with context.database.transaction() as session:
            account = complete_password_link(
                session, context.signer, args["token"], args["password"]
            )
            token, principal = start_session(
                session, context.signer, account, method="password", **_client()
            )
            body = _signed_in(session, account, token, principal)
        context.credentials.forget()
        sign_in_browser(token, principal)
        return body
