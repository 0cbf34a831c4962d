"""How guests' seats are stored and told: the seats held, who may hold one, and one change
of many seats at once with its ``seating.assigned`` events in the same transaction."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.engine import Row
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.errors import DomainError, not_found
from shared.events import make_envelope, make_envelopes
from shared.outbox import outbox_row

from .ceremonies import lock_ceremony
from .models import Ceremony, Registration, SeatAssignment, outbox
from .registration_events import SOURCE
from .seating import Block, Guest, Seat, propose_for_newcomers
from .venue_layout import block_names, layout_seats, seat_info, seating_blocks


def apply_seats(
    session: Session,
    ceremony: Ceremony,
    people: dict[uuid.UUID, Registration],
    targets: dict[uuid.UUID, tuple[str | None, str]],
    *,
    seats: dict[str, dict] | None = None,
) -> list[uuid.UUID]:
    """Give each guest of ``targets`` its seat (None: no seat) and publish each change
    (``seats``: the layout's, when the caller has them already).

    Rows that change are deleted and written again, so that guests trading seats never meet
    the unique seat on the way; a seat taken meanwhile is a 409.
    """
    held = held_seats(session, ceremony)
    changed = [
        key
        for key, (seat, _) in targets.items()
        if (held[key].seat_id if key in held else None) != seat
    ]
    if not changed:
        return []
    kept = {key: held[key] for key in changed if key in held}
    if kept:
        # The session forgets the rows it holds for them, so none is written back later.
        session.execute(
            delete(SeatAssignment).where(
                SeatAssignment.ceremony_id == ceremony.id,
                SeatAssignment.registration_id.in_(list(kept)),
            )
        )
    blocks = block_names(ceremony, seats=seats)
    now = datetime.now(UTC)
    announced = ceremony.seats_announced_at is not None
    events, rows = [], []
    for key in changed:
        seat, reason = targets[key]
        before = kept.get(key)
        told = before.told_seat_id if before else None
        announce = announced and seat != told and (seat is not None or told is not None)
        previous = before.seat_id if before else None
        events.append(seat_data(ceremony, people[key], seat, previous, reason, announce, blocks))
        if seat is None:
            continue
        rows.append(
            {
                "id": uuid.uuid4(),
                "ceremony_id": ceremony.id,
                "registration_id": key,
                "seat_id": seat,
                "locked": before.locked if before else False,
                "reason": reason[:300],
                "told_seat_id": seat if announce else told,
                "updated_at": now,
            }
        )
    try:
        # One statement for all the seats: seating a hall stays well under a second.
        if rows:
            session.execute(insert(SeatAssignment), rows)
    except IntegrityError:
        raise DomainError(
            "seat_taken",
            "Someone else took one of these seats meanwhile: look at the chart again.",
            errors={"seat_id": ["Taken meanwhile."]},
        ) from None
    write_events(session, make_envelopes("seating.assigned", events, SOURCE))
    return changed


def seat_event(ceremony, registration, seat, previous, reason, announce, blocks=None) -> dict:
    """The ``seating.assigned`` envelope of one guest's change, validated."""
    data = seat_data(ceremony, registration, seat, previous, reason, announce, blocks)
    return make_envelope("seating.assigned", data, SOURCE)


def seat_data(ceremony, registration, seat, previous, reason, announce, blocks=None) -> dict:
    """The ``seating.assigned`` data of one guest's change, to be validated as an envelope."""
    blocks = block_names(ceremony) if blocks is None else blocks
    return {
        "ceremony_id": ceremony.id,
        "registration_id": registration.id,
        "seat": seat_info(ceremony, seat, blocks=blocks) if seat else None,
        "previous_seat": seat_info(ceremony, previous, blocks=blocks) if previous else None,
        "reason": (reason or "")[:300] or None,
        "accessible_seat": bool(registration.accessible_seat),
        "announce": announce,
    }


def write_events(session: Session, envelopes: list[dict]) -> None:
    """Store the events in the outbox in one statement, in the caller's transaction."""
    if envelopes:
        session.execute(outbox.insert(), [outbox_row(envelope) for envelope in envelopes])


def with_layout(session: Session, ceremony: Ceremony) -> Ceremony:
    """The ceremony, locked, refused (409 ``no_layout``) while it has no layout."""
    ceremony = lock_ceremony(session, ceremony.id)
    if not ceremony.layout:
        raise DomainError("no_layout", "This ceremony has no venue layout yet.")
    return ceremony


def seatable(session, ceremony, registration_id, field="registration_id") -> Registration:
    """A confirmed guest of the ceremony, or why not (404, 409 ``not_confirmed``)."""
    registration = session.get(Registration, registration_id)
    if registration is None or registration.ceremony_id != ceremony.id:
        raise not_found("registration", registration_id)
    if registration.status != "confirmed" or registration.erased_at is not None:
        raise DomainError(
            "not_confirmed",
            f"{registration.full_name} is not a confirmed guest: only they get seats.",
            errors={field: [f"The registration is {registration.status}."]},
        )
    return registration


def assignments(session: Session, ceremony: Ceremony) -> dict[uuid.UUID, SeatAssignment]:
    """The ceremony's seats held, by registration."""
    rows = session.scalars(select(SeatAssignment).where(SeatAssignment.ceremony_id == ceremony.id))
    return {row.registration_id: row for row in rows}


def held_seats(session: Session, ceremony: Ceremony) -> dict[uuid.UUID, Row]:
    """The ceremony's seats held, by registration, as read-only rows of the columns the
    seating reads (``assignments`` gives the rows to change)."""
    rows = session.execute(
        select(
            SeatAssignment.registration_id,
            SeatAssignment.seat_id,
            SeatAssignment.locked,
            SeatAssignment.reason,
            SeatAssignment.told_seat_id,
        ).where(SeatAssignment.ceremony_id == ceremony.id)
    )
    return {row.registration_id: row for row in rows}


def guest_rows(session: Session, ceremony: Ceremony) -> dict[uuid.UUID, Row]:
    """The ceremony's confirmed guests as ``confirmed_guests`` gives them, as read-only rows of
    the columns the seating and the chart read."""
    rows = session.execute(
        select(
            Registration.id,
            Registration.full_name,
            Registration.honorific,
            Registration.category,
            Registration.precedence,
            Registration.delegation_of,
            Registration.accessible_seat,
        )
        .where(
            Registration.ceremony_id == ceremony.id,
            Registration.status == "confirmed",
            Registration.erased_at.is_(None),
        )
        .order_by(Registration.created_at, Registration.id)
    )
    return {row.id: row for row in rows}


def confirmed_guests(session: Session, ceremony: Ceremony) -> dict[uuid.UUID, Registration]:
    """The ceremony's confirmed guests (not erased), in the order they came."""
    rows = session.scalars(
        select(Registration)
        .where(
            Registration.ceremony_id == ceremony.id,
            Registration.status == "confirmed",
            Registration.erased_at.is_(None),
        )
        .order_by(Registration.created_at, Registration.id)
    )
    return {row.id: row for row in rows}


def rule_guest(registration: Registration | Row, locked_seat: str | None = None) -> Guest:
    """A registration as the seating rules take it."""
    return Guest(
        id=str(registration.id),
        name=registration.full_name,
        category=registration.category,
        precedence=registration.precedence,
        delegation_of=str(registration.delegation_of) if registration.delegation_of else None,
        needs_accessible=bool(registration.accessible_seat),
        locked_seat=locked_seat,
    )


def honour_rules(ceremony: Ceremony) -> tuple[str, str | None]:
    """The seat of honour's mode and the host, from the ceremony's rules."""
    rules = ceremony.seating_rules or {}
    return rules.get("seat_of_honour", "centre"), rules.get("host_registration_id")


def blocks_with(
    ceremony: Ceremony,
    kept: Iterable[str],
    *,
    seats: dict[str, dict] | None = None,
    blocks: list[Block] | None = None,
) -> list[Block]:
    """The ceremony's blocks, and the seats kept outside them as a block no rule fills (so the
    guests in them, and their companions beside them, stay); ``seats`` and ``blocks`` are its
    ``layout_seats`` and ``seating_blocks``, when the caller has them already."""
    seats = layout_seats(ceremony) if seats is None else seats
    blocks = seating_blocks(ceremony, seats=seats) if blocks is None else blocks
    inside = {seat.id for block in blocks for seat in block.seats}
    outside = tuple(
        Seat(ident, seats[ident]["row_place"], seats[ident]["number"])
        for ident in sorted(set(kept) - inside)
        if ident in seats
    )
    return [*blocks, Block("", (), outside)] if outside else blocks


def newcomers(ceremony, guests, held, *, seats=None, blocks=None):
    """Proposals by the rules for confirmed guests without a seat, moving no one seated
    (``seats`` and ``blocks`` as for ``blocks_with``)."""
    fixed = {str(key): row.seat_id for key, row in held.items() if key in guests}
    honour, host = honour_rules(ceremony)
    return propose_for_newcomers(
        [rule_guest(registration) for registration in guests.values()],
        blocks_with(ceremony, fixed.values(), seats=seats, blocks=blocks),
        fixed,
        honour=honour,
        host=host,
    )
