"""Console pages of the venue: the hall as a grid of sections (or a CSV of seats), layouts kept
for the next ceremony in the same hall, blocks of seats, the seat of honour (the zones and gates
are in ``access``)."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from shared.access import MANAGE, READ, actor
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import console_page, field_errors, refusal_page, render_page
from shared.contract import CATEGORIES
from shared.errors import DomainError
from shared.venue import MAX_SEATS, BlockSchema, SeatingRulesSchema
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..models import Registration
from ..venue import (
    apply_saved_layout,
    load_layout,
    parse_seats_csv,
    save_layout,
    saved_layouts,
    set_blocks,
    set_layout,
    set_seating_rules,
)
from .form_lines import ceremony_or_none, form_lines, renumbered, words_of

bp = Blueprint(
    "console_venue",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

VENUE = "/ceremonies/<uuid:ceremony_id>/venue"
_BLOCKS = BlockSchema(many=True)
_RULES = SeatingRulesSchema()


def _numbers(value: str) -> list[int] | None:
    """``4, 8`` as ``[4, 8]``; None when something in it is not a whole number."""
    parts = [part.strip() for part in value.replace(";", ",").split(",") if part.strip()]
    return [int(part) for part in parts] if all(part.isdigit() for part in parts) else None


# -- the layout's grid -----------------------------------------------------------------------

SECTION_FIELDS = ("name", "kind", "rows", "seats", "aisles", "accessible")


def layout_from_grid(form, first_table: int = 1) -> tuple[dict, dict[str, str]]:
    """A ``LayoutSchema`` layout from the grid's fields, or the errors beside them: rows are
    numbered 1, 2… from the front, tables 1, 2… across the hall, seats 1, 2… from the left."""
    errors: dict[str, str] = {}
    sections, seats = [], []
    table = first_table
    for line in range(len(form_lines(form, "sections"))):
        key = f"sections.{line}."
        name = form.get(key + "name", "").strip()
        kind = form.get(key + "kind", "rows")
        rows, per_row = _count(form, key + "rows", errors), _count(form, key + "seats", errors)
        aisles = _numbers(form.get(key + "aisles", ""))
        if aisles is None:
            errors[key + "aisles"] = _("Give seat numbers separated by commas, e.g. 4, 8.")
        accessible = _accessible(form.get(key + "accessible", ""), key + "accessible", errors)
        if not rows or not per_row:
            continue
        if len(seats) + rows * per_row > MAX_SEATS:
            errors[key + "rows"] = _("A hall holds at most %(most)s seats.", most=MAX_SEATS)
            continue
        sections.append({"name": name, "kind": kind, "aisles_after": aisles or []})
        for row in range(1, rows + 1):
            row_name = str(table) if kind == "tables" else str(row)
            table += kind == "tables"
            for number in range(1, per_row + 1):
                place = (str(row), number)
                seats.append(
                    {
                        "section": name,
                        "row": row_name,
                        "number": number,
                        "accessible": place in accessible,
                    }
                )
        outside = sorted(f"{r}:{n}" for r, n in accessible if int(r) > rows or n > per_row)
        if outside:
            errors[key + "accessible"] = _(
                "The section has no seat %(seat)s.", seat=", ".join(outside)
            )
    layout = {
        "name": form.get("layout_name", "").strip(),
        "stage": form.get("stage", "").strip() or None,
        "sections": sections,
        "seats": seats,
    }
    if not sections and "_form" not in errors and not errors:
        errors["_form"] = _("Give at least one section with its rows and seats.")
    return layout, errors


def _count(form, name: str, errors: dict) -> int | None:
    value = form.get(name, "").strip()
    if not value.isdigit() or not 1 <= int(value) <= 999:
        errors[name] = _("Give a whole number from 1 to 999.")
        return None
    return int(value)


def _accessible(value: str, name: str, errors: dict) -> set[tuple[str, int]]:
    """``1:1, 1:12`` (row:seat) as a set of places."""
    places = set()
    for part in words_of(value):
        row, _colon, number = part.partition(":")
        if not (row.strip().isdigit() and number.strip().isdigit()):
            errors[name] = _("Give row:seat pairs separated by commas, e.g. 1:1, 1:12.")
            return set()
        places.add((str(int(row)), int(number)))
    return places


def grid_of(layout: dict | None) -> MultiDict:
    """The grid's fields for a stored layout (a layout from a CSV shows its longest rows)."""
    form = MultiDict()
    if not layout:
        form.update({"sections.0.name": "A", "sections.0.kind": "rows"})
        return form
    form["layout_name"] = layout.get("name", "")
    form["stage"] = layout.get("stage") or ""
    for line, section in enumerate(layout["sections"]):
        seats = [seat for seat in layout["seats"] if seat["section"] == section["name"]]
        rows: dict[str, list] = {}
        for seat in seats:
            rows.setdefault(seat["row"], []).append(seat)
        key = f"sections.{line}."
        form[key + "name"] = section["name"]
        form[key + "kind"] = section.get("kind", "rows")
        form[key + "rows"] = str(len(rows))
        form[key + "seats"] = str(max((len(row) for row in rows.values()), default=0))
        form[key + "aisles"] = ", ".join(str(n) for n in section.get("aisles_after") or [])
        form[key + "accessible"] = ", ".join(
            f"{position}:{seat['number']}"
            for position, row in enumerate(rows.values(), start=1)
            for seat in row
            if seat.get("accessible")
        )
    return form


def _layout_errors(error: ValidationError | DomainError) -> dict[str, str]:
    """The layout's errors under the grid's fields (a seat's error beside its section)."""
    errors: dict[str, str] = {}
    for name, message in field_errors(error).items():
        parts = name.split(".")
        if parts[0] == "name":
            name = "layout_name"
        elif parts[0] == "sections" and len(parts) == 3 and parts[2] == "name":
            name = f"sections.{parts[1]}.name"
        elif parts[0] in ("sections", "seats"):
            name = "_form"
        errors.setdefault(name, message)
    return errors


# -- the venue page --------------------------------------------------------------------------


def _blocks_form(blocks: list, emails: dict[str, str]) -> MultiDict:
    form = MultiDict()
    for line, block in enumerate(blocks or []):
        key = f"blocks.{line}."
        form[key + "name"] = block.get("name", "")
        form.setlist(key + "categories", list(block.get("categories") or []))
        form[key + "section"] = block.get("section") or ""
        form[key + "rows"] = ", ".join(block.get("rows") or [])
        form[key + "seats"] = ", ".join(block.get("seats") or [])
        # A person erased since is no longer anyone's to seat: their line is left out.
        people = [
            emails[str(person)] for person in block.get("people") or [] if str(person) in emails
        ]
        form[key + "people"] = ", ".join(people)
    return form


def _emails_of(ceremony_id: uuid.UUID, blocks: list) -> dict[str, str]:
    """The email of each person the blocks name, by registration id."""
    named = {str(person) for block in blocks or [] for person in block.get("people") or []}
    if not named:
        return {}
    with service_context().database.transaction() as session:
        found = session.execute(
            select(Registration.id, Registration.email).where(
                Registration.ceremony_id == ceremony_id,
                Registration.id.in_([uuid.UUID(person) for person in named]),
                Registration.erased_at.is_(None),
            )
        )
        return {str(ident): email for ident, email in found if email}


def blocks_from_form(form) -> list[dict]:
    """The blocks as ``BlockSchema`` takes them, named people still as emails (``people_of``
    finds them); empty lines are left out."""
    blocks = []
    for line in range(len(form_lines(form, "blocks"))):
        key = f"blocks.{line}."
        block = {
            "name": form.get(key + "name", "").strip(),
            "categories": form.getlist(key + "categories"),
            "section": form.get(key + "section", "").strip() or None,
            "rows": words_of(form.get(key + "rows", "")),
            "seats": words_of(form.get(key + "seats", "")),
            "people": words_of(form.get(key + "people", "")),
        }
        if any(block.values()):
            blocks.append({name: value for name, value in block.items() if value is not None})
    return blocks


def people_of(session, ceremony_id: uuid.UUID, blocks: list[dict]) -> list[dict]:
    """The blocks with each named person's email replaced by their registration's id; an
    email that is no registration of the ceremony is a ``ValidationError`` naming its block's
    field (nothing is saved)."""
    wanted = {email.lower() for block in blocks for email in block.get("people") or []}
    found = {}
    if wanted:
        found = {
            email.lower(): str(ident)
            for ident, email in session.execute(
                select(Registration.id, Registration.email).where(
                    Registration.ceremony_id == ceremony_id,
                    Registration.email_key.in_(wanted),
                    Registration.erased_at.is_(None),
                    Registration.status != "cancelled",
                )
            )
        }
    problems, resolved = {}, []
    for index, block in enumerate(blocks):
        emails = block.get("people") or []
        unknown = [email for email in emails if email.lower() not in found]
        if unknown:
            problems[index] = {
                "people": [
                    _("No guest of this ceremony has the email %(email)s.", email=unknown[0])
                ]
            }
        resolved.append(
            {
                **block,
                "people": list(
                    dict.fromkeys(found.get(e.lower()) for e in emails if e.lower() in found)
                ),
            }
        )
    if problems:
        raise ValidationError(problems)
    return resolved


def _rules_form(rules: dict | None) -> MultiDict:
    rules = rules or {}
    return MultiDict(
        {
            "seat_of_honour": rules.get("seat_of_honour") or "centre",
            "host_registration_id": str(rules.get("host_registration_id") or ""),
        }
    )


def _hosts(ceremony_id: uuid.UUID) -> list[tuple[str, str]]:
    """The confirmed guests one of whom may be the host, best precedence first."""
    with service_context().database.transaction() as session:
        found = session.execute(
            select(Registration.id, Registration.full_name)
            .where(Registration.ceremony_id == ceremony_id, Registration.status == "confirmed")
            .order_by(
                Registration.precedence.is_(None), Registration.precedence, Registration.full_name
            )
            .limit(500)
        )
        return [("", _("No host"))] + [(str(ident), name) for ident, name in found]


def _venue_page(ceremony, failed: str | None = None, typed=None, errors=None, status=200):
    """The venue page; ``failed`` names the form sent back with what was typed in it and the
    errors beside its fields."""
    typed = {failed: typed} if failed else {}
    with service_context().database.transaction() as session:
        kept = saved_layouts(session)
    layout = ceremony.layout or None
    grid = typed.get("grid") or grid_of(layout)
    blocks = typed.get("blocks") or _blocks_form(
        ceremony.blocks, _emails_of(ceremony.id, ceremony.blocks)
    )
    sections = [section["name"] for section in (layout or {}).get("sections", [])]
    return render_page(
        "registration/venue.html",
        status=status,
        ceremony=ceremony,
        active="venue",
        title=_("Venue and seats"),
        grid=grid,
        grid_lines=len(form_lines(grid, "sections")),
        blocks=blocks,
        block_lines=len(form_lines(blocks, "blocks")),
        rules=typed.get("rules") or _rules_form(ceremony.seating_rules),
        saved=typed.get("saved") or MultiDict(),
        csv=typed.get("csv") or MultiDict(),
        errors=errors or {},
        failed=failed,
        layout=layout,
        seat_count=len(layout["seats"]) if layout else 0,
        sections=sections,
        section_options=[("", _("Seats listed below"))] + [(name, name) for name in sections],
        categories=CATEGORIES,
        kept=kept,
        kept_options=[(str(entry.id), entry.name) for entry in kept],
        hosts=_hosts(ceremony.id),
    )


@bp.route(VENUE)
@console_page(READ)
def venue(ceremony_id: uuid.UUID):
    """The hall's layout, the layouts kept for reuse, the blocks and the seat of honour."""
    ceremony = ceremony_or_none(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    return _venue_page(ceremony)


def _change(ceremony_id: uuid.UUID, form_name: str, typed, change, done: str):
    """Run one change of the venue: saved and the page shown again, or the form with its
    errors beside its fields (nothing saved)."""
    ceremony = ceremony_or_none(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    try:
        with service_context().database.transaction() as session:
            change(session, get_ceremony(session, ceremony_id))
    except (ValidationError, DomainError) as error:
        status = 409 if isinstance(error, DomainError) and error.kind == "conflict" else 422
        return _venue_page(ceremony, form_name, typed, _errors_of(form_name, error), status)
    flash(done, "success")
    return redirect(url_for(".venue", ceremony_id=ceremony_id) + f"#{form_name}", 303)


def _errors_of(form_name: str, error) -> dict[str, str]:
    if form_name == "grid":
        return _layout_errors(error)
    if form_name == "blocks":
        return _block_errors(error)
    errors = field_errors(error)
    if form_name == "saved" and "name" in errors:
        errors["kept_name"] = errors.pop("name")
    if form_name == "csv":
        if isinstance(error, DomainError) and error.code in ("invalid_csv", "duplicate_seat"):
            return {"seats_csv": error.message}
        errors = {"csv_name" if k == "name" else k: v for k, v in errors.items()}
        known = {"csv_name", "seats_csv", "_form"}
        errors = {k if k in known else "seats_csv": v for k, v in errors.items()}
    return errors


def _block_errors(error) -> dict[str, str]:
    errors = {}
    for name, message in field_errors(error).items():
        parts = name.split(".")
        if parts[0] == "blocks" and len(parts) >= 3 and parts[1].isdigit():
            name = f"blocks.{parts[1]}.{parts[2]}"
        elif parts[0].isdigit() and len(parts) >= 2:
            name = f"blocks.{parts[0]}.{parts[1]}"
        errors.setdefault(name, message)
    return errors


@bp.post(VENUE + "/layout")
@console_page(MANAGE)
def change_layout(ceremony_id: uuid.UUID):
    """Save the grid as the hall's layout; "add" or "remove" a section redraws the form."""
    typed = renumbered(request.form, "sections", SECTION_FIELDS)
    typed["layout_name"] = request.form.get("layout_name", "")
    typed["stage"] = request.form.get("stage", "")
    if request.form.get("add") or request.form.get("remove"):
        ceremony = ceremony_or_none(ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("No such ceremony."))
        return _venue_page(ceremony, "grid", typed)
    layout, errors = layout_from_grid(typed)
    if errors:
        ceremony = ceremony_or_none(ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("No such ceremony."))
        return _venue_page(ceremony, "grid", typed, errors, status=422)
    return _change(
        ceremony_id,
        "grid",
        typed,
        lambda session, ceremony: set_layout(session, ceremony, load_layout(layout), actor=actor()),
        _("The hall's layout is saved: %(count)s seats.", count=len(layout["seats"])),
    )


@bp.post(VENUE + "/csv")
@console_page(MANAGE)
def upload_seats(ceremony_id: uuid.UUID):
    """Take the hall's layout from a CSV of seats (section, row, number, accessible)."""
    upload = request.files.get("seats_csv")
    content = upload.read() if upload else b""
    typed = MultiDict({"csv_name": request.form.get("csv_name", "")})

    def change(session, ceremony):
        layout = {"name": typed["csv_name"].strip(), **parse_seats_csv(content)}
        set_layout(session, ceremony, load_layout(layout), actor=actor())

    if not content:
        ceremony = ceremony_or_none(ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("No such ceremony."))
        errors = {"seats_csv": _("Choose a CSV file of seats.")}
        return _venue_page(ceremony, "csv", typed, errors, status=422)
    return _change(
        ceremony_id, "csv", typed, change, _("The hall's layout is taken from the file.")
    )


@bp.post(VENUE + "/saved")
@console_page(MANAGE)
def keep_layout(ceremony_id: uuid.UUID):
    """Keep the hall's layout under a name, for the next ceremony in the same hall."""
    typed = MultiDict({"kept_name": request.form.get("kept_name", "")})
    name = typed["kept_name"].strip()

    def change(session, ceremony):
        if not name or len(name) > 200:
            raise ValidationError(
                {"kept_name": [_("Give the layout a name of 1 to 200 characters.")]}
            )
        save_layout(session, ceremony, name, actor=actor())

    return _change(
        ceremony_id,
        "saved",
        typed,
        change,
        _("The layout is kept as %(name)s.", name=name),
    )


@bp.post(VENUE + "/saved/apply")
@console_page(MANAGE)
def apply_layout(ceremony_id: uuid.UUID):
    """Give the ceremony a kept layout."""
    typed = MultiDict({"layout_id": request.form.get("layout_id", "")})
    try:
        layout_id = uuid.UUID(typed["layout_id"])
    except ValueError:
        layout_id = None

    def change(session, ceremony):
        if layout_id is None:
            raise ValidationError({"layout_id": [_("Choose one of the kept layouts.")]})
        apply_saved_layout(session, ceremony, layout_id, actor=actor())

    return _change(ceremony_id, "saved", typed, change, _("The kept layout is applied."))


BLOCK_FIELDS = ("name", "section", "rows", "seats", "people")


@bp.post(VENUE + "/blocks")
@console_page(MANAGE)
def change_blocks(ceremony_id: uuid.UUID):
    """Save the blocks of seats; "add" or "remove" a block redraws the form."""
    typed = renumbered(request.form, "blocks", BLOCK_FIELDS, lists=("categories",))
    if request.form.get("add") or request.form.get("remove"):
        ceremony = ceremony_or_none(ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("No such ceremony."))
        return _venue_page(ceremony, "blocks", typed)
    blocks = blocks_from_form(typed)
    return _change(
        ceremony_id,
        "blocks",
        typed,
        lambda session, ceremony: set_blocks(
            session, ceremony, _BLOCKS.load(people_of(session, ceremony.id, blocks)), actor=actor()
        ),
        _("The blocks are saved."),
    )


@bp.post(VENUE + "/rules")
@console_page(MANAGE)
def change_rules(ceremony_id: uuid.UUID):
    """Save where the highest precedence sits."""
    typed = MultiDict(
        {
            "seat_of_honour": request.form.get("seat_of_honour", ""),
            "host_registration_id": request.form.get("host_registration_id", ""),
        }
    )
    rules = {
        "seat_of_honour": typed["seat_of_honour"],
        "host_registration_id": typed["host_registration_id"].strip() or None,
    }
    return _change(
        ceremony_id,
        "rules",
        typed,
        lambda session, ceremony: set_seating_rules(
            session, ceremony, _RULES.load(rules), actor=actor()
        ),
        _("The seat of honour is saved."),
    )
