"""The transactional outbox: an event is stored with the change that caused it, then relayed.

A service calls ``publish_event`` inside its own database transaction; the relay (in the
service's worker) publishes stored events with confirms and only then marks them sent. An event
can therefore be published twice (a crash between confirm and mark) but never lost; consumers'
inboxes make the second copy harmless.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Column,
    Index,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    func,
    select,
    text,
    update,
)
from sqlalchemy.orm import Session

from .bus import ConfirmingPublisher, Outgoing, dump_body
from .db import Database, UTCDateTime
from .events import make_envelope

log = logging.getLogger(__name__)


def outbox_table(metadata: MetaData) -> Table:
    """The ``outbox`` table in a service's own database."""
    return Table(
        "outbox",
        metadata,
        Column("id", BigInteger().with_variant(Integer, "sqlite"), primary_key=True),
        Column("event_id", String(36), nullable=False, unique=True),
        Column("event_type", String(64), nullable=False),
        # The whole envelope as JSON, exactly as it will travel.
        Column("body", Text, nullable=False),
        Column("created_at", UTCDateTime(), nullable=False, server_default=func.now()),
        # NULL until the broker confirmed the message.
        Column("published_at", UTCDateTime(), nullable=True),
        Index(
            "ix_outbox_unpublished",
            "id",
            postgresql_where=text("published_at IS NULL"),
            sqlite_where=text("published_at IS NULL"),
        ),
    )


def publish_event(
    session: Session, outbox: Table, event_type: str, data: dict[str, Any], producer: str
) -> dict[str, Any]:
    """Validate ``data`` and store the event in the current transaction; returns the envelope."""
    envelope = make_envelope(event_type, data, producer)
    session.execute(outbox.insert().values(**outbox_row(envelope)))
    return envelope


def outbox_row(envelope: dict[str, Any]) -> dict[str, Any]:
    """The outbox row that stores an envelope from ``make_envelope``.

    For a hot path that writes the row within a statement of its own; it must still commit in
    the transaction of the change the event announces.
    """
    return {
        "event_id": envelope["event_id"],
        "event_type": envelope["type"],
        "body": dump_body(envelope),
    }


def relay_batch(
    database: Database, outbox: Table, publisher: ConfirmingPublisher, limit: int = 500
) -> int:
    """Publish up to ``limit`` unsent events, oldest first; returns how many were published."""
    query = (
        select(outbox.c.id, outbox.c.event_id, outbox.c.event_type, outbox.c.body)
        .where(outbox.c.published_at.is_(None))
        .order_by(outbox.c.id)
        .limit(limit)
    )
    if database.is_postgresql:
        # Several relays (replicas) share the table: each takes rows no other one holds.
        query = query.with_for_update(skip_locked=True)
    with database.transaction() as session:
        rows = session.execute(query).all()
        if not rows:
            return 0
        publisher.publish_batch(
            Outgoing(body=row.body, routing_key=row.event_type, message_id=row.event_id)
            for row in rows
        )
        session.execute(
            update(outbox)
            .where(outbox.c.id.in_([row.id for row in rows]))
            .values(published_at=datetime.now(UTC))
        )
    log.debug("relayed %d event(s)", len(rows))
    return len(rows)


def purge_published(database: Database, outbox: Table, published_before: datetime) -> int:
    """Delete events published before ``published_before``; returns how many went.

    Published events are kept a while for whoever investigates; past that they only hold
    personal data (names, addresses) that no one needs any more.
    """
    purged = 0
    while True:
        with database.transaction() as session:
            ids = (
                session.execute(
                    select(outbox.c.id)
                    .where(
                        outbox.c.published_at.is_not(None), outbox.c.published_at < published_before
                    )
                    .limit(1000)
                )
                .scalars()
                .all()
            )
            if not ids:
                return purged
            session.execute(outbox.delete().where(outbox.c.id.in_(ids)))
            purged += len(ids)


def backlog(database: Database, outbox: Table) -> int:
    """How many events wait to be published."""
    with database.sessions() as session:
        query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        return session.execute(query).scalar_one()
