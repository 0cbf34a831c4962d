"""Console page of the graduation: the course (dates, hours, issuing organisations with their
logos, signatories with their signatures), each participant's result, the experts' certificates
of appreciation, the results import, and the roll with its order and its printouts."""

from __future__ import annotations

import uuid
from datetime import date

from babel.dates import format_date
from flask import Blueprint, Response, current_app, flash, g, redirect, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge

from shared.access import MANAGE, READ, actor, current_principal, has_permission
from shared.console import CONSOLE_PREFIXES
from shared.console.languages import LANGUAGE_NAMES
from shared.console.pages import console_page, field_errors, is_htmx, refusal_page, render_page
from shared.errors import DomainError
from shared.graduation import (
    GRADUATE_CATEGORY,
    MAX_ORGANISATIONS,
    MAX_SIGNATORIES,
    MAX_UPLOAD_BYTES,
    RESULTS,
    ROLL_ORDERS,
    roll_order,
)
from shared.web import service_context

from ..graduation import (
    TOO_LARGE,
    get_course,
    image_of,
    load_course,
    remove_image,
    roll,
    set_course,
    set_image,
)
from ..imports import MAX_FILE_BYTES
from ..models import Graduation, Registration
from ..printing.roll import read_name, result_words
from .form_lines import ceremony_or_none

bp = Blueprint(
    "console_graduation",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

GRADUATION = "/ceremonies/<uuid:ceremony_id>/graduation"
#: The image each holder of the course has: a signatory's signature, an organisation's logo.
IMAGES = {"signature": "signatories", "logo": "organisations"}
#: The most people listed for a certificate of appreciation (speakers first).
MOST_OTHERS = 300
#: The other languages the course's title is offered in, when the ceremony names none.
TITLE_LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


def _language() -> str:
    return str(get_locale() or "en")


def _day(value) -> str:
    """A course date in the page's language ("19 oct. 2026")."""
    if not isinstance(value, date):
        return str(value or "")
    return format_date(value, "medium", locale=_language())


def _words() -> dict:
    printed = result_words(_language())
    return {
        "results": {value or "": words for value, words in printed.items()},
        "orders": {
            "family_name": _("Alphabetical by family name"),
            "group": _("By group"),
            "precedence": _("By order of precedence"),
            "hand": _("By hand"),
        },
        "certificates": {
            "issued": _("Issued"),
            "revoked": _("Revoked"),
            None: _("Not issued"),
        },
        "kinds": {
            "completion": _("completion"),
            "attendance": _("attendance"),
            "appreciation": _("appreciation"),
        },
    }


# -- the course's form -------------------------------------------------------------------------


def title_languages(ceremony, course: dict | None = None) -> list[str]:
    """The languages the course's title may be given in besides its own: the ceremony's, and
    any other the course already has a title in (given through the API), so that saving the
    form keeps it."""
    offered = [lang for lang in (ceremony.languages or []) if lang != ceremony.default_language]
    offered = offered or [lang for lang in TITLE_LANGUAGES if lang != ceremony.default_language]
    given = [
        lang
        for lang in ((course or {}).get("translations") or {})
        if lang not in offered and lang != ceremony.default_language
    ]
    return offered + given


def course_form(course: dict | None) -> MultiDict:
    """The course's fields as the form shows them."""
    form = MultiDict()
    if not course:
        return form
    form["title"] = course["title"]
    form["starts_on"] = course["starts_on"].isoformat()
    form["ends_on"] = course["ends_on"].isoformat()
    form["hours"] = f"{course['hours']:g}" if course["hours"] is not None else ""
    for lang, words in (course.get("translations") or {}).items():
        form[f"translations.{lang}"] = words.get("title", "")
    for index, organisation in enumerate(course["organisations"]):
        form[f"organisations.{index}.name"] = organisation["name"]
    for index, signatory in enumerate(course["signatories"]):
        form[f"signatories.{index}.name"] = signatory["name"]
        form[f"signatories.{index}.title"] = signatory.get("title") or ""
    return form


def _lines(form, prefix: str, most: int) -> int:
    """How many lines of ``prefix`` the form is drawn with: those filled and one more."""
    filled = [i for i in range(most) if form.get(f"{prefix}.{i}.name", "").strip()]
    return min(most, (max(filled) + 2) if filled else 1)


def course_body(form, languages: list[str], course: dict | None) -> dict:
    """What the form says of the course, for ``load_course``; empty lines are left out."""
    organisations = [
        {"name": form.get(f"organisations.{i}.name", "").strip()}
        for i in range(MAX_ORGANISATIONS)
        if form.get(f"organisations.{i}.name", "").strip()
    ]
    signatories = [
        {
            "name": form.get(f"signatories.{i}.name", "").strip(),
            "title": form.get(f"signatories.{i}.title", "").strip() or None,
        }
        for i in range(MAX_SIGNATORIES)
        if form.get(f"signatories.{i}.name", "").strip()
        or form.get(f"signatories.{i}.title", "").strip()
    ]
    body = {
        "title": form.get("title", "").strip(),
        "starts_on": form.get("starts_on", "").strip(),
        "ends_on": form.get("ends_on", "").strip(),
        "hours": form.get("hours", "").strip().replace(",", "."),
        "translations": {
            lang: {"title": form.get(f"translations.{lang}", "").strip()}
            for lang in languages
            if form.get(f"translations.{lang}", "").strip()
        },
        "organisations": organisations,
        "signatories": signatories,
        "roll_order": (course or {}).get("roll_order") or "family_name",
        "hand_order": [str(ident) for ident in (course or {}).get("hand_order") or []],
    }
    return {name: value for name, value in body.items() if value != ""}


def _course_errors(error: DomainError) -> dict[str, str]:
    """The course's errors under the form's fields (``translations.fr.title`` beside the
    French title)."""
    errors = {}
    for name, message in field_errors(error).items():
        parts = name.split(".")
        if parts[0] == "translations" and len(parts) >= 2:
            name = f"translations.{parts[1]}"
        elif parts[0] in ("organisations", "signatories") and len(parts) == 2:
            name = f"{parts[0]}.{parts[1]}.name"
        errors.setdefault(name, message)
    return errors


# -- the page ----------------------------------------------------------------------------------


def graduates_and_others(session, ceremony_id: uuid.UUID):
    """The roll (in its order) and the other confirmed guests with their appreciation flags,
    speakers first."""
    graduates = roll(session, ceremony_id)
    others = session.execute(
        select(Registration, Graduation.appreciation)
        .outerjoin(Graduation, Graduation.registration_id == Registration.id)
        .where(
            Registration.ceremony_id == ceremony_id,
            Registration.status == "confirmed",
            Registration.category != GRADUATE_CATEGORY,
        )
        .order_by(
            (Registration.category != "speaker"),
            Registration.precedence.is_(None),
            Registration.precedence,
            Registration.full_name,
        )
        .limit(MOST_OTHERS)
    ).all()
    return graduates, [
        {
            "id": str(guest.id),
            "name": guest.full_name,
            "category": guest.category,
            "organisation": guest.organisation,
            "appreciation": bool(appreciation),
        }
        for guest, appreciation in others
    ]


def _results_form(graduates: list, others: list) -> MultiDict:
    form = MultiDict()
    for graduate in graduates:
        ident = str(graduate["registration_id"])
        form[f"result.{ident}"] = graduate.get("result") or ""
        form[f"group.{ident}"] = graduate.get("group") or ""
    for other in others:
        if other["appreciation"]:
            form[f"appreciation.{other['id']}"] = "on"
    return form


def graduation_page(
    ceremony_id: uuid.UUID, failed: str | None = None, typed=None, errors=None, status=200
):
    """The page; ``failed`` names the form sent back with what was typed and its errors."""
    ceremony = ceremony_or_none(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    with service_context().database.transaction() as session:
        course = get_course(session, ceremony_id)
        graduates, others = graduates_and_others(session, ceremony_id)
    typed_forms = {failed: typed} if failed else {}
    form = typed_forms.get("course") or course_form(course)
    words = _words()
    language = _language()
    for number, graduate in enumerate(graduates, start=1):
        graduate["number"] = graduate.get("position") or number
        graduate["read_name"] = read_name(graduate, language)
    fragment = is_htmx() and failed in ("results", "roll")
    template = (
        f"registration/graduation_{failed}.html" if fragment else "registration/graduation.html"
    )
    links = current_app.extensions["console_links"]
    api = f"/api/ceremonies/{ceremony_id}"
    return render_page(
        template,
        status=status,
        ceremony=ceremony,
        active="graduation",
        title=_("Graduation"),
        fragment=fragment,
        course=course,
        hours=f"{course['hours']:g}" if course else "",
        form=form,
        languages=title_languages(ceremony, course),
        language_names=LANGUAGE_NAMES,
        organisation_lines=_lines(form, "organisations", MAX_ORGANISATIONS),
        signatory_lines=_lines(form, "signatories", MAX_SIGNATORIES),
        dates=(_day(course["starts_on"]), _day(course["ends_on"])) if course else None,
        graduates=graduates,
        alphabetical=roll_order(graduates, "family_name"),
        others=others,
        results_form=typed_forms.get("results") or _results_form(graduates, others),
        result_options=[(value, words["results"][value]) for value in ("", *RESULTS)],
        words=words,
        order=(course or {}).get("roll_order") or "family_name",
        order_options=[(value, words["orders"][value]) for value in ROLL_ORDERS],
        errors=errors or {},
        failed=failed,
        max_image_mb=megabytes(min(MAX_UPLOAD_BYTES, body_limit())),
        max_file_mb=megabytes(min(MAX_FILE_BYTES, body_limit())),
        certificates_url=links.url("badges", f"/{ceremony_id}/certificates"),
        printouts={
            "roll": links.site("registration", f"{api}/roll.pdf?language={language}"),
            "cards": links.site("registration", f"{api}/name-cards.pdf?language={language}"),
        },
    )


def body_limit() -> int:
    """The largest request body the service takes."""
    return service_context().settings.max_body_bytes


def megabytes(size: int) -> str:
    """A size in bytes as megabytes (\"1\", \"2.5\")."""
    return f"{size / (1024 * 1024):g}"


@bp.route(GRADUATION)
@console_page(READ)
def graduation(ceremony_id: uuid.UUID):
    """The course, the results and the roll of the ceremony's graduation."""
    return graduation_page(ceremony_id)


def run_change(ceremony_id: uuid.UUID, form_name: str, typed, change, done, errors_of=None):
    """Run one change: saved and the page shown again, or the form with its errors beside its
    fields (nothing saved). ``done`` is the notice, or makes it once the change is made."""
    try:
        with service_context().database.transaction() as session:
            change(session)
    except DomainError as error:
        status = 409 if error.kind == "conflict" else 404 if error.kind == "not_found" else 422
        errors = (errors_of or field_errors)(error)
        return graduation_page(ceremony_id, form_name, typed, errors, status)
    flash(done() if callable(done) else done, "success")
    if is_htmx() and form_name in ("results", "roll"):
        return graduation_page(ceremony_id, form_name, None)
    return redirect(
        url_for("console_graduation.graduation", ceremony_id=ceremony_id) + f"#{form_name}", 303
    )


@bp.post(GRADUATION + "/course")
@console_page(MANAGE)
def change_course(ceremony_id: uuid.UUID):
    """Save the course: its title in each language, dates, hours, organisations, signatories."""
    ceremony = ceremony_or_none(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    typed = MultiDict(request.form)
    typed.pop("csrf_token", None)

    def change(session):
        course = get_course(session, ceremony_id)
        body = course_body(typed, title_languages(ceremony, course), course)
        set_course(session, ceremony_id, load_course(body), actor=actor())

    return run_change(
        ceremony_id, "course", typed, change, _("The course is saved."), _course_errors
    )


# -- images ------------------------------------------------------------------------------------

IMAGE_PATH = (
    GRADUATION
    + "/<any(signatories, organisations):holders>/<int:index>/<any(signature, logo):kind>"
)


def _image_field(kind: str, index: int) -> str:
    return f"{IMAGES[kind]}.{index}.{kind}"


def _too_large_image() -> str:
    return _(
        "The image is too large: choose one of at most %(mb)s MB and 25 million pixels.",
        mb=megabytes(min(MAX_UPLOAD_BYTES, body_limit())),
    )


def _image_refusal(error: DomainError, kind: str, index: int) -> dict[str, str]:
    """An upload's refusal beside its file field, said as the organiser can act on it."""
    field = _image_field(kind, index)
    if error.code == TOO_LARGE:
        return {field: _too_large_image()}
    if error.errors and kind in error.errors:
        return {field: _("The file is not an image: choose a PNG, JPEG, GIF or WebP picture.")}
    return {field: error.message}


@bp.post(IMAGE_PATH)
@console_page(MANAGE)
def upload_image(ceremony_id: uuid.UUID, holders: str, index: int, kind: str):
    """Keep an uploaded signature (or logo), or remove it with ``remove``."""
    if IMAGES[kind] != holders:
        return refusal_page(404, _("No such page."))
    upload = request.files.get("image")
    field = _image_field(kind, index)
    removing = bool(request.form.get("remove"))
    if not removing and (upload is None or not upload.filename):
        errors = {field: _("Choose an image file to upload.")}
        return graduation_page(ceremony_id, "images", MultiDict(), errors, 422)
    raw = b"" if removing else upload.read(MAX_UPLOAD_BYTES + 1)

    def change(session):
        if removing:
            remove_image(session, ceremony_id, kind, index, actor=actor())
        else:
            set_image(session, ceremony_id, kind, index, raw, actor=actor())

    done = _("The image is removed.") if removing else _("The image is kept.")
    return run_change(
        ceremony_id,
        f"{holders}-{index}",
        MultiDict(),
        change,
        done,
        lambda error: _image_refusal(error, kind, index),
    )


@bp.route(IMAGE_PATH + ".png")
@console_page(READ)
def show_image(ceremony_id: uuid.UUID, holders: str, index: int, kind: str):
    """The kept signature (or logo) as the certificates print it."""
    if IMAGES[kind] != holders:
        return refusal_page(404, _("No such page."))
    try:
        with service_context().database.transaction() as session:
            png = image_of(session, ceremony_id, kind, index)
    except DomainError:
        return refusal_page(404, _("There is no such image."))
    return Response(png, mimetype="image/png", headers={"Cache-Control": "private, no-cache"})


@bp.errorhandler(RequestEntityTooLarge)
def _too_large(error):
    """A body over the service's limit never reaches the view: say so beside the file field
    to whoever may change the graduation, and refuse everyone else as the view would."""
    arguments = request.view_args or {}
    ceremony_id = arguments.get("ceremony_id")
    principal = current_principal()
    refused = upload_refused(principal, ceremony_id, "console_graduation.upload_image")
    if refused:
        return refused
    field = _image_field(arguments["kind"], arguments["index"])
    return graduation_page(ceremony_id, "images", MultiDict(), {field: _too_large_image()}, 413)


def upload_refused(principal, ceremony_id, endpoint: str):
    """The refusal of an oversized upload to anyone but a manager sending ``endpoint``'s
    form; None for them (their page says it beside the field)."""
    if principal is None or request.endpoint != endpoint:
        return refusal_page(413, _("The request is too large."))
    if not has_permission(principal, ceremony_id, MANAGE):
        return refusal_page(403, _("Your role on this ceremony does not allow this page."))
    g.console_principal = principal
    return None
