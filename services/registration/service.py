"""The registration service's descriptor for the ``ceremony`` command and the worker."""

from __future__ import annotations

from pathlib import Path

from shared.service import Service

from .commands import add_commands
from .handlers import build_handlers
from .models import Base, inbox, outbox
from .retention import RetentionThread, purge_due

SERVICE = Service(
    name="registration",
    app_factory="services.registration.app:create_app",
    metadata=Base.metadata,
    outbox=outbox,
    inbox=inbox,
    migrations=Path(__file__).parent / "migrations",
    build_handlers=build_handlers,
    build_background=lambda settings, database: [RetentionThread(settings, database)],
    purge=purge_due,
    add_commands=add_commands,
)
