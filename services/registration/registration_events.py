"""What the service tells the bus of a registration: the ``registration.*`` events."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from shared.outbox import publish_event

from .models import Registration, outbox
from .names import parts_of

#: The producer named in this service's events.
SOURCE = "registration"


def registration_data(
    registration: Registration,
    *,
    previous_status: str | None = None,
    promoted: bool = False,
    cancel_reason: str | None = None,
) -> dict[str, Any]:
    """The registration as the ``registration.*`` events carry it."""
    return {
        "registration_id": registration.id,
        "ceremony_id": registration.ceremony_id,
        "full_name": registration.full_name,
        **parts_of(registration),
        "email": registration.email,
        "honorific": registration.honorific,
        "organisation": registration.organisation,
        "job_title": registration.job_title,
        "language": registration.language,
        "category": registration.category,
        "precedence": registration.precedence,
        "status": registration.status,
        "reserved": registration.reserved,
        "previous_status": previous_status,
        "promoted": promoted,
        "cancel_reason": cancel_reason,
        "revision": registration.revision or 0,
    }


def announce_registration(
    session: Session,
    registration: Registration,
    *,
    previous_status: str | None = None,
    promoted: bool = False,
    cancel_reason: str | None = None,
    event_type: str | None = None,
    changed: list[str] | None = None,
) -> str:
    """Write the registration's event to the outbox (by default named after its status);
    returns its event id."""
    data = registration_data(
        registration,
        previous_status=previous_status,
        promoted=promoted,
        cancel_reason=cancel_reason,
    )
    if changed is not None:
        data["changed"] = list(changed)
    event_type = event_type or f"registration.{registration.status}"
    return publish_event(session, outbox, event_type, data, SOURCE)["event_id"]
