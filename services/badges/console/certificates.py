"""Console page of a ceremony's certificates: release them (optionally only to graduates
admitted at the door), then the list with each certificate's PDF, its verification page, and
a Revoke button; the hand-over PDF of them all, in roll order."""

from __future__ import annotations

import uuid

from flask import Blueprint, request
from flask_babel import gettext as _
from sqlalchemy import select

from shared.access import MANAGE, READ, actor, current_principal, has_permission
from shared.console import CONSOLE_PREFIXES
from shared.console.pages import console_page, field_errors, refusal_page, render_page
from shared.errors import DomainError
from shared.web import service_context

from ..certificates.issuing import revoke
from ..certificates.release import release
from ..models import ceremonies, certificate_releases, certificates
from ..web.verify_page import kind_words, result_words

bp = Blueprint(
    "console_certificates",
    __name__,
    url_prefix=CONSOLE_PREFIXES["badges"],
    template_folder="templates",
)

#: The longest reason an organiser may give for revoking (the certificate keeps 64 characters).
REASON_CHARS = 64


@bp.route("/<uuid:ceremony_id>/certificates", methods=["GET", "POST"])
@console_page(READ)
def certificates_page(ceremony_id: uuid.UUID):
    """The ceremony's certificates; a POST releases them or revokes one."""
    may_manage = has_permission(current_principal(), ceremony_id, MANAGE)
    release_errors: dict[str, str] = {}
    revoke_errors: dict[str, str] = {}
    notice = None
    status = 200
    if request.method == "POST":
        if not may_manage:
            return refusal_page(403, _("Your role on this ceremony cannot release certificates."))
        action = request.form.get("action")
        if action == "release":
            notice, release_errors, status = _release(ceremony_id)
        elif action == "revoke":
            notice, revoke_errors, status = _revoke(ceremony_id)
        else:
            revoke_errors, status = {"_form": _("Choose what to do.")}, 422
    with service_context().database.transaction() as session:
        ceremony = session.execute(select(ceremonies).where(ceremonies.c.id == ceremony_id)).first()
        if ceremony is None:
            return refusal_page(404, _("This ceremony is not known here yet."))
        rows = session.execute(
            select(certificates)
            .where(certificates.c.ceremony_id == ceremony_id)
            .order_by(certificates.c.status, certificates.c.name, certificates.c.issued_at)
        ).all()
        released = session.execute(
            select(
                certificate_releases.c.released_at.label("at"),
                certificate_releases.c.only_admitted,
            ).where(certificate_releases.c.ceremony_id == ceremony_id)
        ).first()
        return render_page(
            "badges/certificates/page.html",
            status=status,
            ceremony=ceremony,
            active="certificates",
            title=_("Certificates"),
            rows=rows,
            released=released,
            notice=notice,
            form=request.form if request.method == "POST" else {},
            release_errors=release_errors,
            revoke_errors=revoke_errors,
            may_manage=may_manage,
            kind_words=kind_words,
            result_words=result_words,
        )


def _release(ceremony_id: uuid.UUID) -> tuple[str | None, dict[str, str], int]:
    """Release the certificates as the form asks: the notice of what was done, or the errors
    (a 409: no course, no result yet) to show beside the button."""
    only_admitted = request.form.get("only_admitted") in ("on", "true", "1")
    try:
        with service_context().database.transaction() as session:
            counts = release(session, ceremony_id, only_admitted=only_admitted, actor=actor())
    except DomainError as error:
        errors = field_errors(error)
        if error.code == "no_results":
            errors["result"] = _("No graduate has a result yet.")
        elif error.code == "course_not_found":
            errors["course"] = _("This ceremony has no course: set it before releasing.")
        return None, errors, 409
    notice = _(
        "Certificates released: %(issued)s issued, %(already)s issued before.",
        issued=counts.get("issued", 0),
        already=counts.get("already_issued", 0),
    )
    return notice, {}, 200


def _revoke(ceremony_id: uuid.UUID) -> tuple[str | None, dict[str, str], int]:
    """Revoke the certificate the form names, with the reason typed (if any)."""
    form = request.form
    try:
        certificate_id = uuid.UUID(form.get("certificate_id", ""))
    except ValueError:
        return None, {"_form": _("This certificate is not one of this list.")}, 422
    reason = " ".join((form.get("reason") or "").split())
    if len(reason) > REASON_CHARS:
        return (
            None,
            {
                "certificate_id": str(certificate_id),
                "reason": _("At most %(count)s characters.", count=REASON_CHARS),
            },
            422,
        )
    try:
        with service_context().database.transaction() as session:
            owner = session.scalar(
                select(certificates.c.ceremony_id).where(certificates.c.id == certificate_id)
            )
            if owner != ceremony_id:
                return None, {"_form": _("This certificate is not one of this list.")}, 404
            revoke(session, certificate_id, reason=reason or None, actor=actor())
    except DomainError as error:
        if error.code == "already_revoked":
            return None, {"_form": _("This certificate was revoked already.")}, 409
        return None, {"certificate_id": str(certificate_id), "reason": error.message}, 409
    return _("The certificate is revoked."), {}, 200
