"""The venue's contract: layouts of seats, blocks, zones and gate hours, and how a seat is named.

The registration service owns these (they belong to the ceremony); badges and notifications
receive them in events. A seat's id is ``section:row:number`` (``A:1:5``, or ``T3:T3:2`` for a
dinner table's seat); sections and rows may not hold ``:``. Rows are listed front first, so
the first row of a section is the one nearest the stage.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .contract import CATEGORIES, CeremonyTime, Line

SECTION_KINDS = ("rows", "tables")
#: Where the highest precedence sits: the centre of the block's front row, or the host's right
#: (the host then takes the centre; see ``SeatingRulesSchema``).
HONOUR_MODES = ("centre", "host_right")
#: The most seats a venue is described with (a hall of 5,000).
MAX_SEATS = 5000
MAX_SECTIONS = 100
MAX_BLOCKS = 100
MAX_ZONES = 50


def _no_colon(value: str) -> None:
    if ":" in value:
        raise ValidationError("Must not contain a colon (:).")


def seat_id(section: str, row: str, number: int) -> str:
    """The id of a seat: ``section:row:number``."""
    return f"{section}:{row}:{number}"


def split_seat_id(value: str) -> tuple[str, str, int]:
    """``(section, row, number)`` of a seat id; ``ValueError`` if it is not one."""
    section, row, number = value.split(":")
    return section, row, int(number)


class SectionSchema(Schema):
    """A part of the hall: rows of numbered seats, or dinner tables (a row is then a table)."""

    name = Line(required=True, max_len=40, validate=[_no_colon])
    kind = fields.String(load_default="rows", validate=validate.OneOf(SECTION_KINDS))
    #: Seat numbers after which an aisle runs, in every row of the section (drawn as a gap).
    aisles_after = fields.List(
        fields.Integer(validate=validate.Range(min=1, max=9999)),
        load_default=list,
        validate=validate.Length(max=50),
    )


class SeatSchema(Schema):
    """One seat of a section's row (or table)."""

    section = Line(required=True, max_len=40, validate=[_no_colon])
    row = Line(required=True, max_len=20, validate=[_no_colon])
    number = fields.Integer(required=True, strict=True, validate=validate.Range(min=1, max=9999))
    #: A place for a wheelchair, or a seat kept for someone who needs one.
    accessible = fields.Boolean(load_default=False)


class LayoutSchema(Schema):
    """A hall as seats: its sections (in the order they are drawn) and every seat in them."""

    name = Line(required=True, max_len=200)
    #: What the front of the hall is called on the chart ("Stage", "Podium", "Head table").
    stage = Line(max_len=60)
    sections = fields.List(
        fields.Nested(SectionSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_SECTIONS),
    )
    seats = fields.List(
        fields.Nested(SeatSchema), required=True, validate=validate.Length(min=1, max=MAX_SEATS)
    )

    @validates_schema
    def _consistent(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        names = Counter(section["name"].casefold() for section in data.get("sections", []))
        twice = sorted(name for name, count in names.items() if count > 1)
        if twice:
            raise ValidationError(f"Two sections are named {twice[0]}.", "sections")
        known = {section["name"] for section in data.get("sections", [])}
        errors: dict[int, Any] = {}
        seen: dict[str, int] = {}
        for index, seat in enumerate(data.get("seats", [])):
            if seat["section"] not in known:
                errors[index] = {"section": [f"No section is named {seat['section']}."]}
                continue
            key = seat_id(seat["section"], seat["row"], seat["number"]).casefold()
            if key in seen:
                errors[index] = {
                    "number": [
                        f"Seat {seat['number']} of row {seat['row']} in section "
                        f"{seat['section']} is listed twice (also at {seen[key]})."
                    ]
                }
                continue
            seen[key] = index
        if errors:
            raise ValidationError({"seats": errors})


class BlockSchema(Schema):
    """Seats reserved for some categories or for named people, filled in the order given."""

    name = Line(required=True, max_len=80)
    categories = fields.List(fields.String(validate=validate.OneOf(CATEGORIES)), load_default=list)
    #: Registrations this block is kept for, whatever their category.
    people = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=500))
    #: The block's seats: a section, optionally only some of its rows, or seat ids.
    section = Line(max_len=40)
    rows = fields.List(Line(required=True, max_len=20), load_default=list)
    seats = fields.List(
        Line(required=True, max_len=80), load_default=list, validate=validate.Length(max=MAX_SEATS)
    )

    @validates_schema
    def _has_seats(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        if not data.get("section") and not data.get("seats"):
            raise ValidationError("A block names a section or seats.", "seats")
        if not data.get("categories") and not data.get("people"):
            raise ValidationError("A block is for some categories or named people.", "categories")


class SeatingRulesSchema(Schema):
    """How automatic seating places the highest precedence of each block."""

    #: ``centre``: the middle of the block's front row; ``host_right``: the host (the
    #: registration ``host_registration_id``) takes the middle of their block's front row and
    #: the highest precedence sits at their right.
    seat_of_honour = fields.String(load_default="centre", validate=validate.OneOf(HONOUR_MODES))
    host_registration_id = fields.UUID(allow_none=True, load_default=None)


class ZoneSchema(Schema):
    """A part of the venue people are admitted to by category (hall, VIP lounge, stage)."""

    name = Line(required=True, max_len=60)
    categories = fields.List(
        fields.String(validate=validate.OneOf(CATEGORIES)),
        required=True,
        validate=validate.Length(min=1),
    )


class GateRuleSchema(Schema):
    """What a gate leads into and when it is open (no times: open whenever it is staffed)."""

    gate = Line(required=True, max_len=64)
    zones = fields.List(Line(required=True, max_len=60), required=True)
    opens_at = CeremonyTime(allow_none=True, load_default=None)
    closes_at = CeremonyTime(allow_none=True, load_default=None)

    @validates_schema
    def _hours(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        opens, closes = data.get("opens_at"), data.get("closes_at")
        if opens is not None and closes is not None and closes <= opens:
            raise ValidationError("The door must close after it opens.", "closes_at")


class AccessSchema(Schema):
    """A ceremony's zones and the gates into them, checked together."""

    zones = fields.List(
        fields.Nested(ZoneSchema), required=True, validate=validate.Length(max=MAX_ZONES)
    )
    gates = fields.List(fields.Nested(GateRuleSchema), required=True)

    @validates_schema
    def _connected(self, data: Mapping[str, Any], **kwargs: Any) -> None:
        zones = data.get("zones", [])
        gates = data.get("gates", [])
        names = Counter(zone["name"].casefold() for zone in zones)
        if any(count > 1 for count in names.values()):
            raise ValidationError("Two zones have the same name.", "zones")
        gate_names = Counter(" ".join(rule["gate"].split()).casefold() for rule in gates)
        if any(count > 1 for count in gate_names.values()):
            raise ValidationError("A gate is listed twice.", "gates")
        errors: dict[int, Any] = {}
        for index, rule in enumerate(gates):
            unknown = [zone for zone in rule["zones"] if zone.casefold() not in names]
            if unknown:
                errors[index] = {"zones": [f"No zone is named {unknown[0]}."]}
        if errors:
            raise ValidationError({"gates": errors})
        reached = {zone.casefold() for rule in gates for zone in rule["zones"]}
        unreached = [zone["name"] for zone in zones if zone["name"].casefold() not in reached]
        if unreached:
            raise ValidationError(f"No gate leads into the zone {unreached[0]}.", "zones")


class SeatInfoSchema(Schema):
    """A seat as events carry it: where it is, and the block it belongs to."""

    id = Line(required=True, max_len=140)
    section = Line(required=True, max_len=40)
    kind = fields.String(load_default="rows", validate=validate.OneOf(SECTION_KINDS))
    row = Line(required=True, max_len=20)
    number = fields.Integer(required=True, validate=validate.Range(min=1, max=9999))
    block = Line(max_len=80)


#: The words of a seat's name, per language: ``Section A · Row 1 · Seat 5``.
_SEAT_WORDS = {
    "en": (
        "Section",
        "Row",
        "Seat",
        "Table",
        "usher to {section}, row {row}",
        "usher to table {row}",
    ),
    "fr": (
        "Section",
        "Rang",
        "Siège",
        "Table",
        "placer en {section}, rang {row}",
        "placer à la table {row}",
    ),
    "es": (
        "Sección",
        "Fila",
        "Asiento",
        "Mesa",
        "acompañar a {section}, fila {row}",
        "acompañar a la mesa {row}",
    ),
    "ru": (
        "Сектор",
        "Ряд",
        "Место",
        "Стол",
        "проводить: {section}, ряд {row}",
        "проводить к столу {row}",
    ),
    "zh": ("区", "排", "座", "桌", "引导至{section}区第{row}排", "引导至第{row}桌"),
    "ar": (
        "القسم",
        "الصف",
        "المقعد",
        "الطاولة",
        "المرافقة إلى {section}، الصف {row}",
        "المرافقة إلى الطاولة {row}",
    ),
}


def _words(language: str | None) -> tuple[str, ...]:
    base = (language or "en").split("-")[0].lower()
    return _SEAT_WORDS.get(base, _SEAT_WORDS["en"])


def seat_label(seat: Mapping[str, Any], language: str | None = "en") -> str:
    """A seat as people read it: ``Section A · Row 1 · Seat 5``, ``Table 3 · Seat 5``."""
    section, row, place, table, _, _ = _words(language)
    if (language or "en").split("-")[0].lower() == "zh":
        if seat.get("kind") == "tables":
            return f"{seat['row']}{table} · {seat['number']}{place}"
        return f"{seat['section']}{section} · {seat['row']}{row} · {seat['number']}{place}"
    if seat.get("kind") == "tables":
        return f"{table} {seat['row']} · {place} {seat['number']}"
    return f"{section} {seat['section']} · {row} {seat['row']} · {place} {seat['number']}"


def usher_hint(seat: Mapping[str, Any], language: str | None = "en") -> str:
    """What the door tells the steward: ``usher to Section A, row 1``."""
    words = _words(language)
    if seat.get("kind") == "tables":
        return words[5].format(row=seat["row"])
    name = seat["section"]
    if (language or "en").split("-")[0].lower() != "zh":
        name = f"{words[0]} {name}"
    return words[4].format(section=name, row=seat["row"])
