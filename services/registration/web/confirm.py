"""The page a confirmation link opens: GET shows the request and changes nothing, POST confirms.

Mail scanners follow links, so only the page's button (a POST) takes the seat.
"""

from __future__ import annotations

from flask import Blueprint, redirect, render_template, request, url_for

from shared.audit_web import guest_actor
from shared.auth import AuthError
from shared.content import InLanguage
from shared.errors import DomainError
from shared.web import service_context

from ..ceremonies import get_ceremony
from ..links import links
from ..registration_requests import confirm_request, get_request
from .page_languages import choose_language
from .translations import local_datetime, strings_for

bp = Blueprint("confirm", __name__, template_folder="templates")


@bp.get("/confirm/<capability>")
def confirm_page(capability: str):
    """Show what is being confirmed, with one button."""
    try:
        request_id = links().request_for(capability)
    except AuthError as exc:
        return _link_problem(exc)
    with service_context().database.transaction() as session:
        asked = get_request(session, request_id)
        ceremony = get_ceremony(session, asked.ceremony_id)
    chosen = choose_language(
        own=asked.language, offered=ceremony.languages, default=ceremony.default_language
    )
    lang = chosen.shown
    return render_template(
        "confirm.html",
        asked=asked,
        ceremony=InLanguage(ceremony, lang),
        when=local_datetime(ceremony.starts_at, ceremony.timezone, lang),
        t=strings_for(lang),
        lang=lang,
        language_notice=chosen.notice(),
    )


@bp.post("/confirm/<capability>")
def confirm_answer(capability: str):
    """Confirm the request: it becomes a registration, and the guest lands on its own page."""
    try:
        request_id = links().request_for(capability)
    except AuthError as exc:
        return _link_problem(exc)
    try:
        with service_context().database.transaction() as session:
            registration = confirm_request(session, request_id, actor=guest_actor())
            registration_id = registration.id
    except DomainError as exc:
        lang = choose_language().shown
        t = strings_for(lang)
        key = "confirm_expired" if exc.code == "request_expired" else exc.code
        status = 410 if exc.code == "request_expired" else 409
        return render_template("message.html", message=t.get(key, exc.message), t=t, lang=lang), (
            status
        )
    manage = links().manage_capability(registration_id)
    # The guest's own page chooses its language as this one did: link, the guest's, browser.
    lang = request.args.get("lang") or None
    return redirect(url_for("pages.manage_page", capability=manage, lang=lang), 303)


def _link_problem(exc: AuthError):
    lang = choose_language().shown
    t = strings_for(lang)
    key, status = ("confirm_expired", 410) if str(exc) == "expired" else ("link_invalid", 404)
    return render_template("message.html", message=t[key], t=t, lang=lang), status
