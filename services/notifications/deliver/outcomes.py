"""What one try to send an email leaves in the delivery log, and what a failure publishes."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.orm import Session

from shared.observability import DELIVERIES
from shared.outbox import publish_event

from ..models import deliveries, outbox
from .sender import DeliveryError

log = logging.getLogger(__name__)

PRODUCER = "notifications"
_MAX_ERROR = 2000


def _set(session: Session, delivery: Any, **values: Any) -> None:
    # An outcome ends the lease of whoever was sending the email: nobody takes it over now.
    values.update(lease_holder=None, lease_expires_at=None)
    session.execute(update(deliveries).where(deliveries.c.id == delivery.id).values(**values))


def mark_sent(session: Session, delivery: Any, language_used: str, now: datetime) -> None:
    """The SMTP server (or the mail folder) took the email."""
    _set(
        session,
        delivery,
        status="sent",
        attempts=delivery.attempts + 1,
        language_used=language_used,
        sent_at=now,
        next_attempt_at=None,
    )
    DELIVERIES.labels("sent", delivery.template).inc()
    log.info("sent %s to %s", delivery.template, delivery.recipient, extra=_ids(delivery))


def mark_skipped(session: Session, delivery: Any, reason: str) -> None:
    """The email no longer applies; it is kept in the log with the reason."""
    _set(session, delivery, status="skipped", last_error=reason, next_attempt_at=None)
    DELIVERIES.labels("skipped", delivery.template).inc()
    log.info("skipped %s to %s: %s", delivery.template, delivery.recipient, reason)


def mark_transient(
    session: Session,
    delivery: Any,
    error: DeliveryError,
    language_used: str | None,
    schedule: Sequence[float],
    now: datetime,
) -> None:
    """Try again after the schedule's next delay; once the schedule is used up, it failed."""
    attempts = delivery.attempts + 1
    if attempts > len(schedule):
        reason = f"gave up after {attempts} tries: {error}"
        mark_failed(session, delivery, error, language_used, now, reason=reason)
        return
    _set(
        session,
        delivery,
        attempts=attempts,
        language_used=language_used or delivery.language_used,
        last_error=str(error)[:_MAX_ERROR],
        smtp_code=error.smtp_code,
        next_attempt_at=now + timedelta(seconds=schedule[attempts - 1]),
    )
    log.warning(
        "try %d of %s to %s failed, again in %gs: %s",
        attempts,
        delivery.template,
        delivery.recipient,
        schedule[attempts - 1],
        error,
        extra=_ids(delivery),
    )


def mark_failed(
    session: Session,
    delivery: Any,
    error: DeliveryError,
    language_used: str | None,
    now: datetime,
    *,
    reason: str | None = None,
) -> None:
    """Record a final failure and publish ``delivery.failed`` with it, in one transaction."""
    reason = (reason or str(error))[:_MAX_ERROR]
    _set(
        session,
        delivery,
        status="failed",
        attempts=delivery.attempts + 1,
        language_used=language_used or delivery.language_used,
        last_error=reason,
        smtp_code=error.smtp_code,
        next_attempt_at=None,
    )
    publish_event(
        session,
        outbox,
        "delivery.failed",
        {
            "delivery_id": delivery.id,
            "ceremony_id": delivery.ceremony_id,
            "template": delivery.template,
            "recipient": delivery.recipient,
            "reason": reason,
            "smtp_code": error.smtp_code,
        },
        PRODUCER,
    )
    DELIVERIES.labels("failed", delivery.template).inc()
    log.warning("%s to %s failed: %s", delivery.template, delivery.recipient, reason)


def _ids(delivery: Any) -> dict[str, str]:
    return {"delivery_id": str(delivery.id), "message_id": delivery.message_id}
