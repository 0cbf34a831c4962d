"""The invitee's RSVP page: GET shows the invitation, POST answers.

Mail scanners follow links, so only a POST (a button) records an answer; a GET only notes when
the page was first opened (a scanner's visit counts as opened: nothing else changes). A
withdrawn invitation's page says so and takes no answer; a draft's link does not open yet.

The page says what the invitation allows: the invitee accepts and names up to
``companions_allowed`` companions, or (when allowed) names who comes in their place, or
declines with an optional message of regrets.
"""

from __future__ import annotations

import uuid
from datetime import date

from babel import UnknownLocaleError
from babel.dates import format_date
from flask import Blueprint, redirect, render_template, request, url_for
from marshmallow import ValidationError

from shared.audit_web import guest_actor
from shared.auth import AuthError
from shared.content import InLanguage, invitation_words
from shared.errors import DomainError
from shared.web import service_context

from ..ceremonies import get_ceremony, has_started
from ..invitations import ANSWERS, answer, delegation, get_invitation, note_opened
from ..links import links
from .page_languages import choose_language, language_name
from .schemas import DelegateSchema
from .translations import LANGUAGE_NAMES, local_datetime, strings_for

bp = Blueprint("rsvp", __name__, template_folder="templates")

#: The words for a withdrawn invitation, in the languages of the guest pages (English fallback).
WITHDRAWN = {
    "en": "This invitation has been withdrawn. Please accept our apologies.",
    "fr": "Cette invitation a été retirée. Veuillez accepter nos excuses.",
    "zh": "此邀请已撤回，敬请谅解。",
    "ar": "لقد سُحبت هذه الدعوة. نرجو منكم قبول اعتذارنا.",
    "es": "Esta invitación ha sido retirada. Le rogamos que acepte nuestras disculpas.",
    "ru": "Настоящее приглашение отозвано. Просим принять наши извинения.",
}
#: The fields the page asks of a companion or a representative, in the order shown.
DELEGATE_FIELDS = ("honorific", "given_name", "family_name", "email", "language")
#: Refusals of the answer that concern the whole form rather than one field.
FORM_ERRORS = ("too_many_companions", "representative_not_allowed")
_DELEGATE = DelegateSchema()


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
    people, named, errors = _people(reply)
    if errors:
        return _render(capability, invitation_id, error="fix_errors", errors=errors, status=422)
    try:
        with service_context().database.transaction() as session:
            answer(
                session,
                invitation_id,
                reply,
                by="invitee",
                companions=people if reply == "accept" else None,
                representative=people[0] if reply == "represent" else None,
                regrets=request.form.get("regrets") if reply == "decline" else None,
                actor=guest_actor(),
            )
    except DomainError as exc:
        if exc.kind != "invalid":
            return _render(capability, invitation_id, error=exc.code, status=409)
        errors = _field_errors(exc, named)
        error = exc.code if exc.code in FORM_ERRORS else "fix_errors"
        return _render(capability, invitation_id, error=error, errors=errors, status=422)
    return redirect(url_for("rsvp.rsvp_page", capability=capability), 303)


def _people(reply: str) -> tuple[list[dict], list[str], dict[str, str]]:
    """The companions (or the representative) the form names, the prefix of each one's
    fields, and the fields to correct, each as a page word's key. A companion whose fields are
    all empty is no companion."""
    if reply == "decline":
        return [], [], {}
    if reply == "represent":
        prefixes = ["representative-"]
    else:
        numbers = {
            name.split("-")[1]
            for name in request.form
            if name.startswith("companions-") and name.count("-") == 2
        }
        prefixes = [f"companions-{n}-" for n in sorted(n for n in numbers if n.isdigit())]
    people, named, errors = [], [], {}
    for prefix in prefixes:
        given = {name: request.form.get(prefix + name, "").strip() for name in DELEGATE_FIELDS}
        filled = {name: value for name, value in given.items() if value}
        if not set(filled) - {"language"}:
            if reply == "represent":
                errors[prefix + "given_name"] = "name_required"
            continue
        try:
            people.append(_DELEGATE.load(filled))
            named.append(prefix)
        except ValidationError as error:
            for name in error.messages_dict:
                if name == "full_name":
                    errors[prefix + "given_name"] = "name_required"
                else:
                    if name not in filled:
                        errors[prefix + name] = "required"
                    else:
                        errors[prefix + name] = "invalid_email" if name == "email" else "invalid"
    return people, named, errors


def _field_errors(exc: DomainError, named: list[str]) -> dict[str, str]:
    """An answer's refusal as page words beside the fields it names (``named``: the prefix
    of each person's fields, in the order they were passed on)."""
    errors = exc.errors or {}
    found = {}
    if isinstance(errors.get("representative"), dict):
        found["representative-email"] = "delegate_email_taken"
    if isinstance(errors.get("companions"), dict):
        for index in errors["companions"]:
            if index.isdigit() and int(index) < len(named):
                found[named[int(index)] + "email"] = "delegate_email_taken"
    return found


def _day(value: date | None, language: str) -> str:
    """A day in the page's language ("15 mai 2027"). The reply-by date is a day of the
    ceremony's calendar (answers are late after it ends in the ceremony's zone), so it is
    shown as that day, never moved to another zone."""
    if value is None:
        return ""
    try:
        return format_date(value, "long", locale=language.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        return format_date(value, "long", locale="en")


def _own_name(code: str) -> str:
    """A language in its own name ("Deutsch"), for a companion to find theirs in the list."""
    name = LANGUAGE_NAMES.get(code) or language_name(code, code)
    return name[:1].upper() + name[1:]


def _invitation_or_none(capability: str):
    try:
        return links().invitation_for(capability)
    except AuthError as exc:
        lang = choose_language().shown
        t = strings_for(lang)
        key, status = ("link_expired", 410) if str(exc) == "expired" else ("link_invalid", 404)
        return render_template("message.html", message=t[key], t=t, lang=lang), status


def _render(
    capability: str,
    invitation_id: uuid.UUID,
    *,
    error: str = "",
    errors: dict[str, str] | None = None,
    status: int = 200,
):
    with service_context().database.transaction() as session:
        invitation = get_invitation(session, invitation_id)
        ceremony = get_ceremony(session, invitation.ceremony_id)
        companions = delegation(session, invitation)
    chosen = choose_language(
        own=invitation.language, offered=ceremony.languages, default=ceremony.default_language
    )
    lang = chosen.shown
    t = strings_for(lang)
    if invitation.status == "draft":
        return render_template("message.html", message=t["link_invalid"], t=t, lang=lang), 404
    withdrawn = WITHDRAWN.get(lang, WITHDRAWN["en"])
    languages = list(dict.fromkeys([invitation.language, *(ceremony.languages or [])]))
    return (
        render_template(
            "rsvp.html",
            invitation=invitation,
            words=invitation_words(invitation, lang),
            ceremony=InLanguage(ceremony, lang),
            companions=companions,
            capability=capability,
            when=local_datetime(ceremony.starts_at, ceremony.timezone, lang),
            reply_by=_day(invitation.reply_by, lang),
            closed=has_started(ceremony),
            # The email's Accept and Decline links open this page with the button in focus.
            suggested=request.args.get("answer") if request.method == "GET" else None,
            error=(withdrawn if error == "invitation_withdrawn" else t.get(error, ""))
            if error
            else "",
            errors={name: t[key] for name, key in (errors or {}).items()},
            form=request.form if errors or error else {},
            delegate_fields=DELEGATE_FIELDS,
            languages=[(code, _own_name(code)) for code in languages],
            withdrawn=withdrawn,
            t=t,
            lang=lang,
            language_notice=chosen.notice("not_offered_invitation"),
        ),
        status,
    )
