"""Console page of the seating chart: the hall drawn as SVG with each guest in their seat, the
guests not yet seated, and the officer's moves (drag, or a plain form), locks, automatic
seating, the announcement of seats and the moves proposed for late acceptances."""

from __future__ import annotations

import math
import uuid
from bisect import bisect_left
from collections.abc import Mapping
from dataclasses import dataclass
from html import escape

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup
from marshmallow import ValidationError
from sqlalchemy import select

from shared.access import PROTOCOL, READ, actor
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import console_page, field_errors, is_htmx, refusal_page, render_page
from shared.errors import DomainError
from shared.venue import seat_id, seat_label
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..models import Ceremony, SeatAssignment
from ..seat_assignments import (
    accept_proposals,
    announce_seats,
    auto_seat,
    place,
    proposals,
    seating_view,
    set_locked,
    swap,
    unseat,
)

bp = Blueprint(
    "console_seating",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

SEATING = "/ceremonies/<uuid:ceremony_id>/seating"
# -- the chart ---------------------------------------------------------------------------------
#
# Drawn as one string: a 2,000-seat hall is 2,000 seat elements, and a template include per
# seat would cost more than the rest of the page.

SEAT_W, SEAT_H, SEAT_GAP, AISLE = 46, 28, 4, 18
ROW_LABEL, SECTION_GAP, STAGE_H, MARGIN = 26, 36, 44, 12
TABLE_SEAT_R, TABLES_PER_LINE = 17, 4


@dataclass(frozen=True)
class Occupant:
    """Who sits in a seat, as the chart shows them."""

    registration_id: str
    name: str
    precedence: int | None = None
    reason: str = ""
    locked: bool = False


@dataclass(frozen=True)
class _Words:
    """The chart's words, looked up once per drawing rather than once per seat."""

    language: str
    accessible: str
    free: str
    locked: str
    #: With ``%(rank)s``.
    precedence: str

    @classmethod
    def of(cls, language: str) -> _Words:
        return cls(language, _("accessible seat"), _("free"), _("locked"), _("precedence %(rank)s"))


def short_name(name: str) -> str:
    """What is written on a seat: the last word of a spaced name, or the whole name (a whole
    word, so that it stays a part of the seat's spoken name)."""
    words = name.split()
    return words[-1] if len(words) > 1 else name


def draw_chart(
    layout: Mapping,
    occupants: Mapping[str, Occupant],
    warned: Mapping[str, str],
    language: str = "en",
) -> Markup:
    """The hall as SVG: the stage at the top, sections side by side, each seat a focusable
    element carrying its id and its occupant for the script, with their names in its title."""
    words = _Words.of(language)
    kinds = {section["name"]: section.get("kind", "rows") for section in layout["sections"]}
    by_section: dict[str, list] = {name: [] for name in kinds}
    for seat in layout["seats"]:
        by_section.setdefault(seat["section"], []).append(seat)
    parts: list[str] = []
    x = MARGIN
    height = 0
    for section in layout["sections"]:
        seats = by_section[section["name"]]
        if not seats:
            continue
        if section.get("kind") == "tables":
            width, bottom = _draw_tables(parts, section, seats, x, occupants, warned, words)
        else:
            width, bottom = _draw_rows(parts, section, seats, x, occupants, warned, words)
        x += width + SECTION_GAP
        height = max(height, bottom)
    width = max(x - SECTION_GAP + MARGIN, 200)
    stage = escape(layout.get("stage") or _("Stage"))
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="group" '
        f'aria-labelledby="chart-heading" width="{width}" height="{height + MARGIN}" '
        f'viewBox="0 0 {width} {height + MARGIN}">'
        f'<rect class="stage" x="{MARGIN}" y="{MARGIN}" width="{width - 2 * MARGIN}" '
        f'height="{STAGE_H - 12}" rx="4"/>'
        f'<text class="stage-name" x="{width / 2}" y="{MARGIN + 20}">{stage}</text>'
    )
    return Markup(head + "".join(parts) + "</svg>")


def _rows_of(seats: list) -> dict[str, list]:
    rows: dict[str, list] = {}
    for seat in seats:
        rows.setdefault(seat["row"], []).append(seat)
    return rows


def _draw_rows(parts, section, seats, left, occupants, warned, words) -> tuple[int, int]:
    """A section of rows, front row first; an aisle is a gap after its seat number."""
    aisles = sorted(section.get("aisles_after") or [])
    first = min(seat["number"] for seat in seats)
    top = MARGIN + STAGE_H + 20
    name = escape(section["name"])
    parts.append(f'<text class="section-name" x="{left}" y="{top - 6}">{name}</text>')
    widest = 0
    for index, (row, in_row) in enumerate(_rows_of(seats).items()):
        y = top + index * (SEAT_H + SEAT_GAP)
        parts.append(
            f'<text class="row-name" x="{left}" y="{y + SEAT_H / 2 + 4}">{escape(row)}</text>'
        )
        for seat in in_row:
            gaps = bisect_left(aisles, seat["number"])
            sx = left + ROW_LABEL + (seat["number"] - first) * (SEAT_W + SEAT_GAP) + gaps * AISLE
            widest = max(widest, sx + SEAT_W - left)
            parts.append(_seat(seat, "rows", sx, y, occupants, warned, words, box=True))
    bottom = top + len(_rows_of(seats)) * (SEAT_H + SEAT_GAP)
    return widest, bottom


def _draw_tables(parts, section, seats, left, occupants, warned, words) -> tuple[int, int]:
    """A section of dinner tables, each a ring of seats around its number."""
    tables = list(_rows_of(seats).items())
    most = max(len(in_table) for _, in_table in tables)
    ring = max(34, (most * (2 * TABLE_SEAT_R + SEAT_GAP)) / (2 * math.pi))
    cell = 2 * (ring + TABLE_SEAT_R) + SEAT_GAP * 4
    top = MARGIN + STAGE_H + 20
    parts.append(
        f'<text class="section-name" x="{left}" y="{top - 6}">{escape(section["name"])}</text>'
    )
    for index, (table, in_table) in enumerate(tables):
        cx = left + (index % TABLES_PER_LINE) * cell + cell / 2
        cy = top + (index // TABLES_PER_LINE) * cell + cell / 2
        parts.append(
            f'<circle class="table" cx="{cx:.1f}" cy="{cy:.1f}" r="{ring - TABLE_SEAT_R:.1f}"/>'
            f'<text class="table-name" x="{cx:.1f}" y="{cy + 4:.1f}">{escape(table)}</text>'
        )
        for position, seat in enumerate(sorted(in_table, key=lambda s: s["number"])):
            # Seat 1 faces the stage; the others follow clockwise.
            angle = -math.pi / 2 + 2 * math.pi * position / len(in_table)
            sx, sy = cx + ring * math.cos(angle), cy + ring * math.sin(angle)
            parts.append(_seat(seat, "tables", sx, sy, occupants, warned, words, box=False))
    lines = math.ceil(len(tables) / TABLES_PER_LINE)
    return int(min(len(tables), TABLES_PER_LINE) * cell), int(top + lines * cell)


def _seat(seat, kind, x, y, occupants, warned, words: _Words, *, box: bool) -> str:
    ident = seat_id(seat["section"], seat["row"], seat["number"])
    person = occupants.get(ident)
    classes = ["seat"]
    said = [seat_label({**seat, "kind": kind}, words.language)]
    if seat.get("accessible"):
        classes.append("accessible")
        said.append(words.accessible)
    if person is not None:
        classes.append("taken")
        said.append(person.name)
        if person.precedence is not None:
            said.append(words.precedence % {"rank": person.precedence})
        if person.reason:
            said.append(person.reason)
        if person.locked:
            classes.append("locked")
            said.append(words.locked)
    else:
        said.append(words.free)
    if ident in warned:
        classes.append("warned")
        said.append(warned[ident])
    said = escape(" · ".join(said))
    data = f' data-person="{person.registration_id}"' if person else ""
    shape = (
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{SEAT_W}" height="{SEAT_H}" rx="3"/>'
        if box
        else f'<circle cx="{x:.1f}" cy="{y:.1f}" r="{TABLE_SEAT_R}"/>'
    )
    tx, ty = (x + SEAT_W / 2, y + SEAT_H / 2 + 3) if box else (x, y + 3)
    text = short_name(person.name) if person else str(seat["number"])
    # A long name is squeezed into the seat rather than cut.
    room = SEAT_W - 6 if box else 2 * TABLE_SEAT_R - 4
    fit = f' textLength="{room}" lengthAdjust="spacingAndGlyphs"' if len(text) > 7 else ""
    marks = ""
    if seat.get("accessible"):
        marks += f'<text class="mark" x="{tx - 18:.1f}" y="{ty - 6:.1f}">♿</text>'
    if person is not None and person.locked:
        marks += f'<text class="mark" x="{tx + 12:.1f}" y="{ty - 6:.1f}">🔒</text>'
    if ident in warned:
        marks += f'<text class="mark warn-mark" x="{tx + 12:.1f}" y="{ty + 10:.1f}">!</text>'
    return (
        f'<g class="{" ".join(classes)}" tabindex="0" role="button" data-seat="{escape(ident)}"'
        f'{data} aria-label="{said}"><title>{said}</title>{shape}'
        f'<text x="{tx:.1f}" y="{ty:.1f}"{fit}>{escape(text)}</text>{marks}</g>'
    )


# -- the page --------------------------------------------------------------------------------


def _language() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


def _context(session, ceremony: Ceremony, notice=None, errors=None, form=None) -> dict:
    """What the chart fragment shows: the drawing, the unseated, warnings and proposals."""
    view = seating_view(session, ceremony)
    guests = view["guests"]
    seat_of = {str(guest["registration_id"]): guest["seat_id"] for guest in guests}
    warned: dict[str, str] = {}
    for warning in view["warnings"]:
        for ident in warning["registration_ids"]:
            if seat_of.get(str(ident)):
                warned.setdefault(seat_of[str(ident)], warning["message"])
    occupants = {
        seat["id"]: Occupant(
            str(person["registration_id"]),
            person["full_name"],
            person["precedence"],
            person["reason"] or "",
            person["locked"],
        )
        for seat in view["seats"]
        if (person := seat["occupant"])
    }
    layout = ceremony.layout
    language = _language()
    unseated = [guest for guest in guests if not guest["seat_id"]]
    # Before the seats are announced, seating automatically again is the way to seat newcomers;
    # moves are proposed only once guests were told their seats.
    announced = layout and unseated and ceremony.seats_announced_at is not None
    offered = proposals(session, ceremony)["proposals"] if announced else []
    return {
        "ceremony": ceremony,
        "drawing": draw_chart(layout, occupants, warned, language) if layout else None,
        "layout": layout,
        "seated": [guest for guest in guests if guest["seat_id"]],
        "unseated": unseated,
        "warnings": view["warnings"],
        "proposals": [
            {**proposal, "label": seat_label(proposal["seat"], language)} for proposal in offered
        ],
        "seat_choices": _seat_choices(layout, language, (form or {}).get("seat", "")),
        "guest_choices": _guest_choices(guests, (form or {}).get("registration_id", "")),
        "notice": notice,
        "errors": errors or {},
        "form": form or {},
    }


def _guest_choices(guests: list[dict], chosen: str = "") -> Markup:
    """The guests as the form's options, the unseated first (one string, as for the seats)."""
    ordered = sorted(guests, key=lambda guest: guest["seat_id"] is not None)
    return Markup(
        "".join(
            f'<option value="{ident}"{" selected" if ident == chosen else ""}>'
            f"{escape(guest['full_name'])}</option>"
            for guest in ordered
            for ident in [str(guest["registration_id"])]
        )
    )


def _seat_choices(layout: Mapping | None, language: str, chosen: str = "") -> Markup:
    """The seats as the form's options, grouped by section (built as one string: a hall may
    have thousands)."""
    if not layout:
        return Markup("")
    kinds = {section["name"]: section.get("kind", "rows") for section in layout["sections"]}
    groups: dict[str, list[str]] = {name: [] for name in kinds}
    for seat in layout["seats"]:
        ident = seat_id(seat["section"], seat["row"], seat["number"])
        label = seat_label({**seat, "kind": kinds[seat["section"]]}, language)
        picked = " selected" if ident == chosen else ""
        groups[seat["section"]].append(
            f'<option value="{escape(ident)}"{picked}>{escape(label)}</option>'
        )
    return Markup(
        "".join(
            f'<optgroup label="{escape(name)}">{"".join(options)}</optgroup>'
            for name, options in groups.items()
        )
    )


def _chart_page(ceremony_id: uuid.UUID, notice=None, errors=None, form=None, status=200):
    with service_context().database.transaction() as session:
        try:
            ceremony = get_ceremony(session, ceremony_id)
        except DomainError:
            return refusal_page(404, _("No such ceremony."))
        context = _context(session, ceremony, notice, errors, form)
    if is_htmx():
        return render_page("registration/seating_chart.html", status=status, **context)
    return render_page(
        "registration/seating.html",
        status=status,
        active="seating",
        title=_("Seating chart"),
        **context,
    )


@bp.route(SEATING)
@console_page(READ)
def chart(ceremony_id: uuid.UUID):
    """The seating chart of the hall, the guests not yet seated, and what is wrong."""
    return _chart_page(ceremony_id)


def _act(ceremony_id: uuid.UUID, change, done: str, form=None):
    """Run one change of the seating; htmx gets the chart as it now stands, a plain form the
    page again. A refusal is shown beside the form, and nothing is changed."""
    try:
        with service_context().database.transaction() as session:
            ceremony = session.get(Ceremony, ceremony_id)
            if ceremony is None:
                return refusal_page(404, _("No such ceremony."))
            said = change(session, ceremony)
    except (ValidationError, DomainError) as error:
        status = 409 if isinstance(error, DomainError) and error.kind == "conflict" else 422
        if isinstance(error, DomainError) and error.kind == "not_found":
            status = 422
        return _chart_page(ceremony_id, errors=_move_errors(error), form=form, status=status)
    notice = said or done
    if is_htmx():
        return _chart_page(ceremony_id, notice=notice)
    flash(notice, "success")
    return redirect(url_for(".chart", ceremony_id=ceremony_id), 303)


def _move_errors(error: ValidationError | DomainError) -> dict[str, str]:
    """A refusal beside the form's field it is about: the seat, or the guest."""
    if isinstance(error, ValidationError):
        return field_errors(error)
    named = " ".join(error.errors or {})
    if "seat" in named:
        return {"seat": error.message}
    if named or error.code == "registration_not_found":
        return {"registration_id": error.message}
    return {"_form": error.message}


def _guest_id(value: str) -> uuid.UUID:
    try:
        return uuid.UUID(value)
    except ValueError:
        raise ValidationError({"registration_id": [_("Choose a guest.")]}) from None


@bp.post(SEATING + "/move")
@console_page(PROTOCOL)
def move(ceremony_id: uuid.UUID):
    """Put a guest in a seat (swapping with whoever sits there), lock, unlock or unseat them."""
    form = request.form.to_dict()
    what = form.get("action", "move")

    def change(session, ceremony):
        guest = _guest_id(form.get("registration_id", ""))
        if what in ("lock", "unlock"):
            set_locked(session, ceremony, guest, what == "lock", actor=actor())
            return _("The seat is locked.") if what == "lock" else _("The seat is unlocked.")
        if what == "unseat":
            unseat(session, ceremony, guest, actor=actor())
            return _("The guest is no longer seated.")
        seat = form.get("seat", "").strip()
        if not seat:
            raise ValidationError({"seat": [_("Choose a seat.")]})
        there = session.scalar(
            select(SeatAssignment.registration_id).where(
                SeatAssignment.ceremony_id == ceremony_id, SeatAssignment.seat_id == seat
            )
        )
        if there is not None and there != guest and _seated(session, ceremony_id, guest):
            swap(session, ceremony, guest, there, actor=actor())
            return _("The two guests have changed seats.")
        place(session, ceremony, guest, seat, actor=actor())
        return None

    return _act(ceremony_id, change, _("The guest is seated."), form)


def _seated(session, ceremony_id: uuid.UUID, guest: uuid.UUID) -> bool:
    return (
        session.scalar(
            select(SeatAssignment.id).where(
                SeatAssignment.ceremony_id == ceremony_id,
                SeatAssignment.registration_id == guest,
            )
        )
        is not None
    )


@bp.post(SEATING + "/auto")
@console_page(PROTOCOL)
def seat_automatically(ceremony_id: uuid.UUID):
    """Seat every confirmed guest by the rules, keeping the locked seats."""
    return _act(
        ceremony_id,
        lambda session, ceremony: auto_seat(session, ceremony, actor=actor()) and None,
        _("Everyone is seated by the rules; locked seats are kept."),
    )


@bp.post(SEATING + "/announce")
@console_page(PROTOCOL)
def announce(ceremony_id: uuid.UUID):
    """Tell the guests their seats (their badges and an email follow)."""
    return _act(
        ceremony_id,
        lambda session, ceremony: _told(announce_seats(session, ceremony, actor=actor())),
        _("The guests are told their seats."),
    )


@bp.post(SEATING + "/proposals")
@console_page(PROTOCOL)
def accept(ceremony_id: uuid.UUID):
    """Make the moves proposed for late acceptances."""

    def change(session, ceremony):
        wanted = [p["registration_id"] for p in proposals(session, ceremony)["proposals"]]
        accept_proposals(session, ceremony, wanted, actor=actor())
        return _("Guests seated as proposed: %(count)s.", count=len(wanted))

    return _act(ceremony_id, change, _("The proposed moves are made."))


def _told(count: int) -> str:
    return _("Guests told their seats: %(count)s.", count=count)
