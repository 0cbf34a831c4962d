"""Render the email templates and assemble the MIME message that is sent.

Templates live in `templates/<language>/<name>.txt` and `.html`; the text template also holds
the subject in a `subject` block. See `contexts.TEMPLATES` for what each template expects.
"""

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import format_datetime
from functools import cache
from pathlib import Path
from typing import Any

from icalendar import Calendar
from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context, select_autoescape
from jinja2.runtime import Context
from markupsafe import Markup, escape

from services.notifications.contexts import (
    COMMON_OPTIONAL,
    COMMON_REQUIRED,
    TEMPLATES,
    Attachment,
)
from services.notifications.formatting import LocalFormatter, formatting_locale, primary_language
from services.notifications.sanitising import email_address, single_line

TEMPLATE_DIR = Path(__file__).parent / "templates"
FALLBACK_LANGUAGE = "en"
_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_MESSAGE_ID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
# Every part is encoded 7-bit clean, so any SMTP server takes it, with or without 8BITMIME.
_POLICY = policy.default.clone(cte_type="7bit")


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
def _date(context: Context, value: datetime) -> str:
    return _formatter(context).date(value)


@pass_context
def _time(context: Context, value: datetime) -> str:
    return _formatter(context).time(value)


@pass_context
def _timespan(context: Context, start: datetime, end: datetime) -> str:
    return _formatter(context).timespan(start, end)


@pass_context
def _zone_name(context: Context, value: datetime) -> str:
    return _formatter(context).zone_name(value)


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
    )
    env.filters.update(
        date=_date, time=_time, timespan=_timespan, zone_name=_zone_name, paragraphs=_paragraphs
    )
    return env


def template_language(template: str, language: str | None) -> str:
    """Return the language whose folder has both parts of `template`, else the fallback."""
    wanted = primary_language(language)
    if wanted and all(
        (TEMPLATE_DIR / wanted / f"{template}.{ext}").is_file() for ext in ("txt", "html")
    ):
        return wanted
    return FALLBACK_LANGUAGE


def _template_values(template: str, context: Mapping[str, Any]) -> dict[str, Any]:
    if template not in TEMPLATES:
        raise UnknownTemplateError(f"unknown email template: {template!r}")
    spec = TEMPLATES[template]
    missing = [key for key in (*COMMON_REQUIRED, *spec.required) if key not in context]
    if missing:
        raise ValueError(f"template {template!r} needs {', '.join(missing)}")
    return {**COMMON_OPTIONAL, **spec.optional, **context}


def render_email(template: str, language: str | None, context: Mapping[str, Any]) -> RenderedEmail:
    """Render subject, text and HTML of `template` in `language`, falling back to English."""
    values = _template_values(template, context)
    language_used = template_language(template, language)
    values["lang"] = language_used
    values["_formatter"] = LocalFormatter(
        formatting_locale(language, language_used), values["ceremony"].zone
    )
    env = environment()
    text_template = env.get_template(f"{language_used}/{template}.txt")
    subject_block = text_template.blocks["subject"]
    subject = single_line("".join(subject_block(text_template.new_context(values))))
    text = text_template.render(values)
    html = env.get_template(f"{language_used}/{template}.html").render(values, subject=subject)
    return RenderedEmail(subject=subject, text=text, html=html, language_used=language_used)


def message_id_for(event_id: object, recipient: str, template: str, domain: str) -> str:
    """Return a Message-ID that is the same whenever the same email is composed again."""
    domain = domain.strip()
    if not _DOMAIN.match(domain):
        raise ValueError(f"not a valid Message-ID domain: {domain!r}")
    # NUL cannot occur in any part, so distinct inputs never join into the same string.
    key = "\0".join((str(event_id), recipient.strip().lower(), template))
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _calendar_method(calendar: bytes) -> str:
    method = Calendar.from_ical(calendar).get("METHOD")
    if not method:
        raise ValueError("the calendar file has no METHOD")
    return str(method).upper()


def _add_calendar(message: EmailMessage, calendar: bytes) -> None:
    method = _calendar_method(calendar)
    # Inline text/calendar with a method is what makes Outlook and Gmail offer to add the event;
    # the same file attached as .ics serves clients that only look at attachments.
    message.add_alternative(calendar.decode("utf-8"), subtype="calendar", params={"method": method})
    filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
    message.add_attachment(calendar, maintype="application", subtype="ics", filename=filename)


def build_message(
    rendered: RenderedEmail,
    sender: str,
    recipient_name: str,
    recipient_email: str,
    message_id: str,
    attachments: Iterable[Attachment] = (),
    calendar: bytes | None = None,
    *,
    reply_to: str | None = None,
    sent_at: datetime | None = None,
) -> EmailMessage:
    """Assemble a multipart text + HTML message with optional calendar and attachments."""
    if not _MESSAGE_ID.match(message_id):
        raise ValueError(f"not a valid Message-ID: {message_id!r}")
    message = EmailMessage(policy=_POLICY)
    message["From"] = single_line(sender)
    message["To"] = Address(
        display_name=single_line(recipient_name), addr_spec=email_address(recipient_email)
    )
    if reply_to:
        message["Reply-To"] = single_line(reply_to)
    message["Subject"] = single_line(rendered.subject)
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    message["Message-ID"] = message_id
    # Tells vacation responders not to answer an automated message (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message.set_content(rendered.text)
    message.add_alternative(rendered.html, subtype="html")
    if calendar is not None:
        _add_calendar(message, calendar)
    for attachment in attachments:
        maintype, _, subtype = attachment.mime_type.partition("/")
        message.add_attachment(
            attachment.content,
            maintype=maintype,
            subtype=subtype or "octet-stream",
            filename=single_line(attachment.filename) or "attachment",
        )
    # Set last: turning the message into multipart/mixed moves Content-* headers to a subpart.
    message["Content-Language"] = rendered.language_used
    return message
