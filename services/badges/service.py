"""The badges service's descriptor for the ``ceremony`` command and the worker."""

from __future__ import annotations

from pathlib import Path

from shared.service import Service

from .handlers import build_handlers
from .models import Base, inbox, outbox

SERVICE = Service(
    name="badges",
    app_factory="services.badges.app:create_app",
    metadata=Base.metadata,
    outbox=outbox,
    inbox=inbox,
    migrations=Path(__file__).parent / "migrations",
    build_handlers=build_handlers,
)
