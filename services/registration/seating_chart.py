"""The seating chart as people read it: every seat and its occupant, every confirmed guest and
why one has no seat, the chart's warnings, the proposals for late acceptances, the seat list."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.engine import Row
from sqlalchemy.orm import Session

from shared.venue import seat_label

from .models import Ceremony, Registration
from .seat_changes import guest_rows, held_seats, honour_rules, newcomers, rule_guest
from .seating import Plan
from .seating_checks import warnings
from .venue_layout import block_names, layout_seats, seat_info, seating_blocks

#: Columns of the seat list export.
SEAT_LIST_COLUMNS = (
    "seat",
    "section",
    "row",
    "number",
    "block",
    "name",
    "honorific",
    "category",
    "precedence",
    "locked",
    "reason",
)


def seating_view(session: Session, ceremony: Ceremony) -> dict[str, Any]:
    """Every seat with its occupant, every confirmed guest with their seat or why they have
    none, and the chart's warnings."""
    seats = layout_seats(ceremony)
    rule_blocks = seating_blocks(ceremony, seats=seats)
    # ``block_names`` from the blocks just worked out, rather than a second pass on the layout.
    blocks = {seat.id: block.name for block in rule_blocks for seat in block.seats}
    held = held_seats(session, ceremony)
    guests = guest_rows(session, ceremony)
    by_seat = {row.seat_id: row for row in held.values()}
    # The trial seating only says why the unseated have no seat: none, no trial.
    dry = (
        newcomers(ceremony, guests, held, seats=seats, blocks=rule_blocks)
        if guests.keys() - held.keys()
        else Plan()
    )
    people = {key: _person(registration) for key, registration in guests.items()}
    return {
        "announced_at": ceremony.seats_announced_at,
        "seats": [
            {**_seat_out(seat, blocks), "occupant": _occupant(people, by_seat.get(ident))}
            for ident, seat in seats.items()
        ],
        "guests": [_guest(key, person, held.get(key), dry) for key, person in people.items()],
        "warnings": [
            {"kind": kind, "message": message, "registration_ids": ids}
            for kind, message, ids in _warnings(ceremony, guests, held, rule_blocks)
        ],
    }


def proposals(session: Session, ceremony: Ceremony) -> dict[str, Any]:
    """Seats by the rules for the confirmed guests without one, moving no one who has a seat;
    and who could not be placed, with why."""
    seats = layout_seats(ceremony)
    guests = guest_rows(session, ceremony)
    plan = newcomers(ceremony, guests, held_seats(session, ceremony), seats=seats)
    blocks = block_names(ceremony, seats=seats)
    return {
        "proposals": [
            {
                **_person(guests[uuid.UUID(ident)]),
                "seat_id": placement.seat.id,
                "seat": seat_info(ceremony, placement.seat.id, blocks=blocks),
                "reason": placement.reason,
            }
            for ident, placement in sorted(plan.placements.items(), key=lambda p: p[1].seat.id)
        ],
        "unseated": [
            {**_person(guests[uuid.UUID(ident)]), "reason": why}
            for ident, why in sorted(plan.unseated.items())
        ],
    }


def seat_list(session: Session, ceremony: Ceremony) -> list[list[Any]]:
    """The occupied seats in the layout's order, as rows of ``SEAT_LIST_COLUMNS``."""
    seats = layout_seats(ceremony)
    blocks = block_names(ceremony, seats=seats)
    held = {row.seat_id: row for row in held_seats(session, ceremony).values()}
    people = guest_rows(session, ceremony)
    rows = []
    for ident, seat in seats.items():
        row = held.get(ident)
        person = people.get(row.registration_id) if row else None
        if person is None:
            continue
        rows.append(
            [
                seat_label(seat),
                seat["section"],
                seat["row"],
                seat["number"],
                blocks.get(ident, ""),
                person.full_name,
                person.honorific or "",
                person.category,
                person.precedence,
                "yes" if row.locked else "no",
                row.reason or "",
            ]
        )
    return rows


def _warnings(ceremony, guests, held, blocks):
    honour, host = honour_rules(ceremony)
    rule_guests = [rule_guest(registration) for registration in guests.values()]
    placements = {
        guest.id: held[key].seat_id
        for key, guest in zip(guests, rule_guests, strict=True)
        if key in held
    }
    return warnings(rule_guests, blocks, placements, host=host if honour == "host_right" else None)


def _person(registration: Registration) -> dict[str, Any]:
    return {
        "registration_id": registration.id,
        "full_name": registration.full_name,
        "honorific": registration.honorific,
        "category": registration.category,
        "precedence": registration.precedence,
        "delegation_of": registration.delegation_of,
        "accessible_seat": bool(registration.accessible_seat),
    }


def _occupant(people: dict[uuid.UUID, dict], row: Row | None) -> dict[str, Any] | None:
    person = people.get(row.registration_id) if row is not None else None
    if person is None:
        return None
    return {**person, "locked": row.locked, "reason": row.reason}


def _guest(key: uuid.UUID, person: dict, row: Row | None, dry: Plan) -> dict[str, Any]:
    if row is None:
        return {
            **person,
            "seat_id": None,
            "locked": False,
            "reason": None,
            "told_seat_id": None,
            "unseated_because": dry.unseated.get(str(key), "not seated yet"),
        }
    return {
        **person,
        "seat_id": row.seat_id,
        "locked": row.locked,
        "reason": row.reason,
        "told_seat_id": row.told_seat_id,
        "unseated_because": None,
    }


def _seat_out(seat: dict[str, Any], blocks: dict[str, str]) -> dict[str, Any]:
    return {
        "id": seat["id"],
        "section": seat["section"],
        "kind": seat["kind"],
        "row": seat["row"],
        "number": seat["number"],
        "accessible": bool(seat.get("accessible")),
        "block": blocks.get(seat["id"]),
        "label": seat_label(seat),
    }
