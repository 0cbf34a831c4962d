"""Console pages of ceremonies: the home list, creating and editing one (times typed in its own
time zone), its programme, and its dashboard of counts."""

from __future__ import annotations

import uuid
from datetime import date, time, timedelta
from zoneinfo import ZoneInfo, available_timezones

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from shared.access import (
    DOOR,
    MANAGE,
    READ,
    SUITE_ADMIN,
    actor,
    has_permission,
    readable_ceremonies,
    role_on,
)
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
from shared.contract import REGISTRATION_MODES, ProgrammeItemSchema, programme_from_json
from shared.credentials import SUITE
from shared.errors import DomainError
from shared.web import service_context

from ..ceremonies import (
    add_programme_item,
    ceremony_counts,
    change_programme_item,
    create_ceremony,
    find_ceremonies,
    get_ceremony,
    invitation_counts,
    local_instant,
    move_programme_item,
    remove_programme_item,
    update_ceremony,
)
from ..invitations import list_invitations
from ..models import Registration
from ..web.schemas import CeremonyInSchema, CeremonyPatchSchema

bp = Blueprint(
    "console_ceremonies",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

PAGES = "registration/ceremonies/"
ZONES = sorted(available_timezones())
#: The languages the suite's pages and letters are written in, in the order people expect.
LANGUAGES = {
    "ar": _l("Arabic"),
    "zh": _l("Chinese"),
    "en": _l("English"),
    "fr": _l("French"),
    "ru": _l("Russian"),
    "es": _l("Spanish"),
}
MODE_LABELS = {
    "confirm_email": _l("Anyone may register; they confirm their email address first"),
    "approval": _l("Anyone may ask to register; an organiser approves each request"),
    "open": _l("Anyone may register, and is registered at once"),
}
ROLE_LABELS = {
    "admin": _l("Suite administrator"),
    "owner": _l("Owner"),
    "organiser": _l("Organiser"),
    "protocol": _l("Protocol"),
    "door": _l("Door"),
    "viewer": _l("Viewer"),
}
#: Where an error of the API's fields is shown on the form.
_FORM_NAMES = {
    "starts_at": "start_time",
    "ends_at": "end_time",
    "venue.name": "venue_name",
    "venue.address": "venue_address",
}
_NEW = CeremonyInSchema()
_CHANGES = CeremonyPatchSchema(partial=True)
_ITEM = ProgrammeItemSchema()


def _ceremony(ceremony_id: uuid.UUID):
    with service_context().database.transaction() as session:
        try:
            return get_ceremony(session, ceremony_id)
        except DomainError:
            return None


@bp.route("")
@console_page()
def home():
    """The ceremonies the signed-in person holds a role on, searched by title."""
    principal = g.console_principal
    query = request.args.get("q", "").strip()[:200]
    page = page_number()
    with service_context().database.transaction() as session:
        found, total = find_ceremonies(
            session,
            _visible(principal),
            title=query,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
    rows = [(c, role_on(principal, c.id)) for c in found]
    context = {
        "rows": rows,
        "pagination": Pagination(page, PAGE_SIZE, total),
        "filters": {"q": query},
        "role_labels": ROLE_LABELS,
        "may_create": has_permission(principal, None, SUITE_ADMIN),
    }
    if is_htmx() and request.headers.get("HX-Target") == "ceremony-results":
        return render_page(PAGES + "_results.html", **context)
    return render_page(PAGES + "home.html", **context)


def _visible(principal) -> list | None:
    """The ids of the ceremonies the principal holds a role on; None: every one."""
    if principal.kind == "session":
        grants = service_context().credentials.grants(principal.account_id)
        known = [scope for scope in grants if scope != SUITE]
    elif principal.ceremony_id is not None:
        known = [principal.ceremony_id]
    else:
        return None  # a suite-wide key holds its role on every ceremony
    visible = readable_ceremonies(principal, known, READ, DOOR)
    return None if visible is None else [ident for ident in visible if _is_uuid(ident)]


def _is_uuid(value: object) -> bool:
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


# -- creating and editing --------------------------------------------------------------------


@bp.route("/ceremonies/new", methods=["GET", "POST"])
@console_page(SUITE_ADMIN)
def new_ceremony():
    """Create a ceremony (suite administrators)."""
    if request.method == "GET":
        form = MultiDict(
            {"default_language": "en", "languages": "en", "registration_mode": "confirm_email"}
        )
        return _form_page(None, form, {})
    body, errors = _ceremony_body(request.form, _NEW)
    if errors:
        return _form_page(None, request.form, errors, status=422)
    try:
        with service_context().database.transaction() as session:
            ceremony = create_ceremony(session, body, actor=actor())
    except DomainError as error:
        return _form_page(None, request.form, _form_errors(error), status=422)
    flash(_("The ceremony %(title)s is created.", title=ceremony.title), "success")
    return redirect(url_for(".dashboard", ceremony_id=ceremony.id), 303)


@bp.route("/ceremonies/<uuid:ceremony_id>/edit", methods=["GET", "POST"])
@console_page(MANAGE)
def edit_ceremony(ceremony_id: uuid.UUID):
    """Change a ceremony's details: all or nothing is saved."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    if request.method == "GET":
        return _form_page(ceremony, _typed_form(ceremony), {})
    body, errors = _ceremony_body(request.form, _CHANGES)
    if errors:
        return _form_page(ceremony, request.form, errors, status=422)
    for name in ("starts_at", "ends_at"):
        # The form shows minutes: a time left as it was keeps its stored seconds, so that
        # guests are not told of a change nobody made.
        if body.get(name) == getattr(ceremony, name).replace(second=0, microsecond=0):
            del body[name]
    try:
        with service_context().database.transaction() as session:
            update_ceremony(session, ceremony_id, body, actor=actor())
    except DomainError as error:
        if error.kind == "not_found":
            return refusal_page(404, _("No such ceremony."))
        return _form_page(ceremony, request.form, _form_errors(error), status=422)
    flash(_("The changes are saved."), "success")
    return redirect(url_for(".dashboard", ceremony_id=ceremony_id), 303)


def _form_page(ceremony, form, errors: dict, status: int = 200):
    chosen = form.getlist("languages")
    languages = [*LANGUAGES.items(), *((code, code) for code in chosen if code not in LANGUAGES)]
    return render_page(
        PAGES + "form.html",
        status=status,
        ceremony=ceremony,
        active="overview",
        form=form,
        errors=errors,
        zones=ZONES,
        languages=languages,
        modes=[(mode, MODE_LABELS[mode]) for mode in REGISTRATION_MODES],
    )


def _typed_form(ceremony) -> MultiDict:
    """The form as it shows a stored ceremony: its times on its own clock."""
    zone = ZoneInfo(ceremony.timezone)
    starts, ends = ceremony.starts_at.astimezone(zone), ceremony.ends_at.astimezone(zone)
    form = MultiDict(
        {
            "title": ceremony.title,
            "date": starts.date().isoformat(),
            "start_time": f"{starts:%H:%M}",
            "end_time": f"{ends:%H:%M}",
            "end_date": ends.date().isoformat() if ends.date() != starts.date() else "",
            "timezone": ceremony.timezone,
            "venue_name": ceremony.venue_name,
            "venue_address": ceremony.venue_address or "",
            "capacity": str(ceremony.capacity),
            "default_language": ceremony.default_language,
            "registration_mode": ceremony.registration_mode,
            "protocol_contact_email": ceremony.protocol_contact_email or "",
            "reply_note": ceremony.reply_note or "",
            "gates": "\n".join(ceremony.gates or []),
        }
    )
    form.setlist("languages", list(ceremony.languages or []))
    return form


def _ceremony_body(form, schema) -> tuple[dict, dict[str, str]]:
    """The API's fields from the form (loaded by the API's own schema), or the errors beside
    the form's fields."""
    errors: dict[str, str] = {}
    body: dict = {
        "title": form.get("title", ""),
        "timezone": form.get("timezone", "").strip(),
        "venue": {
            "name": form.get("venue_name", ""),
            "address": form.get("venue_address", "").strip() or None,
        },
        "capacity": _integer(form.get("capacity", "")),
        "languages": form.getlist("languages"),
        "default_language": form.get("default_language", ""),
        "registration_mode": form.get("registration_mode", ""),
        "protocol_contact_email": form.get("protocol_contact_email", "").strip() or None,
        "reply_note": form.get("reply_note", "").strip() or None,
        "gates": [line.strip() for line in form.get("gates", "").splitlines() if line.strip()],
    }
    zone = body["timezone"] if body["timezone"] in ZONES else None
    day = _day(form, "date", errors, required=True)
    end_day = _day(form, "end_date", errors) or day
    for name, key, on in (("start_time", "starts_at", day), ("end_time", "ends_at", end_day)):
        clock = _clock(form, name, errors)
        if zone and on and clock:
            try:
                body[key] = local_instant(on, clock, zone).isoformat()
            except DomainError as error:
                errors[name] = _time_refusal(error, zone)
    try:
        loaded = schema.load(body)
    except ValidationError as error:
        for name, message in _form_errors(error).items():
            # A time the form could not turn into an instant has its reason beside it already.
            if not (name == "start_time" and "starts_at" not in body) and not (
                name == "end_time" and "ends_at" not in body
            ):
                errors.setdefault(name, message)
        return body, errors
    return loaded, errors


def _integer(value: str) -> int | str:
    """A number as typed; what is not one goes to the schema, which says so."""
    try:
        return int(value.strip())
    except ValueError:
        return value


def _day(form, name: str, errors: dict, *, required: bool = False) -> date | None:
    value = form.get(name, "").strip()
    if not value:
        if required:
            errors[name] = _("Give the date.")
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        errors[name] = _("Not a date, e.g. 2026-12-16.")
        return None


def _clock(form, name: str, errors: dict) -> time | None:
    value = form.get(name, "").strip()
    if not value:
        errors[name] = _("Give the time, e.g. 14:30.")
        return None
    try:
        return time.fromisoformat(value)
    except ValueError:
        errors[name] = _("Not a time, e.g. 14:30.")
        return None


def _time_refusal(error: DomainError, zone: str) -> str:
    if error.code == "nonexistent_time":
        return _(
            "This time does not exist that day in %(zone)s: the clocks skip it for summer time.",
            zone=zone,
        )
    return _(
        "This time happens twice that day in %(zone)s, when the clocks go back: "
        "choose a time outside that hour.",
        zone=zone,
    )


def _form_errors(error: ValidationError | DomainError) -> dict[str, str]:
    """The API's errors under the names of the form's fields."""
    errors: dict[str, str] = {}
    for name, message in field_errors(error).items():
        name = _FORM_NAMES.get(name, name)
        if name.startswith(("languages.", "gates.")):
            name = name.split(".")[0]
        if name.startswith("programme."):
            name = name.rsplit(".", 1)[-1]
        errors.setdefault(name, message)
    return errors


# -- the programme ---------------------------------------------------------------------------

PROGRAMME = "/ceremonies/<uuid:ceremony_id>/programme"


@bp.route(PROGRAMME)
@console_page(MANAGE)
def programme(ceremony_id: uuid.UUID):
    """The programme in running order, with a form to add an item."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    return _programme_page(ceremony, MultiDict(), {})


@bp.post(PROGRAMME)
@console_page(MANAGE)
def add_item(ceremony_id: uuid.UUID):
    """Add an item at the end of the programme."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    try:
        item = _item(request.form, ceremony)
        with service_context().database.transaction() as session:
            add_programme_item(session, ceremony_id, item, actor=actor())
    except (ValidationError, DomainError) as error:
        return _programme_page(ceremony, request.form, _form_errors(error), status=422)
    flash(_("%(title)s is added to the programme.", title=item["title"]), "success")
    return redirect(url_for(".programme", ceremony_id=ceremony_id), 303)


@bp.route(PROGRAMME + "/<int:position>/edit", methods=["GET", "POST"])
@console_page(MANAGE)
def edit_item(ceremony_id: uuid.UUID, position: int):
    """Change one item of the programme."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    items = programme_from_json(ceremony.programme)
    if not 0 <= position < len(items):
        return refusal_page(404, _("No such programme item."))
    if request.method == "GET":
        form = _item_form(items[position], ceremony)
        return _item_page(ceremony, position, form, {})
    try:
        item = _item(request.form, ceremony)
        before = items[position].get("starts_at")
        if before and item["starts_at"] == before.replace(second=0, microsecond=0):
            item["starts_at"] = before  # left as it was: its seconds stay
        with service_context().database.transaction() as session:
            change_programme_item(
                session,
                ceremony_id,
                position,
                item,
                sequence=_sequence(request.form),
                actor=actor(),
            )
    except (ValidationError, DomainError) as error:
        if isinstance(error, DomainError) and error.code.startswith("programme_"):
            errors = {"_form": _programme_refusal(error)}
        else:
            errors = _form_errors(error)
        return _item_page(ceremony, position, request.form, errors, status=422)
    flash(_("%(title)s is changed.", title=item["title"]), "success")
    return redirect(url_for(".programme", ceremony_id=ceremony_id), 303)


@bp.post(PROGRAMME + "/<int:position>/delete")
@console_page(MANAGE)
def delete_item(ceremony_id: uuid.UUID, position: int):
    """Take an item out of the programme."""
    return _reorder(ceremony_id, position, remove_programme_item, _("The item is removed."))


@bp.post(PROGRAMME + "/<int:position>/move")
@console_page(MANAGE)
def move_item(ceremony_id: uuid.UUID, position: int):
    """Move an item one place up or down the running order."""
    offset = -1 if request.form.get("direction") == "up" else 1

    def move(session, ceremony_id, position, **kwargs):
        return move_programme_item(session, ceremony_id, position, offset, **kwargs)

    return _reorder(ceremony_id, position, move, _("The running order is changed."))


def _reorder(ceremony_id: uuid.UUID, position: int, change, done: str):
    """Delete or move: a plain form is sent back to the programme; htmx gets the new list."""
    try:
        with service_context().database.transaction() as session:
            change(session, ceremony_id, position, sequence=_sequence(request.form), actor=actor())
        notice, category = done, "success"
    except DomainError as error:
        if error.code == "ceremony_not_found":
            return refusal_page(404, _("No such ceremony."))
        notice, category = _programme_refusal(error), "error"
    if is_htmx():
        ceremony = _ceremony(ceremony_id)
        return render_page(
            PAGES + "_items.html", **_programme_context(ceremony), notice=(notice, category)
        )
    flash(notice, category)
    return redirect(url_for(".programme", ceremony_id=ceremony_id), 303)


def _programme_refusal(error: DomainError) -> str:
    if error.code == "programme_changed":
        return _("The programme was changed meanwhile: here it is as it stands now.")
    if error.code == "programme_item_not_found":
        return _("That item is no longer in the programme.")
    return error.message


def _sequence(form) -> int | None:
    value = form.get("sequence", "")
    return int(value) if value.isdigit() else None


def _programme_context(ceremony) -> dict:
    with service_context().database.transaction() as session:
        invitees = [i for i in list_invitations(session, ceremony.id) if i.status != "withdrawn"]
        speakers = _registrations(session, ceremony.id)
    return {
        "ceremony": ceremony,
        "items": programme_from_json(ceremony.programme),
        "invitees": invitees,
        "invitee_names": {str(i.id): i.full_name for i in invitees},
        "registrations": speakers,
    }


def _registrations(session, ceremony_id: uuid.UUID) -> list[Registration]:
    """The ceremony's guests a speaker may be chosen among, in protocol order."""
    return list(
        session.scalars(
            select(Registration)
            .where(Registration.ceremony_id == ceremony_id, Registration.status != "cancelled")
            .order_by(
                Registration.precedence.is_(None), Registration.precedence, Registration.full_name
            )
        )
    )


def _programme_page(ceremony, form, errors: dict, status: int = 200):
    return render_page(
        PAGES + "programme.html",
        status=status,
        active="overview",
        form=form,
        errors=errors,
        **_programme_context(ceremony),
    )


def _item_page(ceremony, position: int, form, errors: dict, status: int = 200):
    return render_page(
        PAGES + "item.html",
        status=status,
        active="overview",
        position=position,
        form=form,
        errors=errors,
        **_programme_context(ceremony),
    )


def _item_form(item: dict, ceremony) -> MultiDict:
    starts = item.get("starts_at")
    return MultiDict(
        {
            "title": item["title"],
            "speaker": item.get("speaker") or "",
            "role": item.get("role") or "",
            "start_time": f"{starts.astimezone(ZoneInfo(ceremony.timezone)):%H:%M}"
            if starts
            else "",
            "invitation_id": item.get("invitation_id") or "",
            "registration_id": item.get("registration_id") or "",
            "sequence": str(ceremony.sequence),
        }
    )


def _item(form, ceremony) -> dict:
    """A programme item from its form, checked by the API's schema; the speaker's name is the
    linked invitee's (or registered guest's) unless another is typed."""
    errors: dict[str, list[str]] = {}
    invitation_id = form.get("invitation_id", "").strip() or None
    registration_id = form.get("registration_id", "").strip() or None
    speaker = form.get("speaker", "").strip() or None
    if registration_id:
        with service_context().database.transaction() as session:
            guests = {str(r.id): r for r in _registrations(session, ceremony.id)}
        if registration_id not in guests:
            errors["registration_id"] = [_("Choose one of this ceremony's guests.")]
        elif speaker is None:
            speaker = guests[registration_id].full_name
    if invitation_id:
        with service_context().database.transaction() as session:
            invitees = {str(i.id): i for i in list_invitations(session, ceremony.id)}
        if invitation_id not in invitees:
            errors["invitation_id"] = [_("Choose one of this ceremony's invitees.")]
        elif speaker is None:
            speaker = invitees[invitation_id].full_name
    fields = {
        "title": form.get("title", ""),
        "speaker": speaker,
        "role": form.get("role", "").strip() or None,
        "invitation_id": invitation_id if "invitation_id" not in errors else None,
        "registration_id": registration_id if "registration_id" not in errors else None,
        "starts_at": _item_start(form, ceremony, errors),
    }
    try:
        item = _ITEM.load(fields)
    except ValidationError as error:
        errors = {**error.messages, **errors}
    if errors:
        raise ValidationError(errors)
    return item


def _item_start(form, ceremony, errors: dict) -> str | None:
    """An item's time on the ceremony's own clock, on its day (or the next, for a ceremony
    that runs past midnight and a time before it began)."""
    value = form.get("start_time", "").strip()
    if not value:
        return None
    try:
        clock = time.fromisoformat(value)
    except ValueError:
        errors["start_time"] = [_("Not a time, e.g. 14:30.")]
        return None
    zone = ZoneInfo(ceremony.timezone)
    day = ceremony.starts_at.astimezone(zone).date()
    try:
        instant = local_instant(day, clock, ceremony.timezone)
        if instant < ceremony.starts_at and day < ceremony.ends_at.astimezone(zone).date():
            instant = local_instant(day + timedelta(days=1), clock, ceremony.timezone)
    except DomainError as error:
        errors["start_time"] = [_time_refusal(error, ceremony.timezone)]
        return None
    return instant.isoformat()


# -- the dashboard ---------------------------------------------------------------------------


@bp.route("/ceremonies/<uuid:ceremony_id>")
@console_page(READ)
def dashboard(ceremony_id: uuid.UUID):
    """A ceremony at a glance: when and where, seats, and how many guests are in each state."""
    with service_context().database.transaction() as session:
        try:
            ceremony = get_ceremony(session, ceremony_id)
        except DomainError:
            return refusal_page(404, _("No such ceremony."))
        counts = ceremony_counts(session, ceremony_id)
        invitations = invitation_counts(session, ceremony_id)
    return render_page(
        PAGES + "dashboard.html",
        ceremony=ceremony,
        active="overview",
        counts=counts,
        invitations=invitations,
        mode_label=MODE_LABELS.get(ceremony.registration_mode, ceremony.registration_mode),
        may_manage=has_permission(g.console_principal, ceremony_id, MANAGE),
    )
