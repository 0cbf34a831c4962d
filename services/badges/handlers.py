"""Bus handlers: keep the projections, give each ceremony its key, issue and revoke badges."""

from __future__ import annotations

from sqlalchemy.orm import Session

from shared.config import Settings
from shared.db import Database
from shared.events import Event
from shared.projections import apply_ceremony, apply_registration
from shared.service import Handler

from .issuing import issue_badge, revoke_badge
from .models import ceremonies, registrations
from .signing.keys import KeyRing


def badge_handlers(keys: KeyRing) -> dict[str, Handler]:
    """Event type → handler, signing with ``keys``."""

    def on_ceremony_created(session: Session, event: Event) -> None:
        """Keep the ceremony and give it its signing key."""
        apply_ceremony(session, ceremonies, event)
        keys.ensure_key(session, event.data["ceremony_id"])

    def on_ceremony_updated(session: Session, event: Event) -> None:
        """Keep the ceremony's new title, date and venue for printing."""
        apply_ceremony(session, ceremonies, event)

    def on_confirmed(session: Session, event: Event) -> None:
        """Keep the registration and issue its badge (once)."""
        apply_registration(session, registrations, event)
        issue_badge(session, keys, event.data["registration_id"])

    def on_cancelled(session: Session, event: Event) -> None:
        """Keep the registration and revoke its badge."""
        apply_registration(session, registrations, event)
        revoke_badge(session, event.data["registration_id"])

    return {
        "ceremony.created": on_ceremony_created,
        "ceremony.updated": on_ceremony_updated,
        "registration.confirmed": on_confirmed,
        "registration.cancelled": on_cancelled,
    }


def build_handlers(settings: Settings, database: Database) -> dict[str, Handler]:
    """The worker's routing table, with a key ring opened by the service secret."""
    return badge_handlers(KeyRing(settings.require_secret()))
