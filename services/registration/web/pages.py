"""The guests' pages: a registration form per ceremony and "manage my registration".

Plain HTML forms that work without JavaScript, in the ceremony's languages.
"""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from flask import Blueprint, jsonify, redirect, render_template, request, url_for
from marshmallow import ValidationError

from shared.audit_web import guest_actor
from shared.content import InLanguage
from shared.contract import PUBLIC_CATEGORIES
from shared.errors import DomainError
from shared.graduation import GRADUATE_CATEGORY
from shared.venue import seat_label
from shared.web import service_context

from ..ceremonies import get_ceremony, has_privacy_notice, list_ceremonies
from ..graduation import graduation_of, set_phonetic
from ..links import links
from ..privacy import personal_data
from ..registration_requests import register_or_request
from ..registrations import cancel, get_registration
from ..seat_assignments import told_seat
from .manage_words import manage_words
from .page_languages import choose_language, has_words, isolate, text_direction
from .schemas import RegistrationInSchema
from .translations import LANGUAGE_NAMES, local_datetime, strings_for

bp = Blueprint(
    "pages",
    __name__,
    template_folder="templates",
    static_folder="static",
    static_url_path="/assets",
)
FORM_FIELDS = ("full_name", "email", "honorific", "organisation", "job_title", "category", "needs")
# Every page's <html> names its direction: Arabic pages read right to left.
bp.add_app_template_global(text_direction, "text_direction")
bp.add_app_template_global(isolate, "isolate")


@bp.get("/")
def index():
    """The ceremonies open for registration."""
    chosen = choose_language()
    lang = chosen.shown
    with service_context().database.transaction() as session:
        ceremonies = [
            (InLanguage(ceremony, lang), _when(ceremony, lang))
            for ceremony in list_ceremonies(session)
        ]
    return render_template(
        "index.html",
        ceremonies=ceremonies,
        t=strings_for(lang),
        lang=lang,
        language_notice=chosen.notice(),
    )


@bp.route("/ceremonies/<uuid:ceremony_id>/register", methods=["GET", "POST"])
def register_page(ceremony_id: uuid.UUID):
    """The public registration form; a POST registers and leads to the guest's own page, or
    (ceremonies that confirm by email or approve) says what the email sent will tell."""
    with service_context().database.transaction() as session:
        try:
            ceremony = get_ceremony(session, ceremony_id)
        except DomainError:
            return _page_message("not_found", 404)
        free = ceremony.capacity - ceremony.seats_taken
    chosen = choose_language(offered=ceremony.languages, default=ceremony.default_language)
    lang = chosen.shown
    t = strings_for(lang)
    form, errors, status = {}, {}, 200
    if request.method == "POST":
        form = {name: request.form.get(name, "").strip() for name in FORM_FIELDS}
        form["consent"] = request.form.get("consent") == "yes"
        try:
            fields = RegistrationInSchema().load(
                {**{k: v for k, v in form.items() if v}, "language": lang}
            )
            outcome = register_or_request(
                service_context().database, ceremony.id, fields, actor=guest_actor()
            )
            if isinstance(outcome, str):
                # The same page whoever is or is not registered: the email says the rest.
                key = "confirmation_sent" if outcome == "confirm_email" else "awaiting_approval"
                return render_template(
                    "message.html",
                    message=t[key],
                    heading=InLanguage(ceremony, lang).title,
                    t=t,
                    lang=lang,
                )
            capability = links().manage_capability(outcome.id)
            return redirect(url_for("pages.manage_page", capability=capability, lang=lang), 303)
        except ValidationError as exc:
            errors = {name: _message(t, text) for name, text in exc.messages.items()}
            status = 422
        except DomainError as exc:
            message = t.get(exc.code, exc.message)
            # A refusal about one field is shown beside it; others above the form.
            errors = {name: message for name in exc.errors or {}} or {"form": message}
            status = 409 if exc.kind == "conflict" else 422
    return (
        render_template(
            "register.html",
            ceremony=InLanguage(ceremony, lang),
            when=_when(ceremony, lang),
            free=max(free, 0),
            categories=PUBLIC_CATEGORIES,
            with_notice=has_privacy_notice(ceremony),
            form=form,
            errors=errors,
            t=t,
            lang=lang,
            languages=_language_links(ceremony),
            language_notice=chosen.notice(),
        ),
        status,
    )


@bp.get("/manage/<capability>")
def manage_page(capability: str):
    """The guest's own page: status of the registration, a cancel button, and for a graduate
    how their name sounds and their certificate."""
    registration_id = links().registration_for(capability)
    if registration_id is None:
        return _invalid_link()
    return _manage(capability, registration_id)


@bp.post("/manage/<capability>/phonetic")
def phonetic_page(capability: str):
    """Save how a graduate's name sounds, from their own page."""
    registration_id = links().registration_for(capability)
    if registration_id is None:
        return _invalid_link()
    typed = request.form.get("phonetic", "")
    lang = request.form.get("lang") or None
    try:
        with service_context().database.transaction() as session:
            registration = get_registration(session, registration_id)
            if not _is_graduate(registration):
                return _page_message("not_found", 404)
            set_phonetic(session, registration_id, typed.strip() or None, actor=guest_actor())
    except DomainError as exc:
        t = strings_for(lang)
        errors = {"phonetic": _message(t, (exc.errors or {}).get("phonetic") or exc.message)}
        return _manage(capability, registration_id, {"phonetic": typed}, errors, 422)
    target = url_for("pages.manage_page", capability=capability, lang=lang, saved="phonetic")
    return redirect(target + "#phonetic", 303)


def _is_graduate(registration) -> bool:
    return registration.category == GRADUATE_CATEGORY and registration.status != "cancelled"


def _manage(capability: str, registration_id, typed=None, errors=None, status: int = 200):
    with service_context().database.transaction() as session:
        registration = get_registration(session, registration_id)
        ceremony = get_ceremony(session, registration.ceremony_id)
        told = told_seat(session, registration)
        graduation = graduation_of(session, registration_id)
    chosen = choose_language(
        own=registration.language, offered=ceremony.languages, default=ceremony.default_language
    )
    lang = chosen.shown
    certificate = (graduation or {}).get("certificate") or {}
    badges = service_context().settings.public_urls["badges"].rstrip("/")
    page = render_template(
        "manage.html",
        seat=seat_label(told, lang) if told else None,
        ceremony=InLanguage(ceremony, lang),
        registration=registration,
        capability=capability,
        when=_when(ceremony, lang),
        t={**strings_for(lang), **manage_words(lang)},
        lang=lang,
        language_notice=chosen.notice(),
        graduate=_is_graduate(registration),
        phonetic=(typed or {}).get("phonetic", (graduation or {}).get("phonetic") or ""),
        errors=errors or {},
        saved=request.args.get("saved") == "phonetic" and not errors,
        certificate_url=(
            f"{badges}/api/registrations/{registration_id}/certificate.pdf?"
            + urlencode({"capability": capability})
            if certificate.get("status") == "issued"
            else None
        ),
    )
    return page, status


@bp.get("/manage/<capability>/data.json")
def data_download(capability: str):
    """Everything kept about the guest, as JSON, for them to download."""
    registration_id = links().registration_for(capability)
    if registration_id is None:
        return _invalid_link()
    with service_context().database.transaction() as session:
        data = personal_data(session, registration_id)
    response = jsonify(data)
    response.headers["Content-Disposition"] = 'attachment; filename="my-registration.json"'
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.post("/manage/<capability>/cancel")
def cancel_page(capability: str):
    """Cancel from the guest's own page."""
    registration_id = links().registration_for(capability)
    if registration_id is None:
        return _invalid_link()
    with service_context().database.transaction() as session:
        cancel(session, registration_id, actor=guest_actor())
    lang = request.form.get("lang") or None
    return redirect(url_for("pages.manage_page", capability=capability, lang=lang), 303)


def _invalid_link():
    return _page_message("link_invalid", 404)


def _page_message(key: str, status: int):
    chosen = choose_language()
    t = strings_for(chosen.shown)
    page = render_template(
        "message.html", message=t[key], t=t, lang=chosen.shown, language_notice=chosen.notice()
    )
    return page, status


#: What a validation message is about, by the words it starts with, and the page's key for it.
_MESSAGE_KEYS = (
    ("Missing data", "required"),
    ("Must not be blank", "required"),
    ("Not a valid email", "invalid_email"),
    ("Must contain a letter", "needs_letter"),
    ("Length must be", "too_long"),
    ("Longer than", "too_long"),
    ("The given and family names together are longer", "too_long"),
    ("Must be a single line", "single_line"),
    ("Must be written in Latin letters", "latin_only"),
    ("Not a language", "bad_language"),
)


def _message(t: dict[str, str], messages) -> str:
    """A field's validation message in the page's language: what is wrong, said plainly."""
    texts = messages if isinstance(messages, list) else [str(messages)]
    for text in texts:
        for start, key in _MESSAGE_KEYS:
            if str(text).startswith(start):
                return t[key]
    return t["invalid"]


def _when(ceremony, lang: str) -> str:
    return local_datetime(ceremony.starts_at, ceremony.timezone, lang)


def _language_links(ceremony) -> list[tuple[str, str]]:
    """The switch to the ceremony's languages that the pages have words in."""
    offered = [lang for lang in ceremony.languages or ["en"] if has_words(lang)]
    return [(lang, LANGUAGE_NAMES.get(lang, lang)) for lang in offered]
