"""Seating by order of precedence: the rules, on plain data (no storage, no HTTP yet).

A block is a set of seats reserved for some categories, its rows numbered from the front. In a
block the seat of honour is the middle of the front row; the next in precedence sit to its
right, then its left, alternating outward, then the next row the same way ("right" is the seat
of honour's own right, as a guest in it faces the stage: the side of higher seat numbers here).
A head of delegation's companions sit beside their principal in the same row; a guest who needs
an accessible seat gets the best free accessible seat of their block; a seat a person was locked
to is kept. People a block is kept for go to it first, whatever their category. In the
``host_right`` mode the host takes the seat of honour and the highest precedence sits at their
right, then the others alternate outward from the host. Every placement says why, so a protocol
officer can check it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

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
    """Seats reserved for guests of some categories, or for named people (in the order the
    blocks are filled)."""

    name: str
    categories: tuple[str, ...]
    seats: tuple[Seat, ...]
    #: Guests this block is kept for, whatever their category: they go to it first.
    people: tuple[str, ...] = ()


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


def seat_guests(
    guests: Sequence[Guest],
    blocks: Sequence[Block],
    *,
    honour: str = "centre",
    host: str | None = None,
) -> Plan:
    """Seat ``guests`` in ``blocks`` by the rules of the module's docstring; deterministic.

    ``honour`` is ``centre`` or ``host_right`` (then ``host`` is the host's guest id).
    """
    plan = Plan()
    taken: set[str] = set()
    seat_of = {seat.id: (block, seat) for block in blocks for seat in block.seats}
    by_id = {guest.id: guest for guest in guests}
    host_guest = by_id.get(host) if honour == "host_right" and host else None
    states = {block.name: _Free(block) for block in blocks}

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

    if host_guest is not None:
        _seat_host(plan, host_guest, blocks, states, taken)

    companions: dict[str, list[Guest]] = {}
    for guest in guests:
        if guest.delegation_of in by_id and guest.id not in {**plan.placements, **plan.unseated}:
            companions.setdefault(guest.delegation_of, []).append(guest)
    heads = [
        guest
        for guest in guests
        if guest.id not in plan.placements
        and guest.id not in plan.unseated
        and guest.delegation_of not in by_id
    ]
    for guest in sorted(heads, key=protocol_key):
        room = len(companions.get(guest.id, []))
        _seat_one(plan, guest, _candidates(guest, blocks), states, taken, room)
        _seat_companions(plan, guest, companions.pop(guest.id, []), seat_of, states, taken)
    # The companions of a principal who was seated before the rules ran (locked, or told).
    for head in sorted((by_id[h] for h in companions), key=protocol_key):
        _seat_companions(plan, head, companions[head.id], seat_of, states, taken)
    return plan


def propose_for_newcomers(
    guests: Sequence[Guest],
    blocks: Sequence[Block],
    fixed: Mapping[str, str],
    *,
    honour: str = "centre",
    host: str | None = None,
) -> Plan:
    """Seats for the guests not in ``fixed`` (guest id → the seat they keep: told or locked),
    by the rules, moving no one in ``fixed``; the plan holds the newcomers only."""
    kept = [
        replace(guest, locked_seat=fixed[guest.id]) if guest.id in fixed else guest
        for guest in guests
    ]
    plan = seat_guests(kept, blocks, honour=honour, host=host)
    return Plan(
        placements={g: p for g, p in plan.placements.items() if g not in fixed},
        unseated={g: why for g, why in plan.unseated.items() if g not in fixed},
    )


def _candidates(guest: Guest, blocks: Sequence[Block]) -> list[Block]:
    """The blocks a guest may sit in, best first: those kept for them, then their category's."""
    mine = [block for block in blocks if guest.id in block.people]
    return mine + [b for b in blocks if guest.category in b.categories and b not in mine]


def _seat_one(plan: Plan, guest: Guest, candidates, states, taken: set[str], room=0) -> None:
    """Seat one guest; a head of delegation takes the best seat of a row that still has room
    for their ``room`` companions, when there is one."""
    if not candidates:
        plan.unseated[guest.id] = f"no block for the category {guest.category}"
        return
    for block in candidates:
        seat = states[block.name].best(taken, accessible=guest.needs_accessible, room=room)
        if seat is not None:
            break
    else:
        plan.unseated[guest.id] = f"block {candidates[0].name} is full"
        return
    taken.add(seat.id)
    why = f"precedence {guest.precedence}" if guest.precedence is not None else "no precedence"
    if guest.id in block.people:
        why = f"named for block {block.name}, {why}"
    if guest.needs_accessible and seat.accessible:
        why += ", accessible seat"
    plan.placements[guest.id] = Placement(seat, block.name, f"{why}, block {block.name}")


def _seat_companions(plan: Plan, head: Guest, group, seat_of, states, taken: set[str]) -> None:
    placed = plan.placements.get(head.id)
    for companion in sorted(group, key=protocol_key):
        if placed is None:
            plan.unseated[companion.id] = f"{head.name} is not seated"
            continue
        block = seat_of[placed.seat.id][0]
        beside = states[block.name].beside(
            placed.seat, taken, accessible=companion.needs_accessible
        )
        if beside is None:
            plan.unseated[companion.id] = f"no free seat beside {head.name}"
            continue
        taken.add(beside.id)
        plan.placements[companion.id] = Placement(beside, block.name, f"companion of {head.name}")


def _seat_host(plan: Plan, host: Guest, blocks, states, taken: set[str]) -> None:
    """The host takes the seat of honour of their block (unless locked elsewhere); that block's
    front row is then ordered outward from the host, their right first."""
    placed = plan.placements.get(host.id)
    if placed is None:
        block = next(iter(_candidates(host, blocks)), None)
        if block is None:
            return
        seat = states[block.name].best(taken, accessible=host.needs_accessible)
        if seat is None:
            return
        taken.add(seat.id)
        placed = Placement(seat, block.name, f"host, seat of honour, block {block.name}")
        plan.placements[host.id] = placed
    states[placed.block].around(placed.seat)


class _Free:
    """A block's seats in honour order, with cursors that only move forward, so seating
    thousands of guests stays linear."""

    def __init__(self, block: Block):
        self.order = honour_order(block.seats)
        self.rows: dict[int, list[Seat]] = {}
        for seat in block.seats:
            self.rows.setdefault(seat.row, []).append(seat)
        self._plain = 0
        self._accessible = 0
        self._any = 0

    def around(self, pivot: Seat) -> None:
        """Order the pivot's row outward from it (its right first), keeping the other rows."""
        row = sorted(
            self.rows[pivot.row],
            key=lambda s: (abs(s.number - pivot.number), 0 if s.number > pivot.number else 1),
        )
        others = [seat for seat in self.order if seat.row != pivot.row]
        front = [seat for seat in others if seat.row < pivot.row]
        self.order = front + row + others[len(front) :]
        self._plain = self._accessible = self._any = 0

    def best(self, taken: set[str], *, accessible: bool, room: int = 0) -> Seat | None:
        """The best free seat; accessible seats are kept for those who need them while others
        are free. With ``room``, the best in a row with that many more seats free, if any."""
        seat = self._best(taken, accessible=accessible)
        if seat is None or room == 0 or self._room_beside(seat, taken) >= room:
            return seat
        start = self.order.index(seat)
        roomy = (
            candidate
            for candidate in self.order[start + 1 :]
            if candidate.id not in taken
            and candidate.accessible == seat.accessible
            and self._room_beside(candidate, taken) >= room
        )
        return next(roomy, seat)

    def _room_beside(self, seat: Seat, taken: set[str]) -> int:
        """How many companions could sit in the seat's row without taking an accessible seat."""
        free = [s for s in self.rows[seat.row] if s.id not in taken and s.id != seat.id]
        return sum(1 for s in free if not s.accessible)

    def _best(self, taken: set[str], *, accessible: bool) -> Seat | None:
        if accessible:
            self._accessible = self._skip(self._accessible, taken, lambda s: not s.accessible)
            if self._accessible < len(self.order):
                return self.order[self._accessible]
            return None
        self._plain = self._skip(self._plain, taken, lambda s: s.accessible)
        if self._plain < len(self.order):
            return self.order[self._plain]
        self._any = self._skip(self._any, taken, lambda s: False)
        return self.order[self._any] if self._any < len(self.order) else None

    def _skip(self, index: int, taken: set[str], unfit) -> int:
        while index < len(self.order) and (
            self.order[index].id in taken or unfit(self.order[index])
        ):
            index += 1
        return index

    def beside(self, principal: Seat, taken: set[str], *, accessible: bool) -> Seat | None:
        """The free seat of the principal's row nearest to them (their right first); an
        accessible one for a companion who needs it, else one kept for those who do not."""
        row = [s for s in self.rows.get(principal.row, ()) if s.id not in taken]
        row.sort(
            key=lambda s: (
                s.accessible != accessible,
                abs(s.number - principal.number),
                0 if s.number > principal.number else 1,
            )
        )
        return row[0] if row else None
