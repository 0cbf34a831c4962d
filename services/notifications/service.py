"""The notifications service's descriptor for the ``ceremony`` command and the worker."""

from __future__ import annotations

from pathlib import Path

from shared.config import Settings
from shared.db import Database
from shared.projections import projection_handlers
from shared.service import Service

from .models import Base, ceremonies, inbox, outbox, registrations


def build_handlers(settings: Settings, database: Database) -> dict:
    """Event type → handler: for now the projections of ceremonies and registrations."""
    return projection_handlers(ceremonies, registrations)


SERVICE = Service(
    name="notifications",
    app_factory="services.notifications.app:create_app",
    metadata=Base.metadata,
    outbox=outbox,
    inbox=inbox,
    migrations=Path(__file__).parent / "migrations",
    build_handlers=build_handlers,
)
