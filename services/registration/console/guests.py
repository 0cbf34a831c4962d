"""Console pages of guests: the table (search as you type, filters, sorts), a guest's page with
corrections, cancel, resend and history, and registering a guest by hand."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Blueprint, Response, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError
from sqlalchemy import func, select
from sqlalchemy.orm import aliased

from shared.access import MANAGE, READ, actor, current_principal, has_permission
from shared.audit import entries
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import (
    PAGE_SIZE,
    Pagination,
    console_page,
    field_errors,
    is_htmx,
    page_number,
    refusal_page,
    render_page,
)
from shared.contract import CATEGORIES, REGISTRATION_STATUSES, search_key
from shared.errors import DomainError
from shared.protocol import display_name
from shared.venue import seat_label
from shared.web import service_context

from .. import exports
from ..corrections import correct_registration, resend_confirmation, send_own_link
from ..models import Ceremony, Registration, RegistrationRequest, SeatAssignment, audit
from ..registration_requests import approve_request, decline_request, list_requests
from ..registrations import cancel, register
from ..venue_layout import layout_seats
from ..web.correction_schemas import RegistrationCorrectionSchema
from ..web.schemas import RegistrationInSchema

bp = Blueprint(
    "console_guests",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

_HEAD = aliased(Registration)
#: A companion sorts under the name of their head of delegation, right after the head.
_HEAD_NAME = (
    select(_HEAD.full_name)
    .where(_HEAD.id == Registration.delegation_of)
    .correlate(Registration)
    .scalar_subquery()
)
#: How the table may be sorted, and the SQL order of each.
SORTS = {
    "protocol": (
        Registration.precedence.is_(None),
        Registration.precedence,
        func.coalesce(_HEAD_NAME, Registration.full_name),
        func.coalesce(Registration.delegation_of, Registration.id),
        Registration.delegation_of.is_not(None),
        Registration.full_name,
    ),
    "arrival": (Registration.arrived_at.is_(None), Registration.arrived_at.desc()),
    "name": (Registration.full_name,),
}
#: The form's fields of a guest's details, in the order shown.
DETAIL_FIELDS = (
    "full_name",
    "given_name",
    "family_name",
    "family_first",
    "name_latin",
    "honorific",
    "organisation",
    "job_title",
    "category",
    "precedence",
    "language",
    "needs",
)


def _ceremony(session, ceremony_id: uuid.UUID) -> Ceremony | None:
    return session.get(Ceremony, ceremony_id)


@bp.route("/ceremonies/<uuid:ceremony_id>/guests")
@console_page(READ)
def guest_list(ceremony_id: uuid.UUID):
    """The guests of a ceremony, searched, filtered and sorted on the server, a page at a time."""
    args = request.args
    status = args.get("status") if args.get("status") in REGISTRATION_STATUSES else ""
    category = args.get("category") if args.get("category") in CATEGORIES else ""
    sort = args.get("sort") if args.get("sort") in SORTS else "protocol"
    query = (args.get("q") or "").strip()[:200]
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        where = [Registration.ceremony_id == ceremony_id]
        if status:
            where.append(Registration.status == status)
        if category:
            where.append(Registration.category == category)
        if query:
            where.append(Registration.search_key.contains(search_key(query), autoescape=True))
        total = session.scalar(select(func.count()).select_from(Registration).where(*where))
        pagination = Pagination(page_number(), PAGE_SIZE, total or 0)
        rows = session.scalars(
            select(Registration)
            .where(*where)
            .order_by(*SORTS[sort], Registration.id)
            .limit(PAGE_SIZE)
            .offset(pagination.offset)
        ).all()
        context = {
            "ceremony": ceremony,
            "rows": rows,
            "pagination": pagination,
            "filters": {"q": query, "status": status, "category": category, "sort": sort},
            "statuses": REGISTRATION_STATUSES,
            "categories": CATEGORIES,
            "may_manage": has_permission(current_principal(), ceremony_id, MANAGE),
        }
        if is_htmx():
            return render_page("registration/guests/_results.html", **context)
        return render_page(
            "registration/guests/list.html", active="guests", title=_("Guests"), **context
        )


@bp.route("/ceremonies/<uuid:ceremony_id>/guests/<uuid:registration_id>", methods=["GET", "POST"])
@console_page(READ)
def guest_page(ceremony_id: uuid.UUID, registration_id: uuid.UUID):
    """A guest's details, the correction form, what can be sent again, and their history."""
    errors: dict[str, str] = {}
    form = None
    status = 200
    notice = _notice(request.args.get("done"))
    database = service_context().database
    if request.method == "POST":
        if not has_permission(current_principal(), ceremony_id, MANAGE):
            return refusal_page(403, _("Your role on this ceremony cannot correct guests."))
        form = request.form
        try:
            changes = RegistrationCorrectionSchema(partial=True).load(_correction(form))
            with database.transaction() as session:
                registration = session.get(Registration, registration_id)
                if registration is None or registration.ceremony_id != ceremony_id:
                    return refusal_page(404, _("There is no such guest."))
                _registration_row, changed = correct_registration(
                    session, registration_id, changes, actor=actor()
                )
            done = "corrected" if changed else "unchanged"
            return redirect(_guest_url(ceremony_id, registration_id, done), 303)
        except (ValidationError, DomainError) as error:
            errors, status = field_errors(error), 422
    with database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        registration = session.get(Registration, registration_id)
        if ceremony is None or registration is None or registration.ceremony_id != ceremony_id:
            return refusal_page(404, _("There is no such guest."))
        history = entries(session, audit, ceremony_id, subject_id=str(registration_id), limit=100)
        if form is None:
            form = {name: _shown(getattr(registration, name)) for name in DETAIL_FIELDS}
        return render_page(
            "registration/guests/guest.html",
            status=status,
            ceremony=ceremony,
            active="guests",
            title=registration.full_name,
            guest=registration,
            form=form,
            errors=errors,
            history=history,
            notice=notice,
            category_options=[(name, name) for name in CATEGORIES],
            may_manage=has_permission(current_principal(), ceremony_id, MANAGE),
        )


@bp.post(
    "/ceremonies/<uuid:ceremony_id>/guests/<uuid:registration_id>/<any(cancel, resend, link):what>"
)
@console_page(MANAGE)
def guest_action(ceremony_id: uuid.UUID, registration_id: uuid.UUID, what: str):
    """Cancel the registration, or send the confirmation or the guest's own link again."""
    with service_context().database.transaction() as session:
        registration = session.get(Registration, registration_id)
        if registration is None or registration.ceremony_id != ceremony_id:
            return refusal_page(404, _("There is no such guest."))
        try:
            if what == "cancel":
                cancel(session, registration_id, actor=actor())
            elif what == "resend":
                resend_confirmation(session, registration_id, actor=actor())
            else:
                send_own_link(session, registration_id, actor=actor())
        except DomainError as error:
            return refusal_page(409, error.message)
    return redirect(_guest_url(ceremony_id, registration_id, what), 303)


@bp.route("/ceremonies/<uuid:ceremony_id>/guests/new", methods=["GET", "POST"])
@console_page(MANAGE)
def new_guest(ceremony_id: uuid.UUID):
    """Register a guest by hand: organisers may seat dignitaries and speakers."""
    errors: dict[str, str] = {}
    form: dict = {"category": "guest"}
    status = 200
    if request.method == "POST":
        form = request.form
        try:
            fields = RegistrationInSchema().load(_registration(form))
            registration = register(
                service_context().database,
                ceremony_id,
                fields,
                by_organiser=True,
                actor=actor(),
            )
            return redirect(_guest_url(ceremony_id, registration.id, "registered"), 303)
        except (ValidationError, DomainError) as error:
            errors, status = field_errors(error), 422
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        return render_page(
            "registration/guests/new.html",
            status=status,
            ceremony=ceremony,
            active="guests",
            title=_("Register a guest"),
            form=form,
            errors=errors,
            category_options=[(name, name) for name in CATEGORIES],
        )


@bp.route("/ceremonies/<uuid:ceremony_id>/approvals", methods=["GET", "POST"])
@console_page(READ)
def approvals(ceremony_id: uuid.UUID):
    """Requests awaiting an organiser's decision (and, apart, those awaiting their email's
    confirmation); approve or decline the ticked ones."""
    notice = None
    status = 200
    if request.method == "POST":
        if not has_permission(current_principal(), ceremony_id, MANAGE):
            return refusal_page(403, _("Your role on this ceremony cannot decide requests."))
        decide = approve_request if request.form.get("decision") == "approve" else decline_request
        chosen = request.form.getlist("request_id")
        if not chosen:
            notice, status = _("Tick the requests to decide."), 422
        else:
            try:
                with service_context().database.transaction() as session:
                    for value in chosen:
                        found = session.get(RegistrationRequest, uuid.UUID(value))
                        if found is None or found.ceremony_id != ceremony_id:
                            return refusal_page(404, _("There is no such request."))
                        decide(session, found.id, actor=actor())
                notice = _("%(count)s requests decided.", count=len(chosen))
            except ValueError:
                return refusal_page(404, _("There is no such request."))
            except DomainError as error:
                notice, status = error.message, 409
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        return render_page(
            "registration/guests/approvals.html",
            status=status,
            ceremony=ceremony,
            active="approvals",
            title=_("Approvals"),
            waiting=list_requests(session, ceremony_id, "awaiting_approval"),
            unconfirmed=list_requests(session, ceremony_id, "awaiting_confirmation"),
            notice=notice,
            may_manage=has_permission(current_principal(), ceremony_id, MANAGE),
        )


#: The guests export's columns: a heading people read, and how each cell is taken.
EXPORT_COLUMNS = (
    ("Honorific", "honorific"),
    ("Full name", "full_name"),
    ("Email", "email"),
    ("Organisation", "organisation"),
    ("Job title", "job_title"),
    ("Category", "category"),
    ("Status", "status"),
    ("Precedence", "precedence"),
    ("Language", "language"),
    ("Needs", "needs"),
    ("Registered", "created_at"),
    ("Arrived", "arrived_at"),
    ("Given name", "given_name"),
    ("Family name", "family_name"),
    ("Name in Latin letters", "name_latin"),
)


@bp.route("/ceremonies/<uuid:ceremony_id>/exports/guests.<any(csv, xlsx):extension>")
@console_page(READ)
def export_guests(ceremony_id: uuid.UUID, extension: str):
    """Every guest (the table's status and category filters apply) as CSV or XLSX, times in
    the ceremony's zone."""
    status = (
        request.args.get("status") if request.args.get("status") in REGISTRATION_STATUSES else ""
    )
    category = request.args.get("category") if request.args.get("category") in CATEGORIES else ""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("There is no such ceremony."))
        where = [Registration.ceremony_id == ceremony_id]
        if status:
            where.append(Registration.status == status)
        if category:
            where.append(Registration.category == category)
        columns = [getattr(Registration, name) for _, name in EXPORT_COLUMNS]
        found = session.execute(
            select(*columns, SeatAssignment.seat_id)
            .outerjoin(SeatAssignment, SeatAssignment.registration_id == Registration.id)
            .where(*where)
            .order_by(*SORTS["protocol"], Registration.id)
        ).all()
        zone = ZoneInfo(ceremony.timezone)
        seats = layout_seats(ceremony)
        rows = [
            [*(_exported(value, zone) for value in row[:-1]), _seat_cell(seats, row[-1])]
            for row in found
        ]
        headings = [heading for heading, _ in EXPORT_COLUMNS] + ["Seat"]
        if extension == "csv":
            content, mimetype = exports.csv_bytes(headings, rows), "text/csv; charset=utf-8"
        else:
            content = exports.xlsx_bytes(headings, rows, sheet="Guests")
            mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        name = exports.export_filename(ceremony, "guests", extension)
    return Response(
        content,
        mimetype=mimetype,
        headers={
            "Content-Disposition": f'attachment; filename="{exports.ascii_filename(name)}"; '
            f"filename*=UTF-8''{quote(name)}",
            "Cache-Control": "private, no-store",
        },
    )


def _seat_cell(seats: dict, seat_id: str | None) -> str | None:
    """The guest's seat as people read it ("Section A · Row 1 · Seat 5"), if they have one."""
    seat = seats.get(seat_id) if seat_id else None
    return seat_label(seat) if seat else seat_id


def _exported(value, zone: ZoneInfo):
    """A cell as a spreadsheet shows it: local times without seconds or zone."""
    if isinstance(value, datetime):
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M")
    return value


def _guest_url(ceremony_id, registration_id, done: str) -> str:
    return url_for(
        "console_guests.guest_page",
        ceremony_id=ceremony_id,
        registration_id=registration_id,
        done=done,
    )


def _notice(done: str | None) -> str | None:
    return {
        "corrected": _("Saved. The badge is redrawn and the guest is emailed the updated badge."),
        "unchanged": _("Nothing changed."),
        "cancel": _("The registration is cancelled; the seat went to the waitlist, if any."),
        "resend": _("The confirmation is on its way again."),
        "link": _("The guest is emailed the link to their registration."),
        "registered": _("The guest is registered."),
    }.get(done or "")


def _shown(value) -> str:
    if isinstance(value, bool):
        return "on" if value else ""
    return "" if value is None else str(value)


def _optional(form, names) -> dict:
    """The form's fields, empty ones as None (an emptied field is cleared)."""
    return {name: (form.get(name, "").strip() or None) for name in names if name in form}


def _correction(form) -> dict:
    values = _optional(form, DETAIL_FIELDS)
    if "full_name_was" in form:
        # The form carries the whole name: kept as it was, it is written again from the
        # parts if they changed; emptied, it is written from the parts.
        values["family_first"] = form.get("family_first") == "on"
        typed = values.get("full_name")
        given, family = values.get("given_name") or "", values.get("family_name") or ""
        if typed is None and (given or family):
            values["full_name"] = display_name(given, family, family_first=values["family_first"])
        elif typed is None:
            values["full_name"] = ""  # refused by the schema: a name is needed
        elif typed == form["full_name_was"].strip():
            values.pop("full_name")
    elif "full_name" in values and values["full_name"] is None:
        values["full_name"] = ""
    return _numbers(values)


def _registration(form) -> dict:
    values = _optional(form, ("email", *DETAIL_FIELDS))
    values = {key: value for key, value in values.items() if value is not None}
    values["family_first"] = values.get("family_first") == "on"
    values.setdefault("email", "")
    return _numbers(values)


def _numbers(values: dict) -> dict:
    """Precedence as a number; text that is not one stays text, for the schema to name."""
    precedence = values.get("precedence")
    if isinstance(precedence, str) and precedence.lstrip("-").isdigit():
        values["precedence"] = int(precedence)
    return values
