"""The console's zones and gates: the zones, the categories admitted to each, and each gate's
zones and door hours on the ceremony's clock."""

from __future__ import annotations

import uuid
from datetime import datetime
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from shared.access import MANAGE, READ, actor
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import console_page, field_errors, refusal_page, render_page
from shared.contract import CATEGORIES
from shared.errors import DomainError
from shared.venue import AccessSchema
from shared.web import service_context

from ..ceremonies import get_ceremony, local_instant
from ..venue import set_access
from .form_lines import ceremony_or_none, form_lines, renumbered, words_of

bp = Blueprint(
    "console_access",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

ACCESS = "/ceremonies/<uuid:ceremony_id>/access"
_ACCESS = AccessSchema()

ZONE_FIELDS = ("name",)
GATE_FIELDS = ("gate", "zones", "opens_at", "closes_at")


def access_form(ceremony) -> MultiDict:
    """The zones and gates as the form shows them: door hours on the ceremony's clock."""
    form = MultiDict()
    zone = ZoneInfo(ceremony.timezone)
    for line, entry in enumerate(ceremony.zones or []):
        form[f"zones.{line}.name"] = entry["name"]
        form.setlist(f"zones.{line}.categories", list(entry.get("categories") or []))
    rules = {rule["gate"]: rule for rule in ceremony.gate_rules or []}
    for line, gate in enumerate(ceremony.gates or []):
        rule = rules.get(gate, {})
        form[f"gates.{line}.gate"] = gate
        form[f"gates.{line}.zones"] = ", ".join(rule.get("zones") or [])
        for name in ("opens_at", "closes_at"):
            value = rule.get(name)
            if value:
                instant = datetime.fromisoformat(value) if isinstance(value, str) else value
                form[f"gates.{line}.{name}"] = f"{instant.astimezone(zone):%Y-%m-%dT%H:%M}"
    if not form:
        form["zones.0.name"] = ""
    return form


def access_from_form(form, timezone: str) -> tuple[dict, dict[str, str]]:
    """An ``AccessSchema`` body from the form (door hours turned into instants), or the errors
    of times the ceremony's clock does not have."""
    errors: dict[str, str] = {}
    zones = []
    for line in range(len(form_lines(form, "zones"))):
        name = form.get(f"zones.{line}.name", "").strip()
        categories = form.getlist(f"zones.{line}.categories")
        if name or categories:
            zones.append({"name": name, "categories": categories})
    gates = []
    for line in range(len(form_lines(form, "gates"))):
        key = f"gates.{line}."
        rule = {
            "gate": form.get(key + "gate", "").strip(),
            "zones": words_of(form.get(key + "zones", "")),
        }
        for name in ("opens_at", "closes_at"):
            rule[name] = _door_time(form.get(key + name, ""), timezone, key + name, errors)
        if rule["gate"] or rule["zones"] or rule["opens_at"] or rule["closes_at"]:
            gates.append(rule)
    return {"zones": zones, "gates": gates}, errors


def _door_time(value: str, timezone: str, name: str, errors: dict) -> str | None:
    value = value.strip()
    if not value:
        return None
    try:
        typed = datetime.fromisoformat(value)
    except ValueError:
        errors[name] = _("Not a date and time, e.g. 2026-12-16T13:30.")
        return None
    try:
        return local_instant(typed.date(), typed.time(), timezone).isoformat()
    except DomainError as error:
        errors[name] = error.message
        return None


def _access_page(ceremony, form, errors: dict, status: int = 200):
    return render_page(
        "registration/access.html",
        status=status,
        ceremony=ceremony,
        active="access",
        title=_("Zones and gates"),
        form=form,
        zone_lines=len(form_lines(form, "zones")),
        gate_lines=len(form_lines(form, "gates")),
        errors=errors,
        categories=CATEGORIES,
    )


@bp.route(ACCESS)
@console_page(READ)
def access(ceremony_id: uuid.UUID):
    """The zones, the categories admitted to each, and each gate's zones and door hours."""
    ceremony = ceremony_or_none(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    return _access_page(ceremony, access_form(ceremony), {})


@bp.post(ACCESS)
@console_page(MANAGE)
def change_access(ceremony_id: uuid.UUID):
    """Save the zones and gates together: all or nothing."""
    ceremony = ceremony_or_none(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    typed = renumbered(request.form, "zones", ZONE_FIELDS, lists=("categories",))
    typed.update(renumbered(request.form, "gates", GATE_FIELDS))
    if request.form.get("add") or request.form.get("remove"):
        return _access_page(ceremony, typed, {})
    body, errors = access_from_form(typed, ceremony.timezone)
    if not errors:
        try:
            with service_context().database.transaction() as session:
                loaded = _ACCESS.load(body)
                set_access(session, get_ceremony(session, ceremony_id), loaded, actor=actor())
        except (ValidationError, DomainError) as error:
            errors = _access_errors(error)
    if errors:
        return _access_page(ceremony, typed, errors, status=422)
    flash(_("The zones and gates are saved."), "success")
    return redirect(url_for(".access", ceremony_id=ceremony_id), 303)


def _access_errors(error) -> dict[str, str]:
    errors = {}
    for name, message in field_errors(error).items():
        parts = name.split(".")
        if parts[0] in ("zones", "gates") and len(parts) >= 3 and parts[1].isdigit():
            name = ".".join(parts[:3])
        elif parts[0] in ("zones", "gates"):
            name = parts[0]
        errors.setdefault(name, message)
    return errors
