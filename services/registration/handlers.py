"""Bus handlers of the registration service: what it learns from the other services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import Database
from shared.events import Event
from shared.service import Handler

from .devices import note_scan
from .graduation import note_certificate_issued, note_certificate_revoked
from .invitations import note_bounced
from .registrations import note_arrival


def on_checkin_recorded(session: Session, event: Event) -> None:
    """Keep when an enrolled device last scanned (scans by other credentials name none), and
    when the guest first came in."""
    if event.data["direction"] == "in":
        note_arrival(session, event.data["registration_id"], event.data["at"])
    device_id = event.data.get("device_id")
    if device_id is not None:
        note_scan(session, device_id, event.data["at"])


def on_delivery_failed(session: Session, event: Event) -> None:
    """An invitation or reminder email was refused for good: its invitation is bounced."""
    data = event.data
    note_bounced(
        session, data["ceremony_id"], data["template"], data["recipient"], event.occurred_at
    )


def on_certificate_issued(session: Session, event: Event) -> None:
    """The badges service issued a certificate: the roll and the manage page show it."""
    note_certificate_issued(session, event.data, event.occurred_at)


def on_certificate_revoked(session: Session, event: Event) -> None:
    """A certificate was revoked (a corrected name reissues it): it shows as revoked."""
    note_certificate_revoked(session, event.data, event.occurred_at)


def registration_handlers() -> dict[str, Handler]:
    """Event type → handler."""
    return {
        "checkin.recorded": on_checkin_recorded,
        "delivery.failed": on_delivery_failed,
        "certificate.issued": on_certificate_issued,
        "certificate.revoked": on_certificate_revoked,
    }


def build_handlers(settings: Settings, database: Database) -> dict[str, Handler]:
    """The worker's routing table."""
    return registration_handlers()
