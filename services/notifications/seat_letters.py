"""Which letter a ``seating.assigned`` calls for, and recording it for the guest.

A guest hears of a seat only when the event says to announce it: the registration service
announces a seat once seats are made known, and any change after that.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy.orm import Session

from shared.events import Event

from .compose.identity import MailIdentity
from .deliver.log import record_for_registration

log = logging.getLogger(__name__)

#: The letters about a seat: the first one given, another instead, the seat taken back.
SEAT_TEMPLATES = ("seat_assigned", "seat_changed", "seat_released")


def seat_letter(data: dict[str, Any]) -> str | None:
    """The template for an announced seating, or None when nothing changed for the guest."""
    seat, previous = data["seat"], data["previous_seat"]
    if seat is None:
        return "seat_released" if previous is not None else None
    if previous is None:
        return "seat_assigned"
    return None if previous["id"] == seat["id"] else "seat_changed"


def record_seat_letter(
    session: Session,
    identity: MailIdentity,
    event: Event,
    registration: Any,
    *,
    delay_seconds: float,
) -> bool:
    """Queue the letter an announced seating calls for; False when it calls for none.

    Only a confirmed guest is written to: a cancellation frees the seat and has its own email.
    """
    template = seat_letter(event.data)
    if template is None or registration.status != "confirmed":
        log.info("no seat letter for registration %s (%s)", registration.id, registration.status)
        return False
    details = {"seat": event.data["seat"], "previous_seat": event.data["previous_seat"]}
    # The badge is redrawn on the same event; the letter attaches it as it is then.
    return record_for_registration(
        session,
        identity,
        event.event_id,
        template,
        registration,
        details,
        delay_seconds=delay_seconds,
    )
