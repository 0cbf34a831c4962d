"""What a service tells the suite about itself: its name, app, tables, migrations and handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import Session

from .config import Settings
from .db import Database
from .events import Event

#: A bus handler: applies one event inside the worker's transaction.
Handler = Callable[[Session, Event], None]


@dataclass(frozen=True)
class Service:
    """A service's descriptor, found by the ``ceremony`` command through an entry point."""

    name: str
    #: ``module:function`` that gunicorn calls to build the WSGI app.
    app_factory: str
    metadata: MetaData
    outbox: Table
    inbox: Table
    migrations: Path
    #: Builds the event-type → handler routing table with its collaborators.
    build_handlers: Callable[[Settings, Database], Mapping[str, Handler]]
