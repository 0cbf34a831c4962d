"""Which letter a ``certificate.issued`` calls for, and recording it for the holder.

A certificate is written to once: the letter is named by the certificate's id (not the event's),
so a republished event finds it recorded already. The PDF is fetched from badges when the letter
is sent, so the letter carries the certificate as badges serves it then.
"""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.events import Event

from .compose.identity import MailIdentity
from .deliver.log import record_for_registration
from .models import deliveries

log = logging.getLogger(__name__)

#: The letters that carry a certificate: a first one, a corrected one replacing an earlier one,
#: and a certificate of appreciation (to the course's experts).
CERTIFICATE_TEMPLATES = ("certificate_issued", "certificate_corrected", "appreciation_certificate")
#: Why a letter carrying a certificate since replaced was not sent.
REPLACED = "the certificate was replaced by a corrected one before this email was sent"


def certificate_letter(data: dict[str, Any]) -> str:
    """The template for an issued certificate."""
    if data["replaces"] is not None:
        return "certificate_corrected"
    return "appreciation_certificate" if data["kind"] == "appreciation" else "certificate_issued"


def certificate_details(data: dict[str, Any]) -> dict[str, Any]:
    """What the letter needs of the event: which certificate, and its code for the link."""
    return {
        "certificate_id": str(data["certificate_id"]),
        "kind": data["kind"],
        "result": data["result"],
        "code": data["code"],
        "replaces": str(data["replaces"]) if data["replaces"] else None,
    }


def skip_replaced_letter(session: Session, registration_id: Any, replaced: Any) -> int:
    """Skip a letter still queued for the certificate ``replaced``: its PDF is revoked, and
    the corrected letter follows. Returns how many were skipped."""
    queued = session.execute(
        select(deliveries.c.id, deliveries.c.details).where(
            deliveries.c.registration_id == registration_id,
            deliveries.c.template.in_(CERTIFICATE_TEMPLATES),
            deliveries.c.status == "queued",
        )
    ).all()
    skipped = 0
    for row in queued:
        if (row.details or {}).get("certificate_id") == str(replaced):
            session.execute(
                deliveries.update()
                .where(deliveries.c.id == row.id)
                .values(status="skipped", last_error=REPLACED, next_attempt_at=None)
            )
            skipped += 1
    return skipped


def record_certificate_letter(
    session: Session, identity: MailIdentity, event: Event, registration: Any
) -> bool:
    """Queue the letter an issued certificate calls for; False when none is (the holder
    cancelled or was erased) or it was recorded already."""
    data = event.data
    if registration.status == "cancelled" or not registration.email:
        log.info(
            "no certificate letter for registration %s (%s)",
            registration.id,
            "erased" if not registration.email else registration.status,
        )
        return False
    if data["replaces"] is not None:
        skip_replaced_letter(session, registration.id, data["replaces"])
    return record_for_registration(
        session,
        identity,
        data["certificate_id"],
        certificate_letter(data),
        registration,
        certificate_details(data),
    )
