"""Render the email templates: subject, text and HTML in the recipient's language.

Templates live in `templates/<language>/<name>.txt` and `.html`; the text template also holds
the subject in a `subject` block. See `contexts.TEMPLATES` for what each template expects.
"""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from babel import Locale, UnknownLocaleError
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from services.notifications.compose.contexts import COMMON_OPTIONAL, COMMON_REQUIRED, TEMPLATES
from services.notifications.compose.formatting import (
    LocalFormatter,
    formatting_locale,
    primary_language,
)
from services.notifications.compose.sanitising import single_line
from shared.venue import seat_label

TEMPLATE_DIR = Path(__file__).parent / "templates"
FALLBACK_LANGUAGE = "en"
#: The languages every template is written in (a test holds the folders to this list).
TEMPLATE_LANGUAGES = ("en", "fr", "zh", "ar", "ru", "es")


class UnknownTemplateError(ValueError):
    """Raised for a template name that is not in `contexts.TEMPLATES`."""


@dataclass(frozen=True)
class RenderedEmail:
    """A rendered email before it becomes a MIME message."""

    subject: str
    text: str
    html: str
    language_used: str


def _formatter(context: Context) -> LocalFormatter:
    return context["_formatter"]


@pass_context
def _date(context: Context, value: date, style: str = "full") -> str:
    return _formatter(context).date(value, style)


@pass_context
def _time(context: Context, value: datetime) -> str:
    return _formatter(context).time(value)


@pass_context
def _timespan(context: Context, start: datetime, end: datetime) -> str:
    return _formatter(context).timespan(start, end)


@pass_context
def _zone_name(context: Context, value: datetime) -> str:
    return _formatter(context).zone_name(value)


@pass_context
def _seat_label(context: Context, seat: Mapping[str, Any]) -> str:
    return single_line(seat_label(seat, context["lang"]))


@pass_context
def _plural(context: Context, count: int, **forms: str) -> str:
    return _formatter(context).plural(count, forms)


def _paragraphs(text: str) -> Markup:
    """Escape plain text and keep its paragraphs and line breaks in HTML."""
    blocks = [block.strip() for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n"))]
    return Markup("\n").join(
        Markup("<p>{}</p>").format(
            Markup("<br>\n").join(escape(line) for line in block.split("\n"))
        )
        for block in blocks
        if block
    )


@cache
def environment() -> Environment:
    """The Jinja2 environment: HTML templates autoescaped, missing variables are errors."""
    env = Environment(
        loader=FileSystemLoader(TEMPLATE_DIR),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        # Templates ship with the code: checking their files on every render is wasted work.
        auto_reload=False,
    )
    env.filters.update(
        date=_date,
        time=_time,
        timespan=_timespan,
        zone_name=_zone_name,
        plural=_plural,
        paragraphs=_paragraphs,
        seat_label=_seat_label,
    )
    return env


@lru_cache(maxsize=1024)
def template_language(template: str, language: str | None, default: str | None = None) -> str:
    """The language `template` is written in for a reader of `language`: that language if
    its folder has both parts, else the ceremony's `default` language, else English."""
    for candidate in (primary_language(language), primary_language(default)):
        if candidate and all(
            (TEMPLATE_DIR / candidate / f"{template}.{ext}").is_file() for ext in ("txt", "html")
        ):
            return candidate
    return FALLBACK_LANGUAGE


#: What a letter says when it is not in the reader's language, in the language it is in;
#: {asked} and {shown} are language names in that language (from the locale data).
FALLBACK_NOTICES = {
    "en": "This letter is not available in {asked}; it is shown in {shown}.",
    "fr": "Cette lettre n'est pas disponible en {asked}\u202f; elle est présentée en {shown}.",
    "es": "Esta carta no está disponible en {asked}; se presenta en {shown}.",
    "ru": "Это письмо недоступно на языке «{asked}»; оно представлено на языке «{shown}».",
    "zh": "本函没有{asked}版本，现以{shown}呈现。",
    "ar": "هذه الرسالة غير متاحة باللغة {asked}، وهي معروضة باللغة {shown}.",
}


def fallback_notice(asked: str | None, shown: str) -> str | None:
    """The notice for a letter asked for in `asked` and written in `shown`, or None when it
    is in the language asked for (or none was asked)."""
    wanted = primary_language(asked)
    if not wanted or wanted == shown:
        return None
    try:
        locale = Locale.parse(shown)
        asked_name = locale.languages.get(wanted) or wanted
        shown_name = locale.languages.get(shown) or shown
    except (ValueError, UnknownLocaleError):
        return None
    return FALLBACK_NOTICES.get(shown, FALLBACK_NOTICES["en"]).format(
        asked=asked_name, shown=shown_name
    )


def _template_values(template: str, context: Mapping[str, Any]) -> dict[str, Any]:
    if template not in TEMPLATES:
        raise UnknownTemplateError(f"unknown email template: {template!r}")
    spec = TEMPLATES[template]
    missing = [key for key in (*COMMON_REQUIRED, *spec.required) if key not in context]
    if missing:
        raise ValueError(f"template {template!r} needs {', '.join(missing)}")
    return {**COMMON_OPTIONAL, **spec.optional, **context}


def render_email(
    template: str,
    language: str | None,
    context: Mapping[str, Any],
    *,
    default_language: str | None = None,
) -> RenderedEmail:
    """Render subject, text and HTML of `template` in `language`, falling back to the
    ceremony's `default_language` and then English; a letter not in `language` says so."""
    values = _template_values(template, context)
    language_used = template_language(template, language, default_language)
    values["lang"] = language_used
    values["fallback_notice"] = fallback_notice(language, language_used)
    values["_formatter"] = LocalFormatter(
        formatting_locale(language, language_used), values["ceremony"].zone
    )
    env = environment()
    text_template = env.get_template(f"{language_used}/{template}.txt")
    subject_block = text_template.blocks["subject"]
    subject = single_line("".join(subject_block(text_template.new_context(values))))
    text = text_template.render(values)
    if values["fallback_notice"]:
        text = f"{values['fallback_notice']}\n\n{text}"
    html = env.get_template(f"{language_used}/{template}.html").render(values, subject=subject)
    return RenderedEmail(subject=subject, text=text, html=html, language_used=language_used)
