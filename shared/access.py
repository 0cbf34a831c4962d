"""Who may call what, checked the same way by every service.

A caller presents a credential (``Authorization: Bearer …`` or the session cookie) or, as a
guest, the capability of their own registration. What a credential may do on a ceremony is its
**role** there:

- an API key or a device carries its role, for its ceremony or (suite-wide keys) for all;
- a session's roles are its account's grants, kept by every service from the bus.

Views ask for a **permission**; each role holds some:

==========  =====  ======  =========  ========  ====  ======
permission  admin  owner   organiser  protocol  door  viewer
==========  =====  ======  =========  ========  ====  ======
read        yes    yes     yes        yes       --    yes
manage      yes    yes     yes        --        --    --
protocol    yes    yes     yes        yes       --    --
door        yes    yes     yes        yes       yes   --
grant       yes    yes     --         --        --    --
suite       yes    --      --         --        --    --
==========  =====  ======  =========  ========  ====  ======

``suite`` (creating ceremonies and accounts) belongs to the suite-wide admin role alone.
Refusals are domain errors: 401 for a missing, forged, expired or revoked credential, 403 for
the wrong role, ceremony or registration, or a change by cookie without its CSRF token.
"""

from __future__ import annotations

import hmac
import time
import uuid
from collections.abc import Callable
from functools import wraps

from flask import g, request

from .auth import MANAGE_REGISTRATION, AuthError, Principal, kind_of
from .credentials import SUITE
from .errors import DomainError
from .sessions import CSRF_HEADER, SESSION_COOKIE, renew_later
from .web import service_context

#: The OpenAPI security requirement of a view that takes a credential.
BEARER = [{"bearerAuth": []}]

READ = "read"
MANAGE = "manage"
PROTOCOL = "protocol"
DOOR = "door"
GRANT = "grant"
SUITE_ADMIN = "suite"
PERMISSIONS: dict[str, frozenset[str]] = {
    READ: frozenset({"admin", "owner", "organiser", "protocol", "viewer"}),
    MANAGE: frozenset({"admin", "owner", "organiser"}),
    PROTOCOL: frozenset({"admin", "owner", "organiser", "protocol"}),
    DOOR: frozenset({"admin", "owner", "organiser", "protocol", "door"}),
    GRANT: frozenset({"admin", "owner"}),
    SUITE_ADMIN: frozenset({"admin"}),
}
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _unauthorized(message: str, code: str = "unauthorized") -> DomainError:
    return DomainError(code, message, kind="unauthorized")


def _forbidden(code: str, message: str) -> DomainError:
    return DomainError(code, message, kind="forbidden")


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def presented_credential() -> tuple[str | None, str | None]:
    """The credential the caller presents and how: ``bearer`` or ``cookie``."""
    token = bearer_token()
    if token is not None:
        return token, "bearer"
    cookie = request.cookies.get(SESSION_COOKIE)
    if cookie:
        return cookie, "cookie"
    return None, None


def current_principal() -> Principal | None:
    """The principal of a valid, unrevoked credential, or None (``g.credential_problem``
    then says why, if a credential was presented)."""
    if "principal" not in g:
        g.principal, g.credential_problem, g.credential_via = _resolve()
    return g.principal


def _resolve() -> tuple[Principal | None, str | None, str | None]:
    token, via = presented_credential()
    if token is None:
        return None, None, None
    context = service_context()
    try:
        principal = context.signer.verify_token(token)
    except AuthError as error:
        if via == "cookie":
            g.drop_session_cookie = True
        return None, str(error), via
    refusal = context.credentials.refusal(principal)
    if refusal is not None:
        if via == "cookie":
            g.drop_session_cookie = True
        return None, refusal, via
    if via == "cookie":
        renewed = context.signer.renew_session(principal)
        if renewed is not None:
            renewed_principal = context.signer.verify_token(renewed)
            renew_later(
                renewed,
                context.signer.csrf_token(renewed_principal),
                renewed_principal.expires_at - time.time(),
            )
    return principal, None, via


_PROBLEMS = {
    "revoked": ("credential_revoked", "This credential has been revoked."),
    "signed_out": ("signed_out", "This session was signed out; sign in again."),
    "account_disabled": ("account_disabled", "This account is disabled."),
    "expired": ("expired", "This credential has expired; sign in again."),
}


def authenticate() -> Principal:
    """The caller's principal; 401 without a good credential, 403 for a change by cookie
    that lacks its CSRF token."""
    token, _ = presented_credential()
    if token is None:
        raise _unauthorized("Sign in, or send a bearer token.")
    principal = current_principal()
    if principal is None:
        code, message = _PROBLEMS.get(
            g.get("credential_problem") or "", ("unauthorized", "The credential is invalid.")
        )
        raise _unauthorized(message, code)
    if g.get("credential_via") == "cookie" and request.method not in _SAFE_METHODS:
        sent = request.headers.get(CSRF_HEADER, "")
        expected = service_context().signer.csrf_token(principal)
        if not hmac.compare_digest(sent, expected):
            raise _forbidden(
                "csrf_token_missing",
                f"A change made with the session cookie needs the {CSRF_HEADER} header.",
            )
    return principal


def role_on(principal: Principal, ceremony_id: object | None) -> str | None:
    """The principal's role on a ceremony (``None``: suite-wide), or None."""
    if principal.kind == "session":
        grants = _grants_of(principal.account_id)
        suite = grants.get(SUITE)
        if suite is not None and suite.role == "admin":
            return "admin"
        if ceremony_id is None:
            return None
        grant = grants.get(str(ceremony_id))
        return grant.role if grant else None
    if principal.role == "admin":
        return "admin"
    if principal.ceremony_id is None:
        return principal.role
    if ceremony_id is not None and principal.ceremony_id == str(ceremony_id):
        return principal.role
    return None


def _grants_of(account_id: str) -> dict:
    """The account's grants, read once per request: a view that asks again inside its own
    transaction must not open another one (on SQLite that would wait for its own lock)."""
    known = g.setdefault("account_grants", {})
    if account_id not in known:
        known[account_id] = service_context().credentials.grants(account_id)
    return known[account_id]


def allowed_gates(principal: Principal, ceremony_id: object) -> tuple[str, ...] | None:
    """The gates a door role may scan at (a device's own gate, or a grant's), None: any."""
    if principal.gate:
        return (principal.gate,)
    if principal.kind == "session" and role_on(principal, ceremony_id) == "door":
        grant = _grants_of(principal.account_id).get(str(ceremony_id))
        if grant is not None and grant.gates:
            return grant.gates
    return None


def has_permission(principal: Principal, ceremony_id: object | None, *permissions: str) -> bool:
    """Whether the principal's role there holds any of ``permissions``."""
    role = role_on(principal, ceremony_id)
    return role is not None and any(role in PERMISSIONS[p] for p in permissions)


def _refuse(principal: Principal, ceremony_id: object | None, permissions: tuple[str, ...]):
    if (
        ceremony_id is not None
        and principal.kind != "session"
        and principal.ceremony_id is not None
        and principal.ceremony_id != str(ceremony_id)
    ):
        raise _forbidden("wrong_ceremony", "This credential is for another ceremony.")
    role = role_on(principal, ceremony_id)
    wanted = " or ".join(permissions)
    if role is None:
        raise _forbidden("forbidden", f"You hold no role on this ceremony; this needs {wanted}.")
    raise _forbidden("forbidden", f"The role {role} cannot do this; it needs {wanted}.")


def ensure_access(ceremony_id: object, *permissions: str) -> Principal:
    """The principal, if its role on ``ceremony_id`` holds one of ``permissions``."""
    principal = authenticate()
    if not has_permission(principal, ceremony_id, *permissions):
        _refuse(principal, ceremony_id, permissions)
    g.acting_ceremony = str(ceremony_id) if ceremony_id is not None else None
    return principal


def ensure_suite(*permissions: str) -> Principal:
    """The principal, if it holds one of ``permissions`` across the suite (not one ceremony)."""
    principal = authenticate()
    if principal.kind != "session" and principal.ceremony_id is not None:
        raise _forbidden(
            "token_bound_to_ceremony",
            "This credential is bound to one ceremony; it cannot act beyond it.",
        )
    if not has_permission(principal, None, *permissions):
        raise _forbidden("forbidden", f"This needs {' or '.join(permissions)} across the suite.")
    return principal


def ensure_ceremony(principal: Principal | None, ceremony_id: object, *permissions: str) -> None:
    """For a view that let through a credential or a guest: check the credential's role on
    ``ceremony_id`` (a guest, ``None``, passes)."""
    if principal is not None and not has_permission(
        principal, ceremony_id, *(permissions or (MANAGE,))
    ):
        _refuse(principal, ceremony_id, permissions or (MANAGE,))


def signed_in(view: Callable) -> Callable:
    """Let a view run only with a good credential; it checks the role once it knows the
    ceremony (``ensure_access``)."""

    @wraps(view)
    def wrapper(*args, **kwargs):
        authenticate()
        return view(*args, **kwargs)

    return wrapper


def holds_anywhere(principal: Principal, *permissions: str) -> bool:
    """Whether the principal holds one of ``permissions`` on some ceremony (or suite-wide)."""
    if principal.kind != "session":
        return has_permission(principal, principal.ceremony_id, *permissions)
    grants = service_context().credentials.grants(principal.account_id)
    return any(
        grant.role in PERMISSIONS[permission]
        for grant in grants.values()
        for permission in permissions
    )


def permission_somewhere(*permissions: str) -> Callable:
    """Let a view on one object (an invitation, a delivery) run only for a credential holding
    ``permissions`` on some ceremony; it checks that object's ceremony with ``ensure_access``.

    Applied above the argument parsers and the object's lookup, so that a caller without such
    a role learns nothing, not even whether the object exists.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = authenticate()
            if not holds_anywhere(principal, *permissions):
                raise _forbidden("forbidden", f"This needs {' or '.join(permissions)}.")
            return view(*args, **kwargs)

        return wrapper

    return decorator


def suite_access(*permissions: str) -> Callable:
    """Let a view that is not about one ceremony run only for ``permissions`` suite-wide."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            ensure_suite(*permissions)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def ceremony_access(*permissions: str) -> Callable:
    """Let a view on ``.../<ceremony_id>/...`` run only for ``permissions`` on that ceremony.

    Applied above the argument parsers, so that a caller without rights learns nothing about
    what a valid request would look like.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            ensure_access(kwargs["ceremony_id"], *permissions)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def organiser_or_guest(
    registration_id: uuid.UUID, *, capability_in_query: bool = False
) -> Principal | None:
    """Let through a credential (returned; the caller checks its role with
    ``ensure_ceremony`` once it knows the ceremony) or the holder of this registration's
    link (None).

    The guest's capability comes as the bearer token or, for links in emails, as the
    ``capability`` query parameter when ``capability_in_query``.
    """
    token = bearer_token()
    if token is None and capability_in_query:
        token = request.args.get("capability") or None
    if token is None:
        if presented_credential()[0] is not None:
            return authenticate()
        raise _unauthorized("A credential or the guest's own link is required.")
    if kind_of(token) is not None:
        return authenticate()
    try:
        subject = service_context().signer.verify_capability(MANAGE_REGISTRATION, token)
    except AuthError:
        raise _unauthorized("The token is invalid or expired.") from None
    if subject != str(registration_id):
        raise _forbidden("forbidden", "This link is for another registration.")
    return None


def actor() -> dict:
    """Who is acting in this request, for the audit trail: a credential, a guest or nobody."""
    principal = current_principal() if presented_credential()[0] else None
    address = request.remote_addr if request else None
    if principal is None:
        return {"kind": "guest", "id": None, "name": None, "address": address}
    return {
        "kind": principal.kind,
        "id": principal.account_id or principal.credential_id,
        "name": principal.name,
        "address": address,
    }


def readable_ceremonies(principal: Principal, known: list, *permissions: str) -> list | None:
    """Of the ``known`` ceremony ids, those where the principal holds ``permissions``; None
    for a suite admin (everything, suite-wide records included)."""
    if role_on(principal, None) == "admin":
        return None
    return [
        ceremony_id for ceremony_id in known if has_permission(principal, ceremony_id, *permissions)
    ]
