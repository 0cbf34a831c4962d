"""Assemble the MIME message that is sent: parts, calendar file, attachments, headers."""

import hashlib
import re
from collections.abc import Iterable
from datetime import UTC, datetime
from email.message import Message
from email.utils import format_datetime

from .contexts import Attachment
from .letters import RenderedEmail
from .mime import address, attachment_part, mailbox, multipart, subpart, text_part, unstructured
from .sanitising import single_line

_DOMAIN = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$")
_MESSAGE_ID = re.compile(r"^<[^<>\s@]+@[^<>\s@]+>$")
_METHOD = re.compile(rb"^METHOD:([A-Za-z-]+)\r?$", re.MULTILINE)


def message_id_for(event_id: object, recipient: str, template: str, domain: str) -> str:
    """Return a Message-ID that is the same whenever the same email is composed again."""
    domain = domain.strip()
    if not _DOMAIN.match(domain):
        raise ValueError(f"not a valid Message-ID domain: {domain!r}")
    # NUL cannot occur in any part, so distinct inputs never join into the same string.
    key = "\0".join((str(event_id), recipient.strip().lower(), template))
    return f"<{hashlib.sha256(key.encode()).hexdigest()[:32]}@{domain}>"


def _calendar_method(calendar: bytes) -> str:
    # A property line of the calendar itself, read without parsing the whole file: parsing
    # took half the time of building a confirmation.
    match = _METHOD.search(calendar)
    if not match:
        raise ValueError("the calendar file has no METHOD")
    return match.group(1).decode("ascii").upper()


def _calendar_parts(calendar: bytes) -> tuple[Message, Message]:
    method = _calendar_method(calendar)
    # Inline text/calendar with a method is what makes Outlook and Gmail offer to add the event;
    # the same file attached as .ics serves clients that only look at attachments.
    inline = text_part(calendar.decode("utf-8"), "calendar", method=method)
    filename = "cancel.ics" if method == "CANCEL" else "invite.ics"
    return inline, attachment_part(calendar, "application/ics", filename)


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
) -> Message:
    """Assemble a multipart text + HTML message with optional calendar and attachments."""
    if not _MESSAGE_ID.match(message_id):
        raise ValueError(f"not a valid Message-ID: {message_id!r}")
    bodies = [text_part(rendered.text, "plain"), text_part(rendered.html, "html")]
    files = [
        attachment_part(attachment.content, attachment.mime_type, attachment.filename)
        for attachment in attachments
    ]
    if calendar is not None:
        inline, ics = _calendar_parts(calendar)
        bodies.append(inline)
        files.insert(0, ics)
    message = multipart("alternative", bodies)
    if files:
        message = multipart("mixed", [subpart(message), *files])
    message["From"] = mailbox(sender)
    message["To"] = address(recipient_name, recipient_email)
    if reply_to:
        message["Reply-To"] = mailbox(reply_to)
    message["Subject"] = unstructured(rendered.subject)
    message["Date"] = format_datetime(sent_at or datetime.now(UTC))
    message["Message-ID"] = message_id
    # Tells vacation responders not to answer an automated message (RFC 3834).
    message["Auto-Submitted"] = "auto-generated"
    message["Content-Language"] = single_line(rendered.language_used)
    return message
