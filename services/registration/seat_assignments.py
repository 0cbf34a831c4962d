"""Rules for guests' seats as stored: automatic seating, placing by hand, swapping, locking,
announcing the seats, and seating late acceptances (the chart itself: ``seating_chart``).

Every change of a guest's seat publishes ``seating.assigned`` in the same transaction. Once the
seats were announced, a guest whose seat is new or differs from the one they were told is
written to (``announce``), and the seat they are told becomes that one. The ceremony row is
locked for every change, and a unique seat per ceremony keeps two people out of one seat.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.errors import DomainError, not_found
from shared.events import make_envelopes

from .ceremonies import lock_ceremony
from .models import Ceremony, Registration, SeatAssignment, audit
from .registration_events import SOURCE
from .seat_changes import (
    apply_seats,
    assignments,
    blocks_with,
    guest_rows,
    held_seats,
    honour_rules,
    newcomers,
    rule_guest,
    seat_data,
    seat_event,
    seatable,
    with_layout,
    write_events,
)
from .seating import seat_guests
from .seating_chart import SEAT_LIST_COLUMNS as SEAT_LIST_COLUMNS
from .seating_chart import proposals as proposals
from .seating_chart import seat_list as seat_list
from .seating_chart import seating_view as seating_view
from .venue_layout import block_names, layout_seats, seat_info

#: Why a seat was given by hand.
BY_HAND = "placed by protocol"
SWAPPED = "swapped by protocol"


def auto_seat(
    session: Session, ceremony: Ceremony, *, actor: dict[str, Any] = SYSTEM
) -> dict[str, Any]:
    """Seat every confirmed guest by the rules, keeping locked seats and seats already told to
    their guest; the same guests and venue give the same seats."""
    ceremony = with_layout(session, ceremony)
    seats = layout_seats(ceremony)
    held = held_seats(session, ceremony)
    guests = guest_rows(session, ceremony)
    fixed = {
        str(reg): row.seat_id
        for reg, row in held.items()
        if reg in guests and (row.locked or row.seat_id == row.told_seat_id)
    }
    honour, host = honour_rules(ceremony)
    plan = seat_guests(
        [rule_guest(registration, fixed.get(str(key))) for key, registration in guests.items()],
        blocks_with(ceremony, fixed.values(), seats=seats),
        honour=honour,
        host=host,
    )
    targets: dict[uuid.UUID, tuple[str | None, str]] = {}
    for key in guests:
        placement = plan.placements.get(str(key))
        if str(key) in fixed:
            continue
        targets[key] = (placement.seat.id, placement.reason) if placement else (None, "")
    # A seat still held by someone no longer confirmed (erased, say) goes back to the rules.
    people = dict(guests)
    for key in sorted(held.keys() - guests.keys()):
        people[key] = session.get(Registration, key)
        targets[key] = (None, "no longer a confirmed guest")
    moved = apply_seats(session, ceremony, people, targets, seats=seats)
    unseated = {ident: why for ident, why in plan.unseated.items()}
    record(
        session,
        audit,
        actor,
        "seating.auto",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        after={"changed": len(moved), "kept": len(fixed), "unseated": len(unseated)},
    )
    return {"changed": [str(key) for key in moved], "kept": len(fixed), "unseated": unseated}


def place(
    session: Session,
    ceremony: Ceremony,
    registration_id: uuid.UUID,
    seat_id: str,
    *,
    actor: dict[str, Any] = SYSTEM,
    lock: bool | None = None,
) -> SeatAssignment:
    """Put a confirmed guest in ``seat_id`` by hand (422 for a seat the layout lacks, 409
    ``seat_taken`` for one someone else holds); ``lock`` fixes it (None: as it was)."""
    ceremony = with_layout(session, ceremony)
    registration = seatable(session, ceremony, registration_id)
    if seat_id not in layout_seats(ceremony):
        raise DomainError(
            "unknown_seat",
            f"There is no seat {seat_id} in this ceremony's layout.",
            kind="invalid",
            errors={"seat_id": [f"No seat {seat_id} in the layout."]},
        )
    held = assignments(session, ceremony)
    holder = next((row for row in held.values() if row.seat_id == seat_id), None)
    if holder is not None and holder.registration_id != registration.id:
        other = session.get(Registration, holder.registration_id)
        raise DomainError(
            "seat_taken",
            f"{other.full_name} sits in {seat_id}: unseat or swap them first.",
            errors={"seat_id": [f"Held by {other.full_name}."]},
        )
    before = held.get(registration.id)
    before_seat = before.seat_id if before else None
    apply_seats(
        session, ceremony, {registration.id: registration}, {registration.id: (seat_id, BY_HAND)}
    )
    row = assignments(session, ceremony)[registration.id]
    if lock is not None:
        row.locked = lock
    record(
        session,
        audit,
        actor,
        "seating.placed",
        "registration",
        registration.id,
        ceremony_id=ceremony.id,
        before={"seat": before_seat},
        after={"seat": seat_id, "locked": row.locked},
    )
    return row


def swap(
    session: Session,
    ceremony: Ceremony,
    first_id: uuid.UUID,
    second_id: uuid.UUID,
    *,
    actor: dict[str, Any] = SYSTEM,
) -> tuple[SeatAssignment, SeatAssignment]:
    """Exchange the seats of two seated guests (each keeps their lock)."""
    ceremony = with_layout(session, ceremony)
    if first_id == second_id:
        raise DomainError(
            "same_guest",
            "Swap two different guests.",
            kind="invalid",
            errors={"second": ["Must differ from first."]},
        )
    held = assignments(session, ceremony)
    people = {}
    for field, ident in (("first", first_id), ("second", second_id)):
        people[ident] = seatable(session, ceremony, ident, field=field)
        if ident not in held:
            raise DomainError(
                "not_seated",
                f"{people[ident].full_name} has no seat to swap.",
                errors={field: ["Not seated."]},
            )
    first, second = held[first_id].seat_id, held[second_id].seat_id
    apply_seats(
        session, ceremony, people, {first_id: (second, SWAPPED), second_id: (first, SWAPPED)}
    )
    record(
        session,
        audit,
        actor,
        "seating.swapped",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        before={str(first_id): first, str(second_id): second},
        after={str(first_id): second, str(second_id): first},
    )
    after = assignments(session, ceremony)
    return after[first_id], after[second_id]


def set_locked(
    session: Session,
    ceremony: Ceremony,
    registration_id: uuid.UUID,
    locked: bool,
    *,
    actor: dict[str, Any] = SYSTEM,
) -> SeatAssignment:
    """Fix a seated guest's seat (automatic seating keeps it), or free it to the rules."""
    ceremony = lock_ceremony(session, ceremony.id)
    registration = seatable(session, ceremony, registration_id)
    row = assignments(session, ceremony).get(registration.id)
    if row is None:
        raise DomainError(
            "not_seated",
            f"{registration.full_name} has no seat to lock.",
            errors={"registration_id": ["Not seated."]},
        )
    if row.locked != locked:
        record(
            session,
            audit,
            actor,
            "seating.locked" if locked else "seating.unlocked",
            "registration",
            registration.id,
            ceremony_id=ceremony.id,
            before={"locked": row.locked},
            after={"locked": locked},
        )
        row.locked = locked
        row.updated_at = datetime.now(UTC)
    return row


def unseat(
    session: Session,
    ceremony: Ceremony,
    registration_id: uuid.UUID,
    *,
    actor: dict[str, Any] = SYSTEM,
) -> None:
    """Take a guest out of their seat (nothing happens for a guest without one)."""
    ceremony = lock_ceremony(session, ceremony.id)
    registration = session.get(Registration, registration_id)
    if registration is None or registration.ceremony_id != ceremony.id:
        raise not_found("registration", registration_id)
    row = assignments(session, ceremony).get(registration.id)
    if row is None:
        return
    apply_seats(
        session, ceremony, {registration.id: registration}, {registration.id: (None, BY_HAND)}
    )
    record(
        session,
        audit,
        actor,
        "seating.unseated",
        "registration",
        registration.id,
        ceremony_id=ceremony.id,
        before={"seat": row.seat_id},
        after={"seat": None},
    )


def announce_seats(session: Session, ceremony: Ceremony, *, actor: dict[str, Any] = SYSTEM) -> int:
    """Tell the guests their seats: every seated guest not yet told this seat is written to;
    from now on each change is written at once. Returns how many were told."""
    ceremony = with_layout(session, ceremony)
    guests = guest_rows(session, ceremony)
    blocks = block_names(ceremony)
    events = []
    for key, row in sorted(
        assignments(session, ceremony).items(), key=lambda item: item[1].seat_id
    ):
        if key not in guests or row.told_seat_id == row.seat_id:
            continue
        events.append(
            seat_data(
                ceremony, guests[key], row.seat_id, row.told_seat_id, row.reason, True, blocks
            )
        )
        row.told_seat_id = row.seat_id
    write_events(session, make_envelopes("seating.assigned", events, SOURCE))
    told = len(events)
    first = ceremony.seats_announced_at is None
    ceremony.seats_announced_at = ceremony.seats_announced_at or datetime.now(UTC)
    record(
        session,
        audit,
        actor,
        "seating.announced",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        after={"told": told, "first": first},
    )
    return told


def accept_proposals(
    session: Session,
    ceremony: Ceremony,
    registration_ids: Iterable[uuid.UUID],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> list[SeatAssignment]:
    """Seat these guests where ``proposals`` puts them now; all of them, or none (409
    ``no_proposal`` naming those it has no seat for)."""
    ceremony = with_layout(session, ceremony)
    wanted = list(dict.fromkeys(registration_ids))
    seats = layout_seats(ceremony)
    guests = guest_rows(session, ceremony)
    plan = newcomers(ceremony, guests, held_seats(session, ceremony), seats=seats)
    missing = {
        index: ["No seat is proposed for this guest."]
        for index, ident in enumerate(wanted)
        if str(ident) not in plan.placements
    }
    if missing:
        raise DomainError(
            "no_proposal",
            "Some of these guests have no proposed seat: look at the proposals again.",
            errors={"registration_ids": missing},
        )
    targets = {
        ident: (plan.placements[str(ident)].seat.id, plan.placements[str(ident)].reason)
        for ident in wanted
    }
    apply_seats(session, ceremony, guests, targets, seats=seats)
    record(
        session,
        audit,
        actor,
        "seating.proposals_accepted",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        after={str(ident): seat for ident, (seat, _) in targets.items()},
    )
    held = assignments(session, ceremony)
    return [held[ident] for ident in wanted]


def free_seat(
    session: Session, registration: Registration, *, actor: dict[str, Any] = SYSTEM
) -> None:
    """Give up the seat of a registration that was cancelled (or whose invitation was declined
    or withdrawn); the caller holds the ceremony's lock."""
    row = session.scalar(
        select(SeatAssignment).where(SeatAssignment.registration_id == registration.id)
    )
    if row is None:
        return
    ceremony = session.get(Ceremony, registration.ceremony_id)
    event = seat_event(ceremony, registration, None, row.seat_id, "registration cancelled", False)
    write_events(session, [event])
    session.delete(row)
    session.flush()
    record(
        session,
        audit,
        actor,
        "seating.freed",
        "registration",
        registration.id,
        ceremony_id=registration.ceremony_id,
        before={"seat": row.seat_id},
        after={"seat": None},
    )


def told_seat(session: Session, registration: Registration) -> dict[str, Any] | None:
    """The seat the guest was told (once seats are announced), as events carry it; None before:
    the plan may still change until then."""
    told = session.scalar(
        select(SeatAssignment.told_seat_id).where(SeatAssignment.registration_id == registration.id)
    )
    if not told:
        return None
    return seat_info(session.get(Ceremony, registration.ceremony_id), told)
