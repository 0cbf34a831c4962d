"""What the registration learns of certificates from the badges service, for the roll and the
guest's manage page: which certificate each registration holds, and whether it stands.

The events may come twice or out of order: a revocation heard before its issue leaves the
certificate revoked, and the newest issue is the one a registration holds.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ..models import GraduateCertificate, Registration

log = logging.getLogger(__name__)


def note_certificate_issued(session: Session, data: dict[str, Any], at: datetime) -> None:
    """Record a certificate the badges service issued (``CertificateData``) at ``at``."""
    certificate = _certificate(session, data)
    if certificate is None:
        return
    certificate.issued_at = certificate.issued_at or at
    certificate.code = data["code"]
    certificate.replaces = data.get("replaces")
    if data.get("replaces"):
        # The replaced one is revoked with this issue; its own event may come later, or first.
        replaced = session.get(GraduateCertificate, data["replaces"])
        if replaced is not None and replaced.status != "revoked":
            replaced.status, replaced.revoked_at = "revoked", at
            replaced.reason = replaced.reason or "replaced"


def note_certificate_revoked(session: Session, data: dict[str, Any], at: datetime) -> None:
    """Record that a certificate was revoked at ``at`` (why, in ``reason``)."""
    certificate = _certificate(session, data)
    if certificate is None:
        return
    certificate.status = "revoked"
    certificate.revoked_at = certificate.revoked_at or at
    certificate.reason = data.get("reason") or certificate.reason


def _certificate(session: Session, data: dict[str, Any]) -> GraduateCertificate | None:
    """The certificate's row, added as issued when first heard of; None for a registration
    this service does not have (nothing to show it on)."""
    registration = session.get(Registration, data["registration_id"])
    if registration is None or registration.ceremony_id != data["ceremony_id"]:
        log.warning(
            "certificate %s names registration %s, not one of ceremony %s here",
            data["certificate_id"],
            data["registration_id"],
            data["ceremony_id"],
        )
        return None
    certificate = session.get(GraduateCertificate, data["certificate_id"])
    if certificate is None:
        certificate = GraduateCertificate(
            certificate_id=data["certificate_id"],
            ceremony_id=data["ceremony_id"],
            registration_id=data["registration_id"],
            kind=data["kind"],
            result=data.get("result"),
            code=data.get("code"),
            status="issued",
        )
        session.add(certificate)
    return certificate
