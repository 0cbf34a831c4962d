"""Bus handlers of the registration service: what it learns from the other services."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import Database
from shared.events import Event
from shared.service import Handler

from .devices import note_scan


def on_checkin_recorded(session: Session, event: Event) -> None:
    """Keep when an enrolled device last scanned (scans by other credentials name none)."""
    device_id = event.data.get("device_id")
    if device_id is not None:
        note_scan(session, device_id, event.data["at"])


def registration_handlers() -> dict[str, Handler]:
    """Event type → handler."""
    return {"checkin.recorded": on_checkin_recorded}


def build_handlers(settings: Settings, database: Database) -> dict[str, Handler]:
    """The worker's routing table."""
    return registration_handlers()
