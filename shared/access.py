"""Who may call what, checked the same way by every service.

A caller is a bearer token (an organiser or staff, perhaps bound to one ceremony and one gate)
or a guest holding the capability of their own registration. Refusals are domain errors: 401
for a missing, forged or expired credential, 403 for the wrong role, ceremony or registration.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from flask import g, request

from .auth import MANAGE_REGISTRATION, AuthError, Principal
from .errors import DomainError
from .web import service_context

#: The OpenAPI security requirement of a view that takes a bearer token.
BEARER = [{"bearerAuth": []}]


def _unauthorized(message: str) -> DomainError:
    return DomainError("unauthorized", message, kind="unauthorized")


def _forbidden(code: str, message: str) -> DomainError:
    return DomainError(code, message, kind="forbidden")


def bearer_token() -> str | None:
    """The token of an ``Authorization: Bearer`` header, if any."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def current_principal() -> Principal | None:
    """The principal of a valid bearer token, or None when there is none or it is invalid."""
    if "principal" not in g:
        token = bearer_token()
        try:
            g.principal = service_context().signer.verify_token(token) if token else None
        except AuthError:
            g.principal = None
    return g.principal


def ensure_role(*roles: str) -> Principal:
    """The principal, if it holds one of ``roles``; 401 or 403 otherwise."""
    if bearer_token() is None:
        raise _unauthorized("A bearer token is required.")
    principal = current_principal()
    if principal is None:
        raise _unauthorized("The token is invalid or expired.")
    if principal.role not in roles:
        raise _forbidden("forbidden", f"This needs the role {' or '.join(roles)}.")
    return principal


def ensure_ceremony(principal: Principal | None, ceremony_id: object) -> None:
    """Refuse a token bound to another ceremony than ``ceremony_id`` (a guest passes)."""
    if principal is not None and not principal.may_act_on(ceremony_id):
        raise _forbidden("wrong_ceremony", "This token is for another ceremony.")


def ensure_ceremony_role(ceremony_id: object, *roles: str) -> Principal:
    """The principal, if it holds one of ``roles`` and is not bound to another ceremony."""
    principal = ensure_role(*roles)
    ensure_ceremony(principal, ceremony_id)
    return principal


def require_role(*roles: str) -> Callable:
    """Let a view run only for a valid token with one of ``roles``."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            ensure_role(*roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def suite_role(*roles: str) -> Callable:
    """Let a view that is not about one ceremony (creating one) run only for ``roles``
    holding a token that is not bound to a ceremony."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            principal = ensure_role(*roles)
            if principal.ceremony_id is not None:
                raise _forbidden(
                    "token_bound_to_ceremony",
                    "This token is bound to one ceremony; it cannot act beyond it.",
                )
            return view(*args, **kwargs)

        return wrapper

    return decorator


def ceremony_role(*roles: str) -> Callable:
    """Let a view on ``.../<ceremony_id>/...`` run only for ``roles`` of that ceremony.

    Applied above the argument parsers, so that a caller without rights learns nothing about
    what a valid request would look like.
    """

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        def wrapper(*args, **kwargs):
            ensure_ceremony_role(kwargs["ceremony_id"], *roles)
            return view(*args, **kwargs)

        return wrapper

    return decorator


def organiser_or_guest(
    registration_id: uuid.UUID, *, capability_in_query: bool = False
) -> Principal | None:
    """Let through an organiser (returned) or the holder of this registration's link (None).

    The guest's capability comes as the bearer token or, for links in emails, as the
    ``capability`` query parameter when ``capability_in_query``. An organiser's ceremony is
    checked by the caller with ``ensure_ceremony`` once the registration's ceremony is known.
    """
    token = bearer_token()
    if token is None and capability_in_query:
        token = request.args.get("capability") or None
    if token is None:
        raise _unauthorized("A bearer token or the guest's own link is required.")
    principal = current_principal()
    if principal is not None:
        if principal.role != "organiser":
            raise _forbidden("forbidden", "This needs the role organiser.")
        return principal
    try:
        subject = service_context().signer.verify_capability(MANAGE_REGISTRATION, token)
    except AuthError:
        raise _unauthorized("The token is invalid or expired.") from None
    if subject != str(registration_id):
        raise _forbidden("forbidden", "This link is for another registration.")
    return None
