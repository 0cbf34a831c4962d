"""The invitee's RSVP page: GET shows the invitation, POST answers.

Mail scanners follow links, so only a POST (a button) records an answer; a GET only notes when
the page was first opened (a scanner's visit counts as opened: nothing else changes). A
withdrawn invitation's page says so and takes no answer; a draft's link does not open yet.
"""

from __future__ import annotations

import uuid

from flask import Blueprint, redirect, render_template, request, url_for

from shared.audit_web import guest_actor
from shared.auth import AuthError
from shared.errors import DomainError
from shared.web import service_context

from ..ceremonies import get_ceremony, has_started
from ..invitations import ANSWERS, answer, get_invitation, note_opened
from ..links import links
from .translations import local_datetime, strings_for, words_language

bp = Blueprint("rsvp", __name__, template_folder="templates")

#: The words for a withdrawn invitation, in the languages of the guest pages (English fallback).
WITHDRAWN = {
    "en": "This invitation has been withdrawn. Please accept our apologies.",
    "fr": "Cette invitation a été retirée. Veuillez accepter nos excuses.",
    "zh": "此邀请已撤回，敬请谅解。",
}


@bp.get("/rsvp/<capability>")
def rsvp_page(capability: str):
    """Show the invitation with Accept and Decline buttons."""
    invitation_id = _invitation_or_none(capability)
    if not isinstance(invitation_id, uuid.UUID):
        return invitation_id
    with service_context().database.transaction() as session:
        note_opened(session, invitation_id)
    return _render(capability, invitation_id)


@bp.post("/rsvp/<capability>")
def rsvp_answer(capability: str):
    """Record the invitee's answer, then show the page again."""
    invitation_id = _invitation_or_none(capability)
    if not isinstance(invitation_id, uuid.UUID):
        return invitation_id
    reply = request.form.get("answer", "")
    if reply not in ANSWERS:
        return _render(capability, invitation_id, error="choose_answer", status=422)
    try:
        with service_context().database.transaction() as session:
            answer(session, invitation_id, reply, by="invitee", actor=guest_actor())
    except DomainError as exc:
        return _render(capability, invitation_id, error=exc.code, status=409)
    return redirect(url_for("rsvp.rsvp_page", capability=capability), 303)


def _invitation_or_none(capability: str):
    try:
        return links().invitation_for(capability)
    except AuthError as exc:
        lang = words_language(request.args.get("lang"))
        t = strings_for(lang)
        key, status = ("link_expired", 410) if str(exc) == "expired" else ("link_invalid", 404)
        return render_template("message.html", message=t[key], t=t, lang=lang), status


def _render(capability: str, invitation_id: uuid.UUID, *, error: str = "", status: int = 200):
    with service_context().database.transaction() as session:
        invitation = get_invitation(session, invitation_id)
        ceremony = get_ceremony(session, invitation.ceremony_id)
    lang = words_language(invitation.language)
    t = strings_for(lang)
    if invitation.status == "draft":
        return render_template("message.html", message=t["link_invalid"], t=t, lang=lang), 404
    withdrawn = WITHDRAWN.get(lang, WITHDRAWN["en"])
    return (
        render_template(
            "rsvp.html",
            invitation=invitation,
            ceremony=ceremony,
            capability=capability,
            when=local_datetime(ceremony.starts_at, ceremony.timezone, invitation.language, lang),
            closed=has_started(ceremony),
            # The email's Accept and Decline links open this page with the button in focus.
            suggested=request.args.get("answer") if request.method == "GET" else None,
            error=(withdrawn if error == "invitation_withdrawn" else t.get(error, ""))
            if error
            else "",
            withdrawn=withdrawn,
            t=t,
            lang=lang,
        ),
        status,
    )
