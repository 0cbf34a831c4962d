"""What a seating chart warns of, on plain data: precedence inverted in a block, a delegation
split, a block with more guests than seats.

Each warning is ``(kind, message, registration ids)``, so the chart can mark the people.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from .seating import Block, Guest, Seat, honour_order, protocol_key

Warning = tuple[str, str, list[str]]


def warnings(
    guests: Sequence[Guest],
    blocks: Sequence[Block],
    placements: Mapping[str, str],
    *,
    host: str | None = None,
) -> list[Warning]:
    """The chart's warnings for ``placements`` (guest id → seat id); ``host`` is left out of
    the precedence check (they take the seat of honour whatever their rank)."""
    return [
        *precedence_inverted(guests, blocks, placements, host=host),
        *delegation_split(guests, blocks, placements),
        *block_over_full(guests, blocks),
    ]


def precedence_inverted(guests, blocks, placements, *, host=None) -> list[Warning]:
    """A guest of lower rank in a better seat of the same block than one of higher rank (by
    honour order); companions sit by their principal and are not compared."""
    found: list[Warning] = []
    ranked = [g for g in guests if g.delegation_of is None and g.id != host]
    for block in blocks:
        place = {seat.id: index for index, seat in enumerate(honour_order(block.seats))}
        seated = sorted(
            (place[placements[g.id]], g) for g in ranked if placements.get(g.id) in place
        )
        best_below: Guest | None = None
        # From the worst seat forward: remember the highest rank seen behind each seat.
        for _, guest in reversed(seated):
            if (
                best_below is not None
                and best_below.precedence is not None
                and _standing(best_below) < _standing(guest)
            ):
                found.append(
                    (
                        "precedence_inverted",
                        f"{guest.name} (precedence {_rank(guest)}) sits before "
                        f"{best_below.name} (precedence {best_below.precedence}) in block "
                        f"{block.name}.",
                        [guest.id, best_below.id],
                    )
                )
            if best_below is None or _standing(guest) < _standing(best_below):
                best_below = guest
    return found


def _standing(guest: Guest) -> tuple[bool, int]:
    # The precedence part of ``protocol_key`` (lower first, none last), without the name.
    return (guest.precedence is None, guest.precedence or 0)


def _rank(guest: Guest) -> str:
    return str(guest.precedence) if guest.precedence is not None else "none"


def delegation_split(guests, blocks, placements) -> list[Warning]:
    """A companion not in their principal's row, or not beside them (someone else or a free
    seat between the delegation's seats)."""
    seats: dict[str, Seat] = {seat.id: seat for block in blocks for seat in block.seats}
    rows: dict[tuple[str, int], list[int]] = {}
    row_block: dict[str, str] = {}
    for block in blocks:
        for seat in block.seats:
            rows.setdefault((block.name, seat.row), []).append(seat.number)
            row_block[seat.id] = block.name
    by_id = {guest.id: guest for guest in guests}
    groups: dict[str, list[Guest]] = {}
    for guest in guests:
        if guest.delegation_of in by_id:
            groups.setdefault(guest.delegation_of, []).append(guest)
    found: list[Warning] = []
    for head_id, companions in groups.items():
        head = by_id[head_id]
        where = seats.get(placements.get(head_id, ""))
        if where is None:
            continue
        members = [head, *companions]
        places = [seats.get(placements.get(g.id, "")) for g in members]
        apart = [
            g
            for g, seat in zip(members, places, strict=True)
            if seat is None or seat.row != where.row or row_block[seat.id] != row_block[where.id]
        ]
        if not apart:
            numbers = sorted(rows[(row_block[where.id], where.row)])
            taken = sorted(numbers.index(seat.number) for seat in places if seat is not None)
            if taken[-1] - taken[0] + 1 != len(taken):
                apart = companions
        if apart:
            found.append(
                (
                    "delegation_split",
                    f"The delegation of {head.name} does not sit together.",
                    [head.id, *(g.id for g in apart if g.id != head.id)],
                )
            )
    return found


def block_over_full(guests, blocks) -> list[Warning]:
    """A block with more guests meant for it (named, or by category) than it has seats."""
    found: list[Warning] = []
    claimed: set[str] = set()
    meant: dict[str, list[str]] = {block.name: [] for block in blocks}
    for block in blocks:
        for guest in guests:
            if guest.id in block.people and guest.id not in claimed:
                meant[block.name].append(guest.id)
                claimed.add(guest.id)
    by_category: dict[str, list[Guest]] = {block.name: [] for block in blocks}
    for guest in guests:
        if guest.id in claimed:
            continue
        block = next((b for b in blocks if guest.category in b.categories), None)
        if block is not None:
            by_category[block.name].append(guest)
    for block in blocks:
        count = len(meant[block.name]) + len(by_category[block.name])
        if count > len(block.seats):
            # Only a full block needs the protocol order: those it leaves out are named.
            ranked = sorted(by_category[block.name], key=protocol_key)
            listed = [*meant[block.name], *(guest.id for guest in ranked)]
            found.append(
                (
                    "block_over_full",
                    f"Block {block.name} has {len(block.seats)} seats for {count} guests.",
                    listed[len(block.seats) :],
                )
            )
    return found
