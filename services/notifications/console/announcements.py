"""Console page of a ceremony's announcements: the list (drafts, scheduled, sent with their
counts), and the form to write one per language, preview it, test it, send or schedule it."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from flask import Blueprint, redirect, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from marshmallow import ValidationError
from werkzeug.datastructures import MultiDict

from shared.access import MANAGE, READ, actor, current_principal, has_permission
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import console_page, field_errors, refusal_page, render_page
from shared.contract import CATEGORIES
from shared.errors import DomainError
from shared.web import service_context

from ..announcements import (
    announce,
    audience_size,
    cancel_announcement,
    get_announcement,
    languages_of,
    list_announcements,
    preview_announcement,
    send_test,
)
from ..compose.contexts import Recipient
from ..compose.identity import identity
from ..compose.sanitising import email_address
from ..deliver.assembly import ACCOUNT_TEMPLATES
from ..deliver.log import account_address, counts_by_event
from ..projections import ceremony_row
from ..web.schemas import AnnouncementInSchema
from .words import ANNOUNCEMENT_STATUS_LABELS, STATUS_LABELS

bp = Blueprint(
    "console_announcements",
    __name__,
    url_prefix=CONSOLE_PREFIXES["notifications"],
    template_folder="templates",
)

#: Who an announcement may go to: registrations by status, invitees by their answer.
STATUSES = ("confirmed", "waitlisted")
INVITATION_STATUSES = ("pending",)
ACTIONS = ("preview", "test", "send", "schedule", "draft")
DONE = {
    "sent": _l("The announcement is being sent."),
    "scheduled": _l("The announcement is scheduled."),
    "draft": _l("The draft is saved."),
    "test": _l("The test email is on its way."),
    "cancelled": _l("The announcement is cancelled."),
}


def known_address(session, account_id: str | None) -> str:
    """The signed-in person's address, if an email to their account went through here."""
    return account_address(session, account_id, ACCOUNT_TEMPLATES)


def _blank_form(ceremony, address: str) -> MultiDict:
    form = MultiDict(
        [("categories", category) for category in CATEGORIES] + [("statuses", "confirmed")]
    )
    form["preview_language"] = ceremony.default_language
    form["test_address"] = address
    return form


def _draft_form(ceremony, draft, address: str) -> MultiDict:
    form = MultiDict(
        [("categories", value) for value in draft.categories]
        + [("statuses", value) for value in draft.statuses]
        + [("invitation_statuses", value) for value in draft.invitation_statuses]
    )
    for language, text in (draft.bodies or {}).items():
        form[f"subject_{language}"] = text["subject"]
        form[f"body_{language}"] = text["body"]
    form["draft_id"] = str(draft.id)
    form["preview_language"] = ceremony.default_language
    form["test_address"] = address
    return form


def _send_at(ceremony, form) -> tuple[datetime | None, dict[str, str]]:
    """The date and local time typed, in the ceremony's time zone."""
    day, clock = form.get("send_date", "").strip(), form.get("send_time", "").strip()
    if not day or not clock:
        return None, {"send_at": _("Choose a date and a time.")}
    try:
        local = datetime.fromisoformat(f"{day}T{clock}")
    except ValueError:
        return None, {"send_at": _("Not a date and time, e.g. 2026-12-16 and 09:30.")}
    if local.tzinfo is not None:
        return None, {"send_at": _("A time in the ceremony's time zone, without an offset.")}
    return local.replace(tzinfo=ZoneInfo(ceremony.timezone)), {}


def _errors_for_form(errors: dict[str, str]) -> dict[str, str]:
    """The schema's and the rules' field names as the form's."""
    mapped: dict[str, str] = {}
    for name, message in errors.items():
        parts = name.split(".")
        if parts[0] == "bodies" and len(parts) >= 3:
            key = f"{parts[-1]}_{parts[1]}"  # bodies.fr.value.subject → subject_fr
        elif parts[0] == "bodies" and len(parts) == 2:
            key = f"subject_{parts[1]}"
        else:
            key = parts[0]
        mapped.setdefault(key, message)
    return mapped


def read_fields(ceremony, form) -> tuple[dict[str, Any], dict[str, str]]:
    """The announcement as typed, checked as the API checks it; and the errors by field."""
    bodies = {}
    for language in languages_of(ceremony):
        subject = form.get(f"subject_{language}", "")
        body = form.get(f"body_{language}", "")
        if subject.strip() or body.strip():
            bodies[language] = {"subject": subject, "body": body}
    payload = {
        "bodies": bodies,
        "categories": form.getlist("categories"),
        "statuses": form.getlist("statuses"),
        "invitation_statuses": form.getlist("invitation_statuses"),
    }
    try:
        fields = AnnouncementInSchema().load(payload)
    except ValidationError as error:
        return payload, _errors_for_form(field_errors(error))
    if not bodies:
        return fields, {"bodies": _("Write the subject and text in at least one language.")}
    return fields, {}


def _page(ceremony, form, errors=None, *, preview=None, status=200, notice=None):
    with service_context().database.transaction() as session:
        rows = list_announcements(session, ceremony.id)
        counts = counts_by_event(session, [row.id for row in rows])
    return render_page(
        "notifications/announcements/page.html",
        status=status,
        ceremony=ceremony,
        active="announcements",
        rows=rows,
        counts=counts,
        form=form,
        errors=errors or {},
        preview=preview,
        notice=notice,
        languages=languages_of(ceremony),
        categories=CATEGORIES,
        statuses=STATUSES,
        invitation_statuses=INVITATION_STATUSES,
        may_write=has_permission(current_principal(), ceremony.id, MANAGE),
        status_labels=ANNOUNCEMENT_STATUS_LABELS,
        delivery_labels=STATUS_LABELS,
    )


@bp.route("/<uuid:ceremony_id>/announcements")
@console_page(READ)
def announcements(ceremony_id: uuid.UUID):
    """The ceremony's announcements and, for those who may send, the form."""
    with service_context().database.transaction() as session:
        ceremony = ceremony_row(session, ceremony_id)
        if ceremony is None:
            return refusal_page(404, _("No such ceremony."))
        address = known_address(session, current_principal().account_id)
        form = _blank_form(ceremony, address)
        edit = request.args.get("edit", "")
        if edit:
            try:
                draft = get_announcement(session, ceremony_id, uuid.UUID(edit))
            except (ValueError, DomainError):
                return refusal_page(404, _("No such announcement."))
            if draft.status == "draft":
                form = _draft_form(ceremony, draft, address)
    return _page(ceremony, form, notice=DONE.get(request.args.get("done", "")))


@bp.post("/<uuid:ceremony_id>/announcements")
@console_page(MANAGE)
def write(ceremony_id: uuid.UUID):
    """Preview, test, send now, schedule or keep as a draft what the form holds."""
    form = request.form
    action = form.get("action", "")
    if action not in ACTIONS:
        action = "preview"
    with service_context().database.transaction() as session:
        ceremony = ceremony_row(session, ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    fields, errors = read_fields(ceremony, form)
    if action == "schedule":
        send_at, time_errors = _send_at(ceremony, form)
        errors.update(time_errors)
        fields["send_at"] = send_at
    if action == "test":
        try:
            email_address(form.get("test_address", ""))
        except ValueError:
            errors["test_address"] = _("Enter the one address the test goes to.")
    if errors:
        return _page(ceremony, form, errors, status=422)
    try:
        with service_context().database.transaction() as session:
            done = _act(session, ceremony, action, fields, form)
    except DomainError as error:
        if error.kind == "not_found":
            return refusal_page(404, _("No such announcement."))
        return _page(ceremony, form, _errors_for_form(field_errors(error)), status=422)
    if action == "preview":
        return _page(ceremony, form, preview=done)
    if action == "test":
        # The announcement is not sent yet: the form keeps what was typed, to send it next.
        return _page(ceremony, form, notice=DONE["test"])
    return redirect(url_for(".announcements", ceremony_id=ceremony_id, done=done), 303)


def _act(session, ceremony, action: str, fields: dict[str, Any], form) -> Any:
    """Do what the button asked; returns the preview, or what to say was done."""
    language = form.get("preview_language") or ceremony.default_language
    if language not in languages_of(ceremony):
        language = ceremony.default_language
    principal = current_principal()
    if action == "preview":
        reader = Recipient(principal.name or _("Guest"), "guest@example.org", language=language)
        rendered = preview_announcement(session, ceremony.id, fields, language, reader)
        return {
            "rendered": rendered,
            "recipients": audience_size(session, ceremony.id, fields),
        }
    if action == "test":
        send_test(
            session,
            identity(),
            ceremony.id,
            fields,
            language=language,
            address=email_address(form["test_address"]),
            name=principal.name or "",
            actor=actor(),
        )
        return "test"
    if action == "draft":
        fields["draft"] = True
    draft_id = form.get("draft_id", "")
    try:
        draft = uuid.UUID(draft_id) if draft_id else None
    except ValueError:
        draft = None
    row = announce(session, identity(), ceremony.id, fields, actor=actor(), draft_id=draft)
    return row["status"]


@bp.post("/<uuid:ceremony_id>/announcements/<uuid:announcement_id>/cancel")
@console_page(MANAGE)
def cancel(ceremony_id: uuid.UUID, announcement_id: uuid.UUID):
    """Cancel a scheduled announcement, or drop a draft."""
    try:
        with service_context().database.transaction() as session:
            cancel_announcement(session, ceremony_id, announcement_id, actor=actor())
    except DomainError as error:
        if error.kind == "not_found":
            return refusal_page(404, _("No such announcement."))
        with service_context().database.transaction() as session:
            ceremony = ceremony_row(session, ceremony_id)
            address = known_address(session, current_principal().account_id)
        return _page(ceremony, _blank_form(ceremony, address), status=409, notice=error.message)
    return redirect(url_for(".announcements", ceremony_id=ceremony_id, done="cancelled"), 303)
