"""The inbox: the ids of events a service has handled, so a redelivered event does nothing."""

from __future__ import annotations

from sqlalchemy import Column, MetaData, String, Table, func, select
from sqlalchemy.orm import Session

from .db import UTCDateTime


def inbox_table(metadata: MetaData) -> Table:
    """The ``inbox`` table in a service's own database."""
    return Table(
        "inbox",
        metadata,
        # One row per (queue, event): two queues of one service may handle the same event.
        Column("queue", String(128), primary_key=True),
        Column("event_id", String(36), primary_key=True),
        Column("event_type", String(64), nullable=False),
        Column("handled_at", UTCDateTime(), nullable=False, server_default=func.now()),
    )


def already_handled(session: Session, inbox: Table, queue: str, event_id: str) -> bool:
    """Whether this queue's handler already committed the effect of ``event_id``."""
    query = select(inbox.c.event_id).where(inbox.c.queue == queue, inbox.c.event_id == event_id)
    return session.execute(query).first() is not None


def record_handled(
    session: Session, inbox: Table, queue: str, event_id: str, event_type: str
) -> None:
    """Note ``event_id`` as handled, in the same transaction as its effect.

    Two workers racing on one redelivered event both reach this insert; the primary key lets one
    commit and makes the other fail and roll back its effect.
    """
    session.execute(inbox.insert().values(queue=queue, event_id=event_id, event_type=event_type))
