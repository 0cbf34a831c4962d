"""Seating by order of precedence: the rules, on plain data (no storage, no HTTP yet).

A block is a set of seats reserved for some categories, its rows numbered from the front. In a
block the seat of honour is the middle of the front row; the next in precedence sit to its
right, then its left, alternating outward, then the next row the same way ("right" is the seat
of honour's own right, as a guest in it faces the stage: the side of higher seat numbers here).
A head of delegation's companions sit beside their principal in the same row; a guest who needs
an accessible seat gets the best free accessible seat of their block; a seat a person was locked
to is kept. Every placement says why, so a protocol officer can check it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from shared.contract import fold


@dataclass(frozen=True)
class Seat:
    """One seat: its row (1 at the front) and its number, counted left to right as the seat
    of honour faces the stage; ``accessible`` for a wheelchair place."""

    id: str
    row: int
    number: int
    accessible: bool = False


@dataclass(frozen=True)
class Block:
    """Seats reserved for guests of some categories (in the order the blocks are filled)."""

    name: str
    categories: tuple[str, ...]
    seats: tuple[Seat, ...]


@dataclass(frozen=True)
class Guest:
    """Someone to seat: protocol order by precedence (lower first, none last), then name."""

    id: str
    name: str
    category: str
    precedence: int | None = None
    #: The head of delegation's id, for a companion.
    delegation_of: str | None = None
    needs_accessible: bool = False
    #: A seat a protocol officer locked this guest to.
    locked_seat: str | None = None


@dataclass(frozen=True)
class Placement:
    seat: Seat
    block: str
    reason: str


@dataclass
class Plan:
    """Where each guest sits, and who could not be seated (with why)."""

    placements: dict[str, Placement] = field(default_factory=dict)
    unseated: dict[str, str] = field(default_factory=dict)


def honour_order(seats: Iterable[Seat]) -> list[Seat]:
    """The seats from the best down: front row first; in a row the middle seat, then
    alternately right and left of it, outward (the right first at equal distance)."""

    def rank(seat: Seat, middle: float) -> tuple:
        offset = seat.number - middle
        # Right (higher numbers) before left at the same distance from the middle.
        return (abs(offset), 0 if offset >= 0 else 1)

    rows: dict[int, list[Seat]] = {}
    for seat in seats:
        rows.setdefault(seat.row, []).append(seat)
    ordered: list[Seat] = []
    for row in sorted(rows):
        numbers = sorted(seat.number for seat in rows[row])
        middle = (numbers[0] + numbers[-1]) / 2
        ordered.extend(sorted(rows[row], key=lambda seat: rank(seat, middle)))
    return ordered


def protocol_key(guest: Guest) -> tuple:
    """Precedence (lower first, none last), then name, then id: the same answer every time."""
    return (guest.precedence is None, guest.precedence or 0, fold(guest.name), guest.id)


def seat_guests(guests: Sequence[Guest], blocks: Sequence[Block]) -> Plan:
    """Seat ``guests`` in ``blocks`` by the rules of the module's docstring; deterministic."""
    plan = Plan()
    taken: set[str] = set()
    seat_of = {seat.id: (block, seat) for block in blocks for seat in block.seats}
    by_id = {guest.id: guest for guest in guests}

    # Seats people were locked to are theirs first.
    for guest in guests:
        if guest.locked_seat:
            found = seat_of.get(guest.locked_seat)
            if found is None or guest.locked_seat in taken:
                plan.unseated[guest.id] = "locked to a seat that is not free"
                continue
            block, seat = found
            taken.add(seat.id)
            plan.placements[guest.id] = Placement(seat, block.name, "locked by protocol")

    companions: dict[str, list[Guest]] = {}
    for guest in guests:
        if guest.delegation_of in by_id and guest.id not in plan.placements:
            companions.setdefault(guest.delegation_of, []).append(guest)
    heads = [
        guest
        for guest in guests
        if guest.id not in plan.placements and guest.delegation_of not in by_id
    ]
    for guest in sorted(heads, key=protocol_key):
        block = next((b for b in blocks if guest.category in b.categories), None)
        if block is None:
            plan.unseated[guest.id] = f"no block for the category {guest.category}"
            continue
        seat = _best_free(block, taken, accessible=guest.needs_accessible)
        if seat is None:
            plan.unseated[guest.id] = f"block {block.name} is full"
            continue
        taken.add(seat.id)
        why = f"precedence {guest.precedence}" if guest.precedence is not None else "no precedence"
        if guest.needs_accessible and seat.accessible:
            why += ", accessible seat"
        plan.placements[guest.id] = Placement(seat, block.name, f"{why}, block {block.name}")
        for companion in sorted(companions.get(guest.id, []), key=protocol_key):
            beside = _beside(block, seat, taken)
            if beside is None:
                plan.unseated[companion.id] = f"no free seat beside {guest.name}"
                continue
            taken.add(beside.id)
            plan.placements[companion.id] = Placement(
                beside, block.name, f"companion of {guest.name}"
            )
    return plan


def _best_free(block: Block, taken: set[str], *, accessible: bool) -> Seat | None:
    free = [seat for seat in honour_order(block.seats) if seat.id not in taken]
    if accessible:
        return next((seat for seat in free if seat.accessible), None)
    # Accessible seats are kept for those who need them while other seats are free.
    return next((seat for seat in free if not seat.accessible), free[0] if free else None)


def _beside(block: Block, principal: Seat, taken: set[str]) -> Seat | None:
    """The free seat of the principal's row nearest to them (their right first)."""
    row = [s for s in block.seats if s.row == principal.row and s.id not in taken]
    row.sort(
        key=lambda s: (abs(s.number - principal.number), 0 if s.number > principal.number else 1)
    )
    return row[0] if row else None
