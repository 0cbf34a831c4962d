"""A ceremony's layout as the seating rules, the chart and the events read it: its seats by id,
the seats of each block, and a seat as ``seating.assigned`` carries it."""

from __future__ import annotations

from typing import Any

from shared.venue import seat_id, split_seat_id

from .models import Ceremony
from .seating import Block, Seat


def layout_seats(ceremony: Ceremony) -> dict[str, dict[str, Any]]:
    """The layout's seats by id, each with its section's kind and its row's place (1 front)."""
    layout = ceremony.layout or {}
    kinds = {section["name"]: section.get("kind", "rows") for section in layout.get("sections", [])}
    rows: dict[tuple[str, str], int] = {}
    seats: dict[str, dict[str, Any]] = {}
    for seat in layout.get("seats", []):
        place = rows.setdefault((seat["section"], seat["row"]), len(rows) + 1)
        ident = seat_id(seat["section"], seat["row"], seat["number"])
        seats[ident] = {
            **seat,
            "id": ident,
            "kind": kinds.get(seat["section"], "rows"),
            "row_place": place,
        }
    return seats


def block_seats(seats: dict[str, dict[str, Any]], block: dict[str, Any]) -> list[str]:
    """The ids of the seats a block holds, in layout order."""
    if block.get("seats"):
        return [ident for ident in block["seats"] if ident in seats]
    rows = set(block.get("rows") or [])
    return [
        ident
        for ident, seat in seats.items()
        if seat["section"] == block.get("section") and (not rows or seat["row"] in rows)
    ]


def seating_blocks(
    ceremony: Ceremony, *, seats: dict[str, dict[str, Any]] | None = None
) -> list[Block]:
    """The ceremony's blocks as the seating rules take them (``seats``: its ``layout_seats``,
    when the caller has them already)."""
    seats = layout_seats(ceremony) if seats is None else seats
    return [
        Block(
            block["name"],
            tuple(block.get("categories") or ()),
            tuple(_rule_seat(seats[ident]) for ident in block_seats(seats, block)),
            people=tuple(str(person) for person in block.get("people") or ()),
        )
        for block in ceremony.blocks or []
    ]


def _rule_seat(seat: dict[str, Any]) -> Seat:
    return Seat(seat["id"], seat["row_place"], seat["number"], bool(seat.get("accessible")))


def block_names(
    ceremony: Ceremony, *, seats: dict[str, dict[str, Any]] | None = None
) -> dict[str, str]:
    """Seat id → the name of the block holding it (``seats`` as for ``seating_blocks``)."""
    seats = layout_seats(ceremony) if seats is None else seats
    return {
        ident: block["name"]
        for block in ceremony.blocks or []
        for ident in block_seats(seats, block)
    }


def seat_info(ceremony: Ceremony, seat: str, *, blocks: dict[str, str] | None = None) -> dict:
    """A seat as ``seating.assigned`` carries it (``shared.venue.SeatInfoSchema``)."""
    section, row, number = split_seat_id(seat)
    kinds = {s["name"]: s.get("kind", "rows") for s in (ceremony.layout or {}).get("sections", [])}
    info = {
        "id": seat,
        "section": section,
        "kind": kinds.get(section, "rows"),
        "row": row,
        "number": number,
    }
    block = (blocks if blocks is not None else block_names(ceremony)).get(seat)
    if block:
        info["block"] = block
    return info
