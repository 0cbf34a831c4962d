"""Who may use the notifications API: organisers, some bound to one ceremony."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from functools import wraps

from shared.auth import Principal
from shared.errors import DomainError
from shared.web import ensure_role

BEARER = [{"bearerAuth": []}]


def ensure_organiser_of(ceremony_id: uuid.UUID | None) -> Principal:
    """The organiser, unless the token is bound to another ceremony (401/403 otherwise)."""
    principal = ensure_role("organiser")
    if ceremony_id is not None and not principal.may_act_on(ceremony_id):
        raise DomainError("wrong_ceremony", "This token is for another ceremony.", kind="forbidden")
    return principal


def ceremony_organiser(view: Callable) -> Callable:
    """Let a view on ``/ceremonies/<ceremony_id>`` run only for that ceremony's organisers.

    Applied above the argument parsers: a caller without rights learns nothing of the body's shape.
    """

    @wraps(view)
    def wrapper(*args, **kwargs):
        ensure_organiser_of(kwargs["ceremony_id"])
        return view(*args, **kwargs)

    return wrapper
