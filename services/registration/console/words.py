"""Console page of a ceremony's own words in its other languages: title, venue, address and
the programme's item titles, each falling back to the ceremony's text where left empty."""

from __future__ import annotations

import uuid

from flask import Blueprint, flash, redirect, request, url_for
from flask_babel import gettext as _
from marshmallow import ValidationError

from shared.access import MANAGE, actor
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import console_page, field_errors, refusal_page, render_page
from shared.contract import Translations
from shared.errors import DomainError
from shared.web import service_context

from ..ceremonies import get_ceremony, update_ceremony
from .ceremonies import LANGUAGES

bp = Blueprint(
    "console_words",
    __name__,
    url_prefix=CONSOLE_PREFIXES["registration"],
    template_folder="templates",
)

WORDS = ("title", "venue_name", "venue_address", "reply_note")
_SCHEMA = Translations()


def _ceremony(ceremony_id: uuid.UUID):
    with service_context().database.transaction() as session:
        try:
            return get_ceremony(session, ceremony_id)
        except DomainError:
            return None


def other_languages(ceremony) -> list[str]:
    """The ceremony's languages besides its default one, whose words it is written in."""
    return [code for code in ceremony.languages or [] if code != ceremony.default_language]


def form_of(ceremony) -> dict[str, str]:
    """The stored words as the form's fields: ``fr.title``, ``fr.programme.0``..."""
    form = {}
    for code, words in (ceremony.translations or {}).items():
        for name in WORDS:
            form[f"{code}.{name}"] = words.get(name) or ""
        for position, title in enumerate(words.get("programme") or []):
            form[f"{code}.programme.{position}"] = title or ""
    return form


def translations_of(form, codes: list[str], items: int) -> dict:
    """The form's fields as the API's ``translations`` (empty fields left out)."""
    translations = {}
    for code in codes:
        words = {}
        for name in WORDS:
            value = form.get(f"{code}.{name}", "").strip()
            if value:
                words[name] = value
        titles = [form.get(f"{code}.programme.{n}", "").strip() or None for n in range(items)]
        while titles and titles[-1] is None:
            titles.pop()
        if titles:
            words["programme"] = titles
        if words:
            translations[code] = words
    return translations


def _errors(error: ValidationError | DomainError) -> dict[str, str]:
    # marshmallow names a dictionary's value errors "<key>.value.<field>".
    return {
        name.replace(".value.", ".").removeprefix("translations."): message
        for name, message in field_errors(error).items()
    }


@bp.route("/ceremonies/<uuid:ceremony_id>/words", methods=["GET", "POST"])
@console_page(MANAGE)
def words(ceremony_id: uuid.UUID):
    """The ceremony's words per language; saving publishes the ceremony's update."""
    ceremony = _ceremony(ceremony_id)
    if ceremony is None:
        return refusal_page(404, _("No such ceremony."))
    codes = other_languages(ceremony)
    items = len(ceremony.programme or [])
    form, errors, status = form_of(ceremony), {}, 200
    if request.method == "POST":
        form = request.form
        try:
            translations = _SCHEMA.deserialize(translations_of(form, codes, items))
            # Words of languages no longer offered are kept, so offering one again brings them back.
            kept = {
                code: words
                for code, words in (ceremony.translations or {}).items()
                if code not in codes
            }
            with service_context().database.transaction() as session:
                update_ceremony(
                    session, ceremony_id, {"translations": {**kept, **translations}}, actor=actor()
                )
            flash(_("The ceremony's words are saved."), "success")
            return redirect(url_for(".words", ceremony_id=ceremony_id), 303)
        except (ValidationError, DomainError) as error:
            errors, status = _errors(error), 422
    return render_page(
        "registration/ceremonies/words.html",
        status=status,
        ceremony=ceremony,
        active="ceremony",
        title=_("The ceremony in its languages"),
        languages=[(code, LANGUAGES.get(code, code)) for code in codes],
        default_language=LANGUAGES.get(ceremony.default_language, ceremony.default_language),
        form=form,
        errors=errors,
    )
