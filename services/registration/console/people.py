"""Console pages of people and access: a ceremony's team and their roles, its door devices
(enrolled by a QR code), its audit trail; and the signed-in person's own sessions."""

from __future__ import annotations

import json
import uuid
from datetime import datetime

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError

from shared.access import GRANT, MANAGE, PROTOCOL, READ, actor, has_permission
from shared.audit import ACTOR_KINDS
from shared.console import CONSOLE_PREFIXES
from shared.console.formatting import local_time
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
from shared.errors import DomainError
from shared.web import KIND_STATUS, service_context

from ..accounts import end_account_session, get_account, open_sessions, sign_out_everywhere
from ..ceremonies import gate_named
from ..devices import (
    create_device,
    device_status,
    enrolment_code,
    enrolment_url,
    get_device,
    revoke_device,
)
from ..models import Ceremony, Device
from ..people_queries import audit_actions, audit_page, device_page
from ..teams import change_role, invite_teammate, team_of, withdraw_teammate
from ..web.account_schemas import RoleChangeSchema, TeammateInSchema
from ..web.auth import sign_out_browser
from ..web.device_schemas import DeviceInSchema
from ..web.devices import qr_png_data_url

bp = Blueprint(
    "console_people",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

PAGES = "registration/people/"
ROLES = {
    "owner": (_l("Owner"), _l("Everything, the team included.")),
    "organiser": (_l("Organiser"), _l("The ceremony, its guests, invitations and emails.")),
    "protocol": (_l("Protocol"), _l("Sees everything; works the door and the VIP arrivals.")),
    "door": (_l("Door"), _l("Scans badges, at the gates named, or at every gate.")),
    "viewer": (_l("Viewer"), _l("Sees everything, changes nothing.")),
}
ACTOR_KINDS_SHOWN = {
    "session": _l("A person"),
    "apikey": _l("An API key"),
    "device": _l("A door device"),
    "guest": _l("A guest"),
    "system": _l("The system"),
}
DEVICE_STATUSES = {
    "waiting": _l("Waiting for enrolment"),
    "enrolled": _l("Enrolled"),
    "expired": _l("Expired"),
    "revoked": _l("Revoked"),
}
#: The refusals of the team's rules, as the page says them and where.
TEAM_REFUSALS = {
    "already_in_team": ("email", _l("Already on this ceremony's team: change their role below.")),
    "display_name_required": ("display_name", _l("This address has no account yet: give a name.")),
    "last_owner": (
        "_form",
        _l("This is the ceremony's last owner. Make someone else owner first."),
    ),
    "gates_for_door_only": ("gates", _l("Only the door role is limited to gates.")),
}
#: The refusals of the device rules, as the page says them and where.
DEVICE_REFUSALS = {
    "unknown_gate": ("gate", _l("Choose one of the ceremony's gates.")),
    "invalid_gate": ("gate", _l("Give the gate as one line of printable characters.")),
    "ceremony_ended": ("_form", _l("The ceremony has ended: no device can be enrolled for it.")),
}
SIGN_IN_METHODS = {
    "password": _l("Password"),
    "totp": _l("Password and code"),
    "recovery_code": _l("Password and recovery code"),
    "sso": _l("Single sign-on"),
}
_TEAMMATE = TeammateInSchema()
_ROLE_CHANGE = RoleChangeSchema()
_DEVICE = DeviceInSchema()


def _ceremony(session, ceremony_id: uuid.UUID) -> Ceremony | None:
    return session.get(Ceremony, ceremony_id)


def _no_ceremony():
    return refusal_page(404, _("There is no such ceremony."))


def _refusal(error: DomainError, known=TEAM_REFUSALS) -> dict[str, str]:
    """A rule's refusal as messages beside the form's fields."""
    if error.code in known:
        name, message = known[error.code]
        return {name: str(message)}
    return _joined(field_errors(error))


def _joined(errors: dict[str, str]) -> dict[str, str]:
    """Errors of one gate of the list (``gates.2``) shown beside the gates field."""
    joined: dict[str, str] = {}
    for name, message in errors.items():
        joined.setdefault(name.split(".")[0], message)
    return joined


# -- the team ---------------------------------------------------------------------------------


def _gates_typed(text: str) -> list[str]:
    """Gates typed as one line, separated by commas."""
    return [gate.strip() for gate in (text or "").split(",") if gate.strip()]


def _known_gates(ceremony: Ceremony, gates: list[str]) -> list[str]:
    """The gates in the ceremony's spelling; a ceremony that names none takes any."""
    if not ceremony.gates:
        return gates
    unknown = [gate for gate in gates if gate_named(ceremony, gate) is None]
    if unknown:
        raise DomainError(
            "unknown_gate",
            _("Not a gate of this ceremony."),
            kind="invalid",
            errors={
                "gates": [
                    _(
                        "%(gates)s: not a gate of this ceremony (its gates: %(known)s).",
                        gates=", ".join(unknown),
                        known=", ".join(ceremony.gates),
                    )
                ]
            },
        )
    return [gate_named(ceremony, gate) for gate in gates]


def _team_page(ceremony_id: uuid.UUID, *, status: int = 200, row=None, **context):
    """The team page; ``row``: a teammate's change that was refused, with what was typed."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return _no_ceremony()
        members = team_of(session, ceremony_id)
    context.setdefault("form", {"role": "organiser"})
    context.setdefault("errors", {})
    if ceremony.gates:
        hint = _(
            "Separated by commas; empty: every gate. This ceremony's gates: %(gates)s.",
            gates=", ".join(ceremony.gates),
        )
    else:
        hint = _("Separated by commas; empty: every gate.")
    return render_page(
        PAGES + "team.html",
        status=status,
        ceremony=ceremony,
        active="team",
        title=_("Team"),
        members=members,
        roles=ROLES,
        roles_options=[(value, label) for value, (label, _what) in ROLES.items()],
        gates_hint=hint,
        may_grant=has_permission(g.console_principal, ceremony_id, GRANT),
        row=row,
        **context,
    )


def _roles_changed() -> None:
    """This process's cache of roles is stale after a change."""
    service_context().credentials.forget()


@bp.get("/ceremonies/<uuid:ceremony_id>/team")
@console_page(READ)
def team(ceremony_id: uuid.UUID):
    """The people holding a role on the ceremony; its owners invite and change them here."""
    return _team_page(ceremony_id)


@bp.post("/ceremonies/<uuid:ceremony_id>/team")
@console_page(GRANT)
def invite(ceremony_id: uuid.UUID):
    """Give an address a role on the ceremony; a new person is emailed a link to set a
    password."""
    typed = request.form
    fields = {
        "email": typed.get("email", "").strip(),
        "display_name": typed.get("display_name", "").strip() or None,
        "role": typed.get("role", ""),
        "gates": _gates_typed(typed.get("gates", "")),
    }
    try:
        body = _TEAMMATE.load(fields)
        with service_context().database.transaction() as session:
            ceremony = _ceremony(session, ceremony_id)
            if ceremony is None:
                return _no_ceremony()
            body["gates"] = _known_gates(ceremony, body["gates"])
            member = invite_teammate(session, actor(), ceremony_id, **body)
            name, emailed = member.account.display_name, member.account.password_hash is None
    except ValidationError as error:
        return _team_page(ceremony_id, form=typed, errors=_joined(field_errors(error)), status=422)
    except DomainError as error:
        status = KIND_STATUS.get(error.kind, 409)
        return _team_page(ceremony_id, form=typed, errors=_refusal(error), status=status)
    _roles_changed()
    role = ROLES[body["role"]][0]
    if emailed:
        done = _("%(name)s is on the team as %(role)s; an email asks them to set a password.")
    else:
        done = _("%(name)s is on the team as %(role)s.")
    flash(done % {"name": name, "role": role}, "success")
    return redirect(url_for(".team", ceremony_id=ceremony_id), 303)


@bp.post("/ceremonies/<uuid:ceremony_id>/team/<uuid:account_id>")
@console_page(GRANT)
def change_teammate(ceremony_id: uuid.UUID, account_id: uuid.UUID):
    """Change a teammate's role (and, for the door, its gates)."""
    typed = request.form
    fields = {"role": typed.get("role", ""), "gates": _gates_typed(typed.get("gates", ""))}
    try:
        body = _ROLE_CHANGE.load(fields)
        with service_context().database.transaction() as session:
            ceremony = _ceremony(session, ceremony_id)
            if ceremony is None:
                return _no_ceremony()
            body["gates"] = _known_gates(ceremony, body["gates"])
            member = change_role(session, actor(), ceremony_id, account_id, **body)
    except ValidationError as error:
        row = {"id": account_id, "form": typed, "errors": _joined(field_errors(error))}
        return _team_page(ceremony_id, row=row, status=422)
    except DomainError as error:
        if error.kind == "not_found":
            return refusal_page(404, _("This person is not on the ceremony's team."))
        row = {"id": account_id, "form": typed, "errors": _refusal(error)}
        return _team_page(ceremony_id, row=row, status=KIND_STATUS.get(error.kind, 409))
    _roles_changed()
    name, role = member.account.display_name, ROLES[member.role][0]
    flash(_("%(name)s is now %(role)s.", name=name, role=role), "success")
    return redirect(url_for(".team", ceremony_id=ceremony_id), 303)


@bp.route("/ceremonies/<uuid:ceremony_id>/team/<uuid:account_id>/remove", methods=["GET", "POST"])
@console_page(GRANT)
def remove_teammate(ceremony_id: uuid.UUID, account_id: uuid.UUID):
    """Ask, then take a teammate's role on the ceremony away."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return _no_ceremony()
        member = next(
            (m for m in team_of(session, ceremony_id) if m.account.id == account_id), None
        )
    if member is None:
        return refusal_page(404, _("This person is not on the ceremony's team."))
    if request.method == "GET":
        return render_page(
            PAGES + "confirm.html",
            ceremony=ceremony,
            active="team",
            title=_("Remove %(name)s from the team?", name=member.account.display_name),
            question=_(
                "%(name)s (%(email)s) will no longer hold the role %(role)s on this ceremony; "
                "their sessions lose it at once.",
                name=member.account.display_name,
                email=member.account.email,
                role=ROLES[member.role][0],
            ),
            button=_("Remove from the team"),
            back=url_for(".team", ceremony_id=ceremony_id),
        )
    try:
        with service_context().database.transaction() as session:
            withdraw_teammate(session, actor(), ceremony_id, account_id)
    except DomainError as error:
        refusal = _refusal(error).get("_form", error.message)
        return _team_page(ceremony_id, refusal=refusal, status=KIND_STATUS.get(error.kind, 409))
    _roles_changed()
    flash(_("%(name)s is no longer on the team.", name=member.account.display_name), "success")
    return redirect(url_for(".team", ceremony_id=ceremony_id), 303)


# -- door devices -------------------------------------------------------------------------------


def _enrolment(ceremony: Ceremony, device) -> dict | None:
    """The QR code, link and expiry of a device still waiting for its enrolment."""
    if device is None or device.ceremony_id != ceremony.id or device_status(device) != "waiting":
        return None
    context = service_context()
    url = enrolment_url(context.settings.public_url, enrolment_code(context.signer, device))
    return {"device": device, "url": url, "qr": qr_png_data_url(url)}


def _devices_page(ceremony_id: uuid.UUID, *, status: int = 200, shown=None, **context):
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return _no_ceremony()
        page = page_number()
        devices, total = device_page(
            session, ceremony_id, offset=(page - 1) * PAGE_SIZE, limit=PAGE_SIZE
        )
        enrolment = _enrolment(ceremony, session.get(Device, shown) if shown else None)
    context.setdefault("form", {})
    context.setdefault("errors", {})
    return render_page(
        PAGES + "devices.html",
        status=status,
        ceremony=ceremony,
        active="devices",
        title=_("Gates and devices"),
        devices=[(device, device_status(device)) for device in devices],
        statuses=DEVICE_STATUSES,
        pagination=Pagination(page, PAGE_SIZE, total),
        enrolment=enrolment,
        gate_options=[(gate, gate) for gate in ceremony.gates or []],
        may_manage=has_permission(g.console_principal, ceremony_id, MANAGE),
        **context,
    )


def _uuid_arg(name: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(request.args.get(name, ""))
    except ValueError:
        return None


@bp.get("/ceremonies/<uuid:ceremony_id>/devices")
@console_page(PROTOCOL)
def devices(ceremony_id: uuid.UUID):
    """The ceremony's gates and door devices; a device just asked for shows its QR code."""
    return _devices_page(ceremony_id, shown=_uuid_arg("enrolment"))


@bp.post("/ceremonies/<uuid:ceremony_id>/devices")
@console_page(PROTOCOL)
def enrol_device(ceremony_id: uuid.UUID):
    """Ask for a device's enrolment code at a gate; the page then shows it as a QR code."""
    typed = request.form
    fields = {"gate": typed.get("gate", ""), "name": typed.get("name", "").strip() or None}
    principal = g.console_principal
    try:
        body = _DEVICE.load(fields)
        with service_context().database.transaction() as session:
            device = create_device(
                session,
                ceremony_id,
                body["gate"],
                body.get("name"),
                created_by=principal.account_id or principal.credential_id,
                actor=actor(),
            )
    except ValidationError as error:
        return _devices_page(ceremony_id, form=typed, errors=field_errors(error), status=422)
    except DomainError as error:
        if error.kind == "not_found":
            return _no_ceremony()
        status = KIND_STATUS.get(error.kind, 409)
        errors = _refusal(error, DEVICE_REFUSALS)
        return _devices_page(ceremony_id, form=typed, errors=errors, status=status)
    return redirect(url_for(".devices", ceremony_id=ceremony_id, enrolment=device.id), 303)


@bp.route("/ceremonies/<uuid:ceremony_id>/devices/<uuid:device_id>/revoke", methods=["GET", "POST"])
@console_page(PROTOCOL)
def revoke(ceremony_id: uuid.UUID, device_id: uuid.UUID):
    """Ask, then refuse a door device everywhere from now on."""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        try:
            device = get_device(session, device_id)
        except DomainError:
            device = None
    if ceremony is None:
        return _no_ceremony()
    if device is None or device.ceremony_id != ceremony_id:
        return refusal_page(404, _("This ceremony has no such device."))
    if request.method == "GET":
        return render_page(
            PAGES + "confirm.html",
            ceremony=ceremony,
            active="devices",
            title=_("Revoke the device %(name)s?", name=device.name),
            question=_(
                "The device %(name)s at the gate %(gate)s will be refused by every service "
                "within moments; it cannot be enrolled again.",
                name=device.name,
                gate=device.gate,
            ),
            button=_("Revoke the device"),
            back=url_for(".devices", ceremony_id=ceremony_id),
        )
    with service_context().database.transaction() as session:
        revoke_device(session, device_id, actor=actor())
    # This process's copy of the revocation counts at once, not after the cache's second.
    service_context().credentials.forget()
    flash(_("The device %(name)s is revoked.", name=device.name), "success")
    return redirect(url_for(".devices", ceremony_id=ceremony_id), 303)


# -- the audit trail ----------------------------------------------------------------------------


@bp.get("/ceremonies/<uuid:ceremony_id>/audit")
@console_page(READ)
def audit_trail(ceremony_id: uuid.UUID):
    """Who changed what in the ceremony's registrations, newest first, filtered."""
    action = request.args.get("action", "").strip()[:64]
    kind = request.args.get("actor_kind", "")
    kind = kind if kind in ACTOR_KINDS else ""
    with service_context().database.transaction() as session:
        ceremony = _ceremony(session, ceremony_id)
        if ceremony is None:
            return _no_ceremony()
        page = page_number()
        rows, total = audit_page(
            session,
            ceremony_id,
            action=action or None,
            actor_kind=kind or None,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        actions = audit_actions(session, ceremony_id)
    context = {
        "ceremony": ceremony,
        "rows": [(row, _changes(row, ceremony.timezone)) for row in rows],
        "pagination": Pagination(page, PAGE_SIZE, total),
        "filters": {"action": action, "actor_kind": kind},
        "actions": actions,
        "actor_kinds": ACTOR_KINDS_SHOWN,
    }
    if is_htmx():
        return render_page(PAGES + "_audit_results.html", **context)
    return render_page(PAGES + "audit.html", active="audit", title=_("Audit trail"), **context)


#: The longest a changed value is shown in the table (the CSV holds it whole).
VALUE_MAX_CHARS = 80


def _changes(row, zone: str) -> list[tuple[str, str | None, str | None]]:
    """An entry's changed fields: (name, before, after), None where a side has no value."""
    before, after = row.before, row.after
    names = list(after or {}) + [name for name in before or {} if name not in (after or {})]
    return [
        (
            name,
            _value(before.get(name), zone) if before is not None else None,
            _value(after.get(name), zone) if after is not None else None,
        )
        for name in names
    ]


def _value(value, zone: str) -> str:
    """A recorded value as the page shows it: instants in the ceremony's time, shortened."""
    if value is None:
        return "—"
    if isinstance(value, str):
        try:
            instant = datetime.fromisoformat(value)
        except ValueError:
            instant = None
        text = local_time(instant, zone) if instant and instant.tzinfo else value
    else:
        text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= VALUE_MAX_CHARS else text[: VALUE_MAX_CHARS - 1] + "…"


# -- the signed-in person's own account (no ceremony) -------------------------------------------


def _session_principal():
    principal = g.console_principal
    return principal if principal.kind == "session" else None


@bp.get("/account")
@console_page()
def account():
    """The signed-in person's name, second factor and sessions."""
    principal = _session_principal()
    if principal is None:
        return refusal_page(403, _("This page is about a signed-in person's own account."))
    with service_context().database.transaction() as session:
        try:
            person = get_account(session, principal.account_id)
        except DomainError:
            person = None
        sessions = open_sessions(session, principal.account_id)
    return render_page(
        PAGES + "account.html",
        title=_("Your account"),
        person=person,
        sessions=sessions,
        current=principal.credential_id,
        methods=SIGN_IN_METHODS,
    )


@bp.post("/account/sessions/<uuid:session_id>/sign-out")
@console_page()
def sign_out_session(session_id: uuid.UUID):
    """Sign out one of the person's sessions (another browser, a lost phone)."""
    principal = _session_principal()
    if principal is None:
        return refusal_page(403, _("This page is about a signed-in person's own account."))
    try:
        with service_context().database.transaction() as session:
            end_account_session(session, principal.account_id, session_id)
    except DomainError:
        return refusal_page(404, _("You have no such session."))
    service_context().credentials.forget()
    if str(session_id) == principal.credential_id:
        sign_out_browser()
        return redirect("/sign-in?signed_out=1", 303)
    flash(_("That session is signed out."), "success")
    return redirect(url_for(".account"), 303)


@bp.post("/account/sign-out-everywhere")
@console_page()
def sign_out_all():
    """Sign out every session of the person, this browser's included."""
    principal = _session_principal()
    if principal is None:
        return refusal_page(403, _("This page is about a signed-in person's own account."))
    with service_context().database.transaction() as session:
        sign_out_everywhere(session, principal.account_id)
    service_context().credentials.forget()
    sign_out_browser()
    return redirect("/sign-in?signed_out=1", 303)
