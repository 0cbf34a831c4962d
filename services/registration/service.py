"""The registration service's descriptor for the ``ceremony`` command and the worker."""

from __future__ import annotations

from pathlib import Path

from shared.service import Service

from .commands import add_commands
from .models import Base, inbox, outbox
from .retention import RetentionThread, purge_due

SERVICE = Service(
    name="registration",
    app_factory="services.registration.app:create_app",
    metadata=Base.metadata,
    outbox=outbox,
    inbox=inbox,
    migrations=Path(__file__).parent / "migrations",
    # Registration publishes; it handles no events yet.
    build_handlers=lambda settings, database: {},
    build_background=lambda settings, database: [RetentionThread(settings, database)],
    purge=purge_due,
    add_commands=add_commands,
)
