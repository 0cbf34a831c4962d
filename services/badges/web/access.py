"""Who may do what in the badges API: organisers, staff and guests holding their own link."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from flask import request

from shared.auth import MANAGE_REGISTRATION, AuthError, Principal
from shared.errors import DomainError
from shared.web import bearer_token, ensure_role, service_context

BEARER = [{"bearerAuth": []}]


def _unauthorized(message: str) -> DomainError:
    return DomainError("unauthorized", message, kind="unauthorized")


def ensure_ceremony_role(ceremony_id: uuid.UUID, *roles: str) -> Principal:
    """The principal, if it holds one of ``roles`` and is not bound to another ceremony."""
    principal = ensure_role(*roles)
    if not principal.may_act_on(ceremony_id):
        raise DomainError("wrong_ceremony", "This token is for another ceremony.", kind="forbidden")
    return principal


def ceremony_role(*roles: str) -> Callable:
    """Let a view on ``/ceremonies/<ceremony_id>`` run only for ``roles`` of that ceremony.

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


def badge_reader(registration_id: uuid.UUID) -> Principal | None:
    """Check who asks for a registration's badge: an organiser (returned) or its guest (None).

    A guest's capability may come as a bearer token or, for links in emails, as the
    ``capability`` query parameter. An organiser's ceremony binding is checked by the caller
    once the badge, and so its ceremony, is known.
    """
    signer = service_context().signer
    token = bearer_token()
    if token is not None:
        try:
            principal = signer.verify_token(token)
        except AuthError:
            principal = None
        if principal is not None:
            if principal.role != "organiser":
                raise DomainError("forbidden", "This needs the role organiser.", kind="forbidden")
            return principal
    else:
        token = request.args.get("capability")
    if not token:
        raise _unauthorized("A bearer token or a capability is required.")
    try:
        subject = signer.verify_capability(MANAGE_REGISTRATION, token)
    except AuthError:
        raise _unauthorized("The token is invalid or expired.") from None
    if subject != str(registration_id):
        raise DomainError("forbidden", "This link is for another registration.", kind="forbidden")
    return None


def ensure_organiser_scope(principal: Principal | None, ceremony_id: uuid.UUID) -> None:
    """Refuse an organiser bound to another ceremony than the badge's."""
    if principal is not None and not principal.may_act_on(ceremony_id):
        raise DomainError("wrong_ceremony", "This token is for another ceremony.", kind="forbidden")
