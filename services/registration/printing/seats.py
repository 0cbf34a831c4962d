"""Who sits where, read for printing: each seated guest with their seat as ``seat_label`` takes
it, in the layout's order."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.venue import split_seat_id

from ..models import Ceremony, Registration, SeatAssignment
from ..venue import block_seats, layout_seats


@dataclass(frozen=True)
class SeatedGuest:
    """A guest and their seat (``section``, ``kind``, ``row``, ``number``, ``accessible``)."""

    guest: Registration
    seat_id: str
    seat: Mapping[str, Any]


def _lost_seat(value: str) -> dict[str, Any]:
    """A seat the layout no longer lists, still named by its id."""
    section, row, number = split_seat_id(value)
    return {"section": section, "kind": "rows", "row": row, "number": number, "accessible": False}


def seated_guests(session: Session, ceremony: Ceremony) -> list[SeatedGuest]:
    """The ceremony's seated guests (cancelled ones left out), in the layout's seat order."""
    rows = session.execute(
        select(Registration, SeatAssignment.seat_id)
        .join(SeatAssignment, SeatAssignment.registration_id == Registration.id)
        .where(SeatAssignment.ceremony_id == ceremony.id, Registration.status != "cancelled")
    ).all()
    seats = layout_seats(ceremony)
    order = {value: position for position, value in enumerate(seats)}
    rows = sorted(rows, key=lambda row: (order.get(row[1], len(order)), row[1]))
    return [
        SeatedGuest(guest, value, seats.get(value) or _lost_seat(value)) for guest, value in rows
    ]


def seats_by_guest(session: Session, ceremony: Ceremony) -> dict[uuid.UUID, Mapping[str, Any]]:
    """Registration id → seat, for the seated guests of a ceremony."""
    return {seated.guest.id: seated.seat for seated in seated_guests(session, ceremony)}


def seated_in_block(
    session: Session, ceremony: Ceremony, block: Mapping[str, Any]
) -> list[SeatedGuest]:
    """The guests seated in one of the ceremony's blocks."""
    held = set(block_seats(layout_seats(ceremony), dict(block)))
    return [seated for seated in seated_guests(session, ceremony) if seated.seat_id in held]
