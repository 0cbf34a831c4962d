"""The public page a certificate's QR code opens: ``/verify/<code>`` says, in the visitor's
language, whether the certificate is genuine, who it was issued to and for what, or that it was
revoked, or that it is not a genuine certificate; ``/verify`` asks for a code to check.

No sign-in: anyone holding the paper (an employer, a border post) may check it. The language is
the one asked for with ``?lang=``, else the browser's (the console's languages and catalogs).
The page names no one in its title and asks search engines not to index it; a code that is not
a genuine certificate gets 404, with the page that explains why.
"""

from __future__ import annotations

import uuid
from datetime import date
from decimal import Decimal
from pathlib import Path
from urllib.parse import quote, urlencode

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Blueprint, Response, redirect, render_template, request, send_from_directory
from flask_babel import get_locale
from flask_babel import gettext as _
from sqlalchemy import select

from shared.console.formatting import local_date, local_time
from shared.console.languages import CONSOLE_LANGUAGES
from shared.web import service_context

from ..certificates.verification import Verification, verify
from ..models import ceremonies
from ..signing.certificates import MAX_INPUT_CHARS

bp = Blueprint("verify_page", __name__, url_prefix="/verify", template_folder="templates")

ASSETS = Path(__file__).parent / "static"
#: Where an offline verifier reads how the code is laid out and checked.
FORMAT_DOCUMENTATION = "README.md, “Verifying a certificate offline”"


def kind_words(kind: str) -> str:
    """What a certificate of ``kind`` is called."""
    return {
        "completion": _("Certificate of completion"),
        "attendance": _("Certificate of attendance"),
        "appreciation": _("Certificate of appreciation"),
    }.get(kind, kind)


def result_words(result: str | None) -> str:
    """A graduate's result in words ("" for none: a certificate of appreciation)."""
    return {
        "completed": _("Completed"),
        "distinction": _("Completed with distinction"),
        "attended": _("Attended"),
        "not_completed": _("Not completed"),
    }.get(result or "", "")


def not_genuine_words(reason: str | None) -> str:
    """Why a code is not a genuine certificate, for someone holding the paper."""
    return {
        "badge_code": _("This is a badge, not a certificate."),
        "unknown_key": _("It was not signed with the key of any ceremony known here."),
        "wrong_ceremony": _("It was signed with another ceremony's key than the one it names."),
        "bad_signature": _(
            "Its signature does not match its contents: the code was altered or forged."
        ),
        "unknown_certificate": _("No certificate was issued under this code."),
    }.get(
        reason or "",
        _("This is not a certificate code: it may have been mistyped, damaged or made up."),
    )


def revoked_words(reason: str | None) -> str:
    """Why a certificate was revoked; an organiser's own words are shown as given."""
    known = {
        "name_corrected": _(
            "The holder's name was corrected: a corrected certificate replaced this one."
        ),
        "result_changed": _("The holder's result was changed."),
        "registration_cancelled": _("The holder's registration was cancelled."),
        "revoked_by_organiser": _("The organiser revoked it."),
    }
    if not reason:
        return _("No reason was given.")
    return known.get(reason) or _("The organiser's reason: %(reason)s", reason=reason)


def _language() -> str:
    locale = get_locale()
    return str(locale) if locale else "en"


def _course_date(value: date | None) -> str:
    return format_date(value, format="long", locale=_language()) if value else ""


def _hours(value: Decimal | None) -> str:
    # 240.0 reads "240", 37.5 "37.5" (or "37,5" in French).
    return "" if value is None else format_decimal(value.normalize(), locale=_language())


def _timezone(session, ceremony_id: uuid.UUID | None) -> str:
    if ceremony_id is None:
        return "UTC"
    zone = session.scalar(select(ceremonies.c.timezone).where(ceremonies.c.id == ceremony_id))
    return zone or "UTC"


def certificate_view(found: Verification, zone: str) -> dict:
    """What the page shows of a genuine or revoked certificate, in the page's language."""
    starts, ends = _course_date(found.starts_on), _course_date(found.ends_on)
    return {
        "kind": kind_words(found.kind),
        "result": result_words(found.result),
        "distinction": found.result == "distinction",
        "name": found.name,
        "name_latin": found.name_latin if found.name_latin != found.name else None,
        "course_title": found.course_title,
        "course_title_en": found.course_title_en
        if found.course_title_en != found.course_title
        else None,
        "dates": starts if starts == ends else f"{starts} – {ends}",
        "hours": _hours(found.hours),
        "organisations": list(found.organisations or ()),
        "ceremony_title": found.ceremony_title,
        "issued_on": local_date(found.issued_at, zone),
        "revoked_at": local_time(found.revoked_at, zone),
        "revoked_reason": revoked_words(found.revoke_reason),
        "ceremony_id": found.ceremony_id,
        "kid": found.kid,
        "name_digest_hex": found.name_digest_hex,
    }


def _page(template: str, status: int, **context) -> Response:
    response = Response(render_template(template, **context), status=status)
    # A verdict may change (a revocation): no copy kept; and the code stays out of referrers.
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["X-Robots-Tag"] = "noindex"
    return response


@bp.get("")
def form():
    """A form to paste a certificate's code; sent, it opens that code's page."""
    # Codes are upper-case base32; a pasted one may be wrapped over lines or typed in lower case.
    code = "".join((request.args.get("code") or "").split())[:MAX_INPUT_CHARS].upper()
    if code:
        lang = request.args.get("lang")
        query = f"?{urlencode({'lang': lang})}" if lang in CONSOLE_LANGUAGES else ""
        return redirect(f"{bp.url_prefix}/{quote(code, safe='')}{query}", 303)
    return _page("verify/form.html", 200)


@bp.get("/<code>")
def page(code: str):
    """Whether the certificate of ``code`` is genuine, revoked, or not genuine (404)."""
    with service_context().database.transaction() as session:
        found = verify(session, code[: MAX_INPUT_CHARS + 1])
        if found.status == "not_genuine":
            return _page("verify/page.html", 404, found=found, why=not_genuine_words(found.reason))
        view = certificate_view(found, _timezone(session, found.ceremony_id))
    return _page(
        "verify/page.html", 200, found=found, certificate=view, documentation=FORMAT_DOCUMENTATION
    )


@bp.get("/assets/<path:filename>")
def asset(filename: str):
    """The page's own stylesheet (over the console's)."""
    return send_from_directory(ASSETS, filename, max_age=3600)
