"""A CSV of seats as people make it (section, row, seat, and optionally accessible and kind),
read as the invitee import reads its files: UTF-8 with or without a byte-order mark, or
European Excel's semicolon-separated Windows-1252, with headers in English or French."""

from __future__ import annotations

from typing import Any

from shared.contract import fold
from shared.errors import DomainError
from shared.venue import seat_id

from .imports import read_table

#: CSV headers as people type them, folded (no accents, lower case, words joined by "_").
SEAT_COLUMNS = {
    "section": ("section", "secteur", "zone", "bloc"),
    "row": ("row", "rang", "rangee", "table", "ligne"),
    "number": ("seat", "number", "seat_number", "siege", "place", "numero", "fauteuil"),
    "accessible": ("accessible", "wheelchair", "pmr", "fauteuil_roulant"),
    "kind": ("kind", "type", "genre"),
}
_COLUMN_OF = {alias: name for name, aliases in SEAT_COLUMNS.items() for alias in aliases}
_YES = {"1", "yes", "y", "true", "x", "oui", "o", "vrai"}
_NO = {"", "0", "no", "n", "false", "non", "faux"}
_KINDS = {"rows": "rows", "rangs": "rows", "tables": "tables", "table": "tables", "row": "rows"}


def parse_seats_csv(data: bytes) -> dict[str, Any]:
    """A layout's ``sections`` and ``seats`` from a CSV of seats (section, row, seat, and
    optionally accessible and kind), read as the invitee import reads files; a seat listed
    twice is a 422 ``duplicate_seat`` naming both lines."""
    table = read_table(data)
    columns = [_COLUMN_OF.get(_folded(cell)) for cell in table.header]
    missing = [name for name in ("section", "row", "number") if name not in columns]
    if missing:
        wanted = ", ".join(SEAT_COLUMNS[name][0] for name in missing)
        raise DomainError(
            "invalid_csv",
            f"The file needs the columns section, row and seat; missing: {wanted}.",
            kind="invalid",
            errors={"file": [f"Missing columns: {wanted}."]},
        )
    sections: dict[str, dict[str, Any]] = {}
    seats: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    errors: dict[str, list[str]] = {}
    for line, cells in table.rows:
        values = {
            name: (cells[index] if index < len(cells) else "").strip()
            for index, name in enumerate(columns)
            if name
        }
        problem = _seat_problem(values)
        if problem:
            errors[f"line {line}"] = [problem]
            continue
        seat = {
            "section": values["section"],
            "row": values["row"],
            "number": int(values["number"]),
            "accessible": fold(values.get("accessible", "")) in _YES,
        }
        key = seat_id(seat["section"], seat["row"], seat["number"]).casefold()
        if key in seen:
            errors[f"line {line}"] = [
                f"Seat {seat['number']} of row {seat['row']} in section {seat['section']} is "
                f"listed twice (also on line {seen[key]})."
            ]
            continue
        seen[key] = line
        kind = _KINDS.get(fold(values.get("kind", "")), "rows")
        sections.setdefault(seat["section"], {"name": seat["section"], "kind": kind})
        seats.append(seat)
    if errors:
        duplicate = any("listed twice" in message[0] for message in errors.values())
        first = next(iter(errors.items()))
        raise DomainError(
            "duplicate_seat" if duplicate else "invalid_csv",
            f"{first[0].capitalize()}: {first[1][0]}",
            kind="invalid",
            errors={"file": errors},
        )
    if not seats:
        raise DomainError(
            "invalid_csv",
            "The file lists no seats.",
            kind="invalid",
            errors={"file": ["No seats."]},
        )
    return {"sections": list(sections.values()), "seats": seats}


def _folded(header: str) -> str:
    return "_".join(fold(header).replace("-", " ").split())


def _seat_problem(values: dict[str, str]) -> str | None:
    for name in ("section", "row"):
        if not values.get(name):
            return f"The {name} is empty."
        if ":" in values[name]:
            return f"The {name} must not contain a colon (:)."
    if not values.get("number", "").isdigit() or not 1 <= int(values["number"]) <= 9999:
        return "The seat must be a number from 1 to 9999."
    if fold(values.get("accessible", "")) not in _YES | _NO:
        return "Accessible must be yes or no."
    if fold(values.get("kind", "")) not in {"", *_KINDS}:
        return "The kind must be rows or tables."
    return None
