"""MIME parts and headers built with the email package's lean classes, made safe here.

The modern API (``EmailMessage`` and its header registry) parses every header it is given and
refolds each one on output: for a confirmation, that was two thirds of the time to build and
send it. These classes take values as given, so each is prepared here: one line, addresses
formatted and quoted, anything beyond ASCII as RFC 2047 encoded words, bodies quoted-printable
or base64, so the whole message is 7-bit clean for any SMTP server.
"""

import re
from email import charset, encoders
from email.header import Header
from email.mime.base import MIMEBase
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.policy import compat32
from email.utils import formataddr, parseaddr

from services.notifications.compose.sanitising import email_address, single_line

_POLICY = compat32.clone(mangle_from_=False)
# smtplib flattens with the mbox-era habit of turning a body line "From ..." into ">From ...";
# written "=46rom" (RFC 2045's own advice), the line decodes the same and is left alone.
_FROM_LINE = re.compile(r"^From ", re.MULTILINE)
# Text stays readable in the raw message as quoted-printable; base64 would hide it.
_UTF8_TEXT = charset.Charset("utf-8")
_UTF8_TEXT.body_encoding = charset.QP


def address(display_name: str, addr_spec: str) -> str:
    """A mailbox header value, "Name <addr>", with the name quoted or encoded as needed."""
    return formataddr((single_line(display_name), email_address(addr_spec)), charset="utf-8")


def mailbox(value: str) -> str:
    """A header value for one mailbox given as text ("Name <addr>" or a bare address)."""
    name, addr_spec = parseaddr(single_line(value))
    if not addr_spec:
        raise ValueError(f"not a valid email address: {value!r}")
    return address(name, addr_spec)


def unstructured(value: str) -> str | Header:
    """A header value of free text: one line, encoded words when it is not ASCII."""
    text = single_line(value)
    return text if text.isascii() else Header(text, "utf-8")


def subpart(part):
    """``part`` made ready to sit inside another: only the message says its MIME version."""
    del part["MIME-Version"]
    return part


def text_part(content: str, subtype: str, **params: str) -> MIMEText:
    """A UTF-8 text part in quoted-printable, with extra Content-Type parameters."""
    part = MIMEText(content, subtype, _UTF8_TEXT, policy=_POLICY)
    part.set_payload(_FROM_LINE.sub("=46rom ", part.get_payload()))
    for name, value in params.items():
        part.set_param(name, value)
    return subpart(part)


def attachment_part(content: bytes, mime_type: str, filename: str) -> MIMEBase:
    """A base64 attachment with its file name (RFC 2231-encoded when it is not ASCII)."""
    maintype, _, subtype = mime_type.partition("/")
    part = MIMEBase(maintype or "application", subtype or "octet-stream", policy=_POLICY)
    part.set_payload(content)
    encoders.encode_base64(part)
    name = single_line(filename) or "attachment"
    part.add_header(
        "Content-Disposition",
        "attachment",
        filename=name if name.isascii() else ("utf-8", "", name),
    )
    return subpart(part)


def multipart(subtype: str, parts) -> MIMEMultipart:
    """A multipart container of ``parts``, in order."""
    container = MIMEMultipart(subtype, policy=_POLICY)
    for part in parts:
        container.attach(part)
    return container
