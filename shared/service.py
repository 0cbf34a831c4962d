"""What a service tells the suite about itself: its name, app, tables, migrations and handlers."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import Session

from .config import Settings
from .db import Database
from .events import Event

#: A bus handler: applies one event inside the worker's transaction.
Handler = Callable[[Session, Event], None]


class BackgroundThread(Protocol):
    """Work a service's worker process runs beside its consumer, such as sending emails."""

    def start(self) -> None:
        """Begin working in the background."""

    def stop(self) -> None:
        """Ask it to finish what it holds and stop."""

    def join(self, timeout: float | None = None) -> None:
        """Wait until it stopped."""


def no_background(settings: Settings, database: Database) -> Sequence[BackgroundThread]:
    """Most services' workers only consume and relay."""
    return ()


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
    #: Builds the extra threads the worker starts with its relay and stops with it.
    build_background: Callable[[Settings, Database], Sequence[BackgroundThread]] = no_background
    #: Erases personal data past its retention (``ceremony purge``); lines saying what went.
    purge: Callable[..., list[str]] | None = None
    #: Adds the service's own subcommands to the ``ceremony`` command (``user``, ``apikey``).
    add_commands: Callable[[Any], None] | None = None
