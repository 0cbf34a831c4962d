"""Console pages of invitations: the list and its actions (send, remind, withdraw, record an
answer), inviting one person, an invitee's page, the import wizard of a CSV or XLSX file
(upload → mapping → preview → import), and the exports."""

from __future__ import annotations

import uuid
from datetime import datetime
from urllib.parse import quote
from zoneinfo import ZoneInfo

from flask import Blueprint, flash, g, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from shared.access import MANAGE, READ, actor, current_principal, has_permission
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
from shared.contract import INVITATION_STATUSES, INVITEE_CATEGORIES
from shared.errors import DomainError
from shared.web import service_context

from .. import exports
from ..ceremonies import get_ceremony
from ..imports import (
    FIELDS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    check_rows,
    get_upload,
    invited_keys,
    keep_upload,
    mapping_problems,
    propose_mapping,
    read_table,
)
from ..invitations import (
    answer,
    count_by_status,
    delegation,
    get_invitation,
    import_invitees,
    invite,
    remind_pending,
    remove_draft,
    search_invitations,
    send_drafts,
    withdraw,
)
from ..links import links
from ..web.schemas import AnswerSchema, InviteeSchema
from .ceremonies import LANGUAGES

bp = Blueprint(
    "console_invitations",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

PAGES = "registration/invitations/"
BASE = "/ceremonies/<uuid:ceremony_id>/invitations"
STATUS_LABELS = {
    "draft": _l("Draft"),
    "pending": _l("Sent, no answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined"),
    "withdrawn": _l("Withdrawn"),
}
FIELD_LABELS = {
    "full_name": _l("Full name"),
    "given_name": _l("Given name"),
    "family_name": _l("Family name"),
    "family_first": _l("Family name first"),
    "name_latin": _l("Name in Latin letters"),
    "email": _l("Email"),
    "honorific": _l("Honorific"),
    "organisation": _l("Organisation"),
    "job_title": _l("Job title"),
    "language": _l("Language"),
    "category": _l("Category"),
    "precedence": _l("Precedence"),
    "companions_allowed": _l("Companions allowed"),
    "representative_allowed": _l("May send a representative"),
    "host": _l("Host"),
    "reply_by": _l("Reply by"),
    "dress_code": _l("Dress code"),
    "arrival_instructions": _l("Arrival instructions"),
}
CATEGORY_LABELS = {
    "dignitary": _l("Dignitary"),
    "speaker": _l("Speaker"),
    "participant": _l("Graduating participant"),
}
CHANNEL_LABELS = {
    "phone": _l("By phone"),
    "letter": _l("By letter"),
    "email": _l("By email"),
    "in_person": _l("In person"),
}
ENCODING_LABELS = {
    "utf-8": "UTF-8",
    "utf-8-sig": _l("UTF-8 with a byte-order mark"),
    "utf-16": "UTF-16",
    "cp1252": "Windows-1252",
}
DELIMITER_LABELS = {",": _l("comma"), ";": _l("semicolon"), "\t": _l("tab")}
FILE_TYPES = (".csv", ".txt", ".tsv", ".xlsx")
_INVITEE = InviteeSchema()
_ANSWER = AnswerSchema()


def _ceremony(ceremony_id: uuid.UUID):
    with service_context().database.transaction() as session:
        try:
            return get_ceremony(session, ceremony_id)
        except DomainError:
            return None


def _can_manage(ceremony_id: uuid.UUID) -> bool:
    return has_permission(g.console_principal, ceremony_id, MANAGE)


def _list_url(ceremony_id: uuid.UUID) -> str:
    return url_for(".invitations", ceremony_id=ceremony_id)


def _page(template: str, ceremony, status: int = 200, **context):
    return render_page(
        PAGES + template,
        status=status,
        ceremony=ceremony,
        active="invitations",
        can_manage=_can_manage(ceremony.id),
        status_labels=STATUS_LABELS,
        field_labels=FIELD_LABELS,
        channel_labels=CHANNEL_LABELS,
        **context,
    )


@bp.route(BASE)
@console_page(READ)
def invitations(ceremony_id: uuid.UUID):
    """The list: search as one types, filter by status, choose rows for an action."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    query = request.args.get("q", "")[:200]
    status = request.args.get("status", "")
    status = status if status in INVITATION_STATUSES else ""
    page = page_number()
    with service_context().database.transaction() as session:
        found, total = search_invitations(
            session,
            ceremony_id,
            query=query,
            status=status or None,
            offset=(page - 1) * PAGE_SIZE,
            limit=PAGE_SIZE,
        )
        counts = count_by_status(session, ceremony_id)
    context = {
        "invitations": found,
        "pagination": Pagination(page, PAGE_SIZE, total),
        "counts": counts,
        "filters": {"q": query, "status": status},
    }
    if is_htmx() and request.headers.get("HX-Target") == "invitation-results":
        return _page("_rows.html", ceremony, **context)
    return _page("list.html", ceremony, **context)


@bp.route(BASE + "/new", methods=["GET", "POST"])
@console_page(MANAGE)
def invite_one(ceremony_id: uuid.UUID):
    """Invite one person: save as a draft, or send at once."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    options = _invitee_options(ceremony)
    if request.method == "GET":
        form = {"category": "dignitary", "language": ceremony.default_language}
        return _page("new.html", ceremony, form=form, errors={}, **options)
    send = request.form.get("send") == "1"
    try:
        person = _INVITEE.load(_typed(request.form, list(_INVITEE.fields)))
        with service_context().database.transaction() as session:
            invite(session, ceremony_id, [person], send=send, actor=actor())
    except (ValidationError, DomainError) as error:
        errors = _person_errors(error)
        return _page("new.html", ceremony, 422, form=request.form, errors=errors, **options)
    flash(
        _("%(name)s was invited.", name=person["full_name"])
        if send
        else _("The invitation of %(name)s is saved as a draft.", name=person["full_name"]),
        "success",
    )
    return redirect(_list_url(ceremony_id), 303)


def _invitee_options(ceremony) -> dict:
    languages = list(dict.fromkeys([ceremony.default_language, *(ceremony.languages or [])]))
    return {
        # Each offered by its tag, which is what the field takes, named in the console's language.
        "languages": [(code, str(LANGUAGES.get(code.split("-")[0], code))) for code in languages],
        "categories": [(name, CATEGORY_LABELS[name]) for name in INVITEE_CATEGORIES],
    }


def _typed(form, names: list[str]) -> dict:
    """The fields a form filled, precedence and companions as numbers when they are."""
    given = {name: form.get(name, "").strip() for name in names if form.get(name, "").strip()}
    for name in ("precedence", "companions_allowed"):
        if given.get(name, "").isdigit():
            given[name] = int(given[name])
    return given


def _person_errors(error: ValidationError | DomainError) -> dict[str, str]:
    if isinstance(error, DomainError) and error.code == "already_invited":
        return {"email": _("Already invited to this ceremony.")}
    if isinstance(error, DomainError) and error.code == "invalid_reply_by":
        return {"reply_by": _("The reply-by date must be on or before the ceremony's day.")}
    return field_errors(error)


@bp.post(BASE + "/send")
@console_page(MANAGE)
def send(ceremony_id: uuid.UUID):
    """Send the chosen drafts, or every draft."""
    chosen = _chosen_ids()
    if chosen == []:
        flash(_("Choose the invitations to send."), "error")
        return redirect(_list_url(ceremony_id), 303)
    try:
        with service_context().database.transaction() as session:
            sent, skipped = send_drafts(session, ceremony_id, chosen, actor=actor())
    except DomainError as error:
        return _refused(ceremony_id, error)
    message = _("%(count)s invitations sent.", count=len(sent))
    if skipped:
        message += " " + _("%(count)s were not drafts and were left alone.", count=skipped)
    flash(message, "success")
    return redirect(_list_url(ceremony_id), 303)


@bp.post(BASE + "/remind")
@console_page(MANAGE)
def remind(ceremony_id: uuid.UUID):
    """Remind the chosen invitees, or everyone who has not answered."""
    chosen = _chosen_ids()
    if chosen == []:
        flash(_("Choose the invitees to remind."), "error")
        return redirect(_list_url(ceremony_id), 303)
    try:
        with service_context().database.transaction() as session:
            reminded, skipped = remind_pending(session, ceremony_id, chosen, actor=actor())
    except DomainError as error:
        return _refused(ceremony_id, error)
    message = _("%(count)s invitees reminded.", count=len(reminded))
    if skipped:
        message += " " + _(
            "%(count)s skipped: they answered, were not sent, or their reply-by date has passed.",
            count=skipped,
        )
    flash(message, "success")
    return redirect(_back(ceremony_id), 303)


def _back(ceremony_id: uuid.UUID) -> str:
    """Where a form asked to go back to: a page of this ceremony's invitations, else the list."""
    back = request.form.get("back", "")
    return back if back.startswith(_list_url(ceremony_id) + "/") else _list_url(ceremony_id)


def _chosen_ids() -> list[uuid.UUID] | None:
    """The ticked invitations, or None when the button means all of them."""
    if request.form.get("scope") == "all":
        return None
    chosen = []
    for value in request.form.getlist("invitation_id"):
        try:
            chosen.append(uuid.UUID(value))
        except ValueError:
            continue
    return chosen


def _refused(ceremony_id: uuid.UUID, error: DomainError):
    if error.kind == "not_found":
        return refusal_page(404, _("No such ceremony."))
    flash(error.message, "error")
    return redirect(_list_url(ceremony_id), 303)


def _invitation(ceremony_id: uuid.UUID, invitation_id: uuid.UUID):
    """The ceremony and its invitation, or None for either."""
    with service_context().database.transaction() as session:
        try:
            ceremony = get_ceremony(session, ceremony_id)
            invitation = get_invitation(session, invitation_id)
        except DomainError:
            return None, None
    return ceremony, (invitation if invitation.ceremony_id == ceremony.id else None)


@bp.route(BASE + "/<uuid:invitation_id>")
@console_page(READ)
def invitee(ceremony_id: uuid.UUID, invitation_id: uuid.UUID):
    """One invitee: who, the invitation's story, their RSVP link and registration."""
    ceremony, invitation = _invitation(ceremony_id, invitation_id)
    if invitation is None:
        return refusal_page(404, _("No such invitation."))
    rsvp_url = None
    if invitation.status not in ("draft", "withdrawn"):
        rsvp_url = links().rsvp_url(invitation.id, until=ceremony.ends_at)
    with service_context().database.transaction() as session:
        companions = delegation(session, invitation)
    return _page(
        "show.html", ceremony, invitation=invitation, rsvp_url=rsvp_url, companions=companions
    )


@bp.route(BASE + "/<uuid:invitation_id>/withdraw", methods=["GET", "POST"])
@console_page(MANAGE)
def withdraw_one(ceremony_id: uuid.UUID, invitation_id: uuid.UUID):
    """Withdraw a sent invitation, or remove a draft, after a confirmation."""
    ceremony, invitation = _invitation(ceremony_id, invitation_id)
    if invitation is None:
        return refusal_page(404, _("No such invitation."))
    if request.method == "GET":
        return _page("withdraw.html", ceremony, invitation=invitation)
    try:
        with service_context().database.transaction() as session:
            if invitation.status == "draft":
                remove_draft(session, invitation_id, actor=actor())
                message = _("The draft for %(name)s is removed.", name=invitation.full_name)
            else:
                withdraw(session, invitation_id, actor=actor())
                message = _("The invitation of %(name)s is withdrawn.", name=invitation.full_name)
    except DomainError as error:
        return _refused(ceremony_id, error)
    flash(message, "success")
    return redirect(_list_url(ceremony_id), 303)


@bp.route(BASE + "/<uuid:invitation_id>/answer", methods=["GET", "POST"])
@console_page(MANAGE)
def record_answer(ceremony_id: uuid.UUID, invitation_id: uuid.UUID):
    """Record an answer given by phone, letter, email or in person."""
    ceremony, invitation = _invitation(ceremony_id, invitation_id)
    if invitation is None:
        return refusal_page(404, _("No such invitation."))
    if request.method == "GET":
        return _page("answer.html", ceremony, invitation=invitation, form={}, errors={})
    try:
        body = _ANSWER.load(_typed(request.form, ["answer", "via", "note", "regrets"]))
        with service_context().database.transaction() as session:
            answer(
                session,
                invitation_id,
                body["answer"],
                by="organiser",
                via=body["via"],
                note=body["note"],
                regrets=body["regrets"],
                actor=actor(),
            )
    except (ValidationError, DomainError) as error:
        return _page(
            "answer.html",
            ceremony,
            422,
            invitation=invitation,
            form=request.form,
            errors=field_errors(error),
        )
    flash(_("The answer of %(name)s is recorded.", name=invitation.full_name), "success")
    return redirect(_back(ceremony_id), 303)


# The import wizard: upload → mapping → preview → import (all or nothing).


@bp.route(BASE + "/import", methods=["GET", "POST"])
@console_page(MANAGE)
def import_upload(ceremony_id: uuid.UUID):
    """Upload a CSV or XLSX file of invitees; it is kept until it is imported."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    if request.method == "GET":
        return _upload_page(ceremony)
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _upload_page(ceremony, _("Choose a .csv or .xlsx file."), 422)
    if not upload.filename.lower().endswith(FILE_TYPES):
        return _upload_page(ceremony, _("Upload a .csv or .xlsx file."), 422)
    content = upload.read(MAX_FILE_BYTES + 1)
    try:
        with service_context().database.transaction() as session:
            kept = keep_upload(
                session,
                ceremony_id,
                upload.filename,
                content,
                created_by=g.console_principal.account_id,
            )
    except DomainError as error:
        status = 413 if error.code == "file_too_large" else 422
        return _upload_page(ceremony, error.message, status)
    return redirect(url_for(".import_mapping", ceremony_id=ceremony_id, import_id=kept.id), 303)


def _max_megabytes() -> str:
    """The largest file taken, in MB: the import's limit, or the service's body limit below it."""
    limit = min(MAX_FILE_BYTES, service_context().settings.max_body_bytes)
    return f"{limit / (1024 * 1024):g}"


def _upload_page(ceremony, error: str | None = None, status: int = 200):
    return _page(
        "import.html",
        ceremony,
        status,
        errors={"file": error} if error else {},
        max_mb=_max_megabytes(),
        max_rows=MAX_ROWS,
    )


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body over the service's limit never reaches the view: say so beside the file field
    to whoever may import, and refuse everyone else as the view would."""
    ceremony_id = (request.view_args or {}).get("ceremony_id")
    principal = current_principal()
    if request.endpoint != "console_invitations.import_upload" or principal is None:
        return refusal_page(413, _("The request is too large."))
    if not has_permission(principal, ceremony_id, MANAGE):
        return refusal_page(403, _("Your role on this ceremony does not allow this page."))
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    g.console_principal = principal
    message = _("The file is larger than %(mb)s MB.", mb=_max_megabytes())
    return _upload_page(ceremony, message, 413)


def _kept(ceremony_id: uuid.UUID, import_id: uuid.UUID):
    """The ceremony, the upload's name and its table; None for the table when it is gone."""
    with service_context().database.transaction() as session:
        try:
            ceremony = get_ceremony(session, ceremony_id)
            upload = get_upload(session, ceremony_id, import_id)
        except DomainError:
            return None, None, None
        invited = invited_keys(session, ceremony_id)
    return ceremony, upload.filename, (read_table(upload.content), invited)


def _mapping(table, source) -> list[str]:
    """The field chosen for each column (``col0``, ``col1``...), or the one proposed."""
    proposed = propose_mapping(table.header)
    if not any(f"col{index}" in source for index in range(len(table.header))):
        return proposed
    chosen = [source.get(f"col{index}", "") for index in range(len(table.header))]
    return [name if name in FIELDS else "" for name in chosen]


def _wizard(ceremony, filename, table, import_id, mapping, **context) -> dict:
    return {
        "filename": filename,
        "table": table,
        "import_id": import_id,
        "mapping": mapping,
        "chosen": {f"col{index}": name for index, name in enumerate(mapping)},
        "encoding": ENCODING_LABELS.get(table.encoding) if table.encoding else None,
        "delimiter": DELIMITER_LABELS.get(table.delimiter) if table.delimiter else None,
        "field_options": [("", _("Ignore this column"))]
        + [(name, FIELD_LABELS[name]) for name in FIELDS],
        **context,
    }


@bp.route(BASE + "/import/<uuid:import_id>")
@console_page(MANAGE)
def import_mapping(ceremony_id: uuid.UUID, import_id: uuid.UUID):
    """Which field each column of the file holds (proposed from its headers)."""
    ceremony, filename, read = _kept(ceremony_id, import_id)
    if read is None:
        return refusal_page(404, _("No such import: upload the file again."))
    table, _invited = read
    mapping = _mapping(table, request.args)
    samples = [
        [cells[index] if index < len(cells) else "" for _number, cells in table.rows[:3]]
        for index in range(len(table.header))
    ]
    context = _wizard(ceremony, filename, table, import_id, mapping, samples=samples)
    return _page("import_mapping.html", ceremony, **context)


@bp.route(BASE + "/import/<uuid:import_id>/preview")
@console_page(MANAGE)
def import_preview(ceremony_id: uuid.UUID, import_id: uuid.UUID):
    """The rows as they will be imported, each bad one with its field and message."""
    return _preview(ceremony_id, import_id, request.args)


def _preview(ceremony_id, import_id, source, *, status: int = 200, notice: str | None = None):
    ceremony, filename, read = _kept(ceremony_id, import_id)
    if read is None:
        return refusal_page(404, _("No such import: upload the file again."))
    table, invited = read
    mapping = _mapping(table, source)
    problems = mapping_problems(mapping)
    checked = None if problems else check_rows(table, mapping, _INVITEE.load, invited)
    context = _wizard(
        ceremony,
        filename,
        table,
        import_id,
        mapping,
        problems=problems,
        checked=checked,
        columns=[name for name in FIELDS if name not in ("given_name", "family_name")],
        send=source.get("send") == "1",
    )
    return _page("import_preview.html", ceremony, status, notice=notice, **context)


@bp.post(BASE + "/import/<uuid:import_id>")
@console_page(MANAGE)
def import_file(ceremony_id: uuid.UUID, import_id: uuid.UUID):
    """Import every row as an invitation (drafts, or sent now), or none if any row is bad."""
    ceremony, _filename, read = _kept(ceremony_id, import_id)
    if read is None:
        return refusal_page(404, _("No such import: upload the file again."))
    mapping = _mapping(read[0], request.form)
    send = request.form.get("send") == "1"
    try:
        with service_context().database.transaction() as session:
            invited = import_invitees(
                session,
                ceremony_id,
                import_id,
                mapping,
                load=_INVITEE.load,
                send=send,
                actor=actor(),
            )
    except DomainError as error:
        if error.kind == "not_found":
            return refusal_page(404, _("No such import: upload the file again."))
        notice = _("Nothing was imported.") + " " + error.message
        return _preview(ceremony_id, import_id, request.form, status=422, notice=notice)
    message = (
        _("%(count)s invitations imported and sent.", count=len(invited))
        if send
        else _("%(count)s invitations imported as drafts.", count=len(invited))
    )
    flash(message, "success")
    return redirect(_list_url(ceremony.id), 303)


# Exports (read): every invitation of the ceremony in protocol order.

EXPORT_COLUMNS = (
    "honorific",
    "full_name",
    "email",
    "organisation",
    "job_title",
    "language",
    "category",
    "precedence",
    "status",
    "sent_at",
    "opened_at",
    "answered_at",
    "answered_by",
    "bounced_at",
    "withdrawn_at",
    "given_name",
    "family_name",
    "name_latin",
)


@bp.route("/ceremonies/<uuid:ceremony_id>/exports/invitations.<any(csv, xlsx):extension>")
@console_page(READ)
def export_invitations(ceremony_id: uuid.UUID, extension: str):
    """The invitations as a CSV (with a byte-order mark, for Excel) or an XLSX file."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    with service_context().database.transaction() as session:
        found, _total = search_invitations(session, ceremony_id, limit=None)
    zone = ZoneInfo(ceremony.timezone)
    rows = [
        [_export_value(invitation, name, zone) for name in EXPORT_COLUMNS] for invitation in found
    ]
    columns = list(EXPORT_COLUMNS)
    if extension == "csv":
        content, mimetype = exports.csv_bytes(columns, rows), "text/csv; charset=utf-8"
    else:
        content = exports.xlsx_bytes(columns, rows, sheet=_("Invitations"))
        mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    filename = exports.export_filename(ceremony, "invitations", extension)
    return (
        content,
        200,
        {
            "Content-Type": mimetype,
            "Content-Disposition": f'attachment; filename="{exports.ascii_filename(filename)}"; '
            f"filename*=UTF-8''{quote(filename)}",
        },
    )


def _export_value(invitation, name: str, zone: ZoneInfo):
    """A cell of the export; times in the ceremony's time zone, to the minute."""
    value = getattr(invitation, name)
    if isinstance(value, datetime):
        return value.astimezone(zone).isoformat(timespec="minutes")
    return value
