"""Console forms of the graduation's results and roll: each participant's result and group,
the certificates of appreciation, the results import, and the order the roll is called in.
They answer with the graduation page (``graduation``), or its fragment for htmx."""

from __future__ import annotations

import uuid

from flask import Blueprint, request
from flask_babel import gettext as _
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from shared.access import MANAGE, actor, current_principal
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import console_page, field_errors
from shared.errors import DomainError
from shared.graduation import RESULTS, ROLL_ORDERS
from shared.web import service_context

from ..graduation import get_course, import_results, roll, set_graduate, set_roll_order
from ..imports import MAX_FILE_BYTES
from .graduation import (
    GRADUATION,
    body_limit,
    graduates_and_others,
    graduation_page,
    megabytes,
    run_change,
    upload_refused,
)

bp = Blueprint(
    "console_graduation_roll",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)


# -- results -----------------------------------------------------------------------------------


def _result_changes(form, graduates: list, others: list) -> tuple[dict, dict[str, str]]:
    """Registration id → what changed on the results form, or the errors beside its fields."""
    changes: dict[str, dict] = {}
    errors: dict[str, str] = {}
    for graduate in graduates:
        ident = str(graduate["registration_id"])
        result = form.get(f"result.{ident}", "")
        group = " ".join(form.get(f"group.{ident}", "").split())
        if result and result not in RESULTS:
            errors[f"result.{ident}"] = _("Choose a result from the list.")
            continue
        if len(group) > 80:
            errors[f"group.{ident}"] = _("A group's name has at most 80 characters.")
            continue
        changed = {}
        if (result or None) != graduate.get("result"):
            changed["result"] = result or None
        if (group or None) != (graduate.get("group") or None):
            changed["group"] = group or None
        if changed:
            changes[ident] = changed
    for other in others:
        ticked = form.get(f"appreciation.{other['id']}") == "on"
        if ticked != other["appreciation"]:
            changes[other["id"]] = {"appreciation": ticked}
    return changes, errors


@bp.post(GRADUATION + "/results")
@console_page(MANAGE)
def change_results(ceremony_id: uuid.UUID):
    """Save each participant's result and group, and who is thanked with a certificate of
    appreciation."""
    typed = MultiDict(request.form)
    typed.pop("csrf_token", None)
    with service_context().database.transaction() as session:
        graduates, others = graduates_and_others(session, ceremony_id)
    changes, errors = _result_changes(typed, graduates, others)
    if errors:
        return graduation_page(ceremony_id, "results", typed, errors, 422)
    failing: list[str] = []

    def change(session):
        for ident, changed in changes.items():
            failing[:] = [ident]
            set_graduate(session, uuid.UUID(ident), changed, actor=actor())

    def beside(error: DomainError) -> dict[str, str]:
        ident = failing[0] if failing else ""
        return {f"{name}.{ident}": message for name, message in field_errors(error).items()}

    count = len(changes)
    done = (
        _("The results are saved: %(count)s changed.", count=count)
        if count
        else _("Nothing has changed.")
    )
    return run_change(ceremony_id, "results", typed, change, done, beside)


@bp.post(GRADUATION + "/results/import")
@console_page(MANAGE)
def upload_results(ceremony_id: uuid.UUID):
    """Take the results from a CSV or XLSX file: all of its rows, or none if one is wrong."""
    upload = request.files.get("results_file")
    if upload is None or not upload.filename:
        errors = {"results_file": _("Choose a .csv or .xlsx file.")}
        return graduation_page(ceremony_id, "import", MultiDict(), errors, 422)
    raw = upload.read(MAX_FILE_BYTES + 1)
    counted: dict = {}

    def change(session):
        counted.update(import_results(session, ceremony_id, raw, actor=actor()))

    return run_change(
        ceremony_id,
        "import",
        MultiDict(),
        change,
        lambda: _("The results are imported (rows: %(count)s).", count=counted.get("rows", 0)),
        _import_errors,
    )


def _import_errors(error: DomainError) -> dict[str, str]:
    """The file's refusal beside its field, and each wrong row's columns listed under it."""
    rows = (error.errors or {}).get("rows")
    if isinstance(rows, dict):
        flat = field_errors(ValidationError(rows))  # {"3.email": "…"}
        ordered = sorted(flat.items(), key=lambda item: _row_number(item[0]))
        lines = [
            _("Row %(row)s, %(column)s: %(message)s", row=row, column=column, message=message)
            for (row, _dot, column), message in ((name.partition("."), m) for name, m in ordered)
        ]
        return {"results_file": _("The file has errors; nothing is imported."), "rows": lines}
    errors = field_errors(error)
    message = errors.pop("file", None) or errors.pop("_form", None) or error.message
    return {"results_file": message, **errors}


def _row_number(name: str) -> int:
    row = name.split(".")[0]
    return int(row) if row.isdigit() else 0


# -- the roll ----------------------------------------------------------------------------------


@bp.post(GRADUATION + "/roll")
@console_page(MANAGE)
def change_order(ceremony_id: uuid.UUID):
    """Choose how the roll is called; "by hand" starts from the order it has now."""
    order = request.form.get("order", "")
    typed = MultiDict({"order": order})

    def change(session):
        if order not in ROLL_ORDERS:
            raise DomainError(
                "validation_error",
                "The order is not one of the list.",
                kind="invalid",
                errors={"order": [_("Choose an order from the list.")]},
            )
        hand = None
        if order == "hand":
            course = get_course(session, ceremony_id)
            if course and not course.get("hand_order"):
                hand = [str(g["registration_id"]) for g in roll(session, ceremony_id)]
        set_roll_order(session, ceremony_id, order, hand, actor=actor())

    return run_change(
        ceremony_id, "roll", typed, change, _("The order of the roll is saved."), _roll_errors
    )


def _roll_errors(error: DomainError) -> dict[str, str]:
    if error.code == "course_not_found":
        return {"_form": _("Save the course first: the roll's order is kept with it.")}
    return field_errors(error)


@bp.post(GRADUATION + "/roll/move")
@console_page(MANAGE)
def move(ceremony_id: uuid.UUID):
    """Move one graduate a place up or down the roll called by hand."""
    ident = request.form.get("registration_id", "")
    step = -1 if request.form.get("direction") == "up" else 1

    def change(session):
        order = [str(g["registration_id"]) for g in roll(session, ceremony_id)]
        if ident not in order:
            raise DomainError("not_on_roll", _("This person is not on the roll."), kind="invalid")
        place = order.index(ident)
        other = place + step
        if 0 <= other < len(order):
            order[place], order[other] = order[other], order[place]
        set_roll_order(session, ceremony_id, "hand", order, actor=actor())

    return run_change(
        ceremony_id, "roll", MultiDict(), change, _("The roll's order is changed."), _roll_errors
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A results file over the service's body limit: said beside the file field."""
    ceremony_id = (request.view_args or {}).get("ceremony_id")
    endpoint = "console_graduation_roll.upload_results"
    refused = upload_refused(current_principal(), ceremony_id, endpoint)
    if refused:
        return refused
    message = _(
        "The file is larger than %(mb)s MB.", mb=megabytes(min(MAX_FILE_BYTES, body_limit()))
    )
    return graduation_page(ceremony_id, "import", MultiDict(), {"results_file": message}, 413)
