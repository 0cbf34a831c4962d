"""The page a door device opens from its enrolment QR code: it is signed in to its gate.

GET shows what the device will be signed in as and changes nothing (a link preview or a
scanner app may open it); the one button POSTs, which exchanges the code once and sends the
device to the door page with its credential in the address's fragment, which browsers never
send to a server.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template

from shared.access import actor
from shared.errors import DomainError
from shared.web import CONTENT_SECURITY_POLICY, service_context

from ..ceremonies import get_ceremony
from ..devices import device_for_code, enrol_device
from .translations import local_datetime, strings_for

bp = Blueprint("enrol_pages", __name__, template_folder="templates")

#: Endpoints anyone may reach without signing in (rate-limited per address), by method.
PUBLIC_ENDPOINTS: dict[str, tuple[str, ...]] = {
    "enrol_pages.enrol_page": ("GET",),
    "enrol_pages.enrol_answer": ("POST",),
}

LANGUAGE = "en"
#: What the page says when a code cannot be used, by the refusal's code.
REFUSALS = {
    "enrolment_used": "This enrolment code was already used.",
    "enrolment_expired": "This enrolment code has expired.",
    "device_revoked": "This device has been revoked.",
    "ceremony_ended": "The ceremony has ended.",
    "enrolment_invalid": "This is not a valid enrolment code.",
}


@bp.get("/enrol/<code>")
def enrol_page(code: str):
    """Say which gate of which ceremony this device will be signed in at, with one button."""
    context = service_context()
    try:
        with context.database.transaction() as session:
            device = device_for_code(session, context.signer, code)
            ceremony = get_ceremony(session, device.ceremony_id)
            until = local_datetime(device.enrol_until, ceremony.timezone, LANGUAGE)
            page = render_template(
                "enrol/enrol.html",
                device=device,
                ceremony=ceremony,
                until=until,
                t=strings_for(LANGUAGE),
                lang=LANGUAGE,
            )
    except DomainError as refusal:
        return _refused(refusal)
    return _private(Response(page))


@bp.post("/enrol/<code>")
def enrol_answer(code: str):
    """Exchange the code, once, and open the door page signed in as this device."""
    context = service_context()
    try:
        with context.database.transaction() as session:
            _, credential = enrol_device(session, context.signer, code, actor=actor())
    except DomainError as refusal:
        return _refused(refusal)
    door = context.settings.public_urls["badges"].rstrip("/")
    return _private(redirect(f"{door}/scan#device={credential}", 303))


def _refused(refusal: DomainError):
    message = REFUSALS.get(refusal.code, refusal.message)
    status = 410 if refusal.kind == "gone" else 404
    page = render_template(
        "enrol/refused.html",
        message=message,
        code=refusal.code,
        t=strings_for(LANGUAGE),
        lang=LANGUAGE,
    )
    return _private(Response(page, status=status))


def _private(response: Response) -> Response:
    """Keep the code and the credential out of caches, and let the button lead on to the door
    page, which the badges service may serve from another origin."""
    door = service_context().settings.public_urls["badges"].rstrip("/")
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = CONTENT_SECURITY_POLICY.replace(
        "form-action 'self'", f"form-action 'self' {door}"
    )
    return response
