"""Published events leave the outbox after its retention; unpublished ones always stay."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from services.registration.models import outbox
from services.registration.service import SERVICE
from shared.db import Database
from shared.outbox import publish_event, purge_published
from tests.conftest import make_settings, migrated


def test_only_events_published_before_the_cut_are_deleted(tmp_path):
    settings = migrated(SERVICE, make_settings("registration", tmp_path))
    database = Database(settings.database_url)
    data = {"ceremony_id": "6f1c2a7e-3b9d-4c55-9a61-0d2b7e4f8a10"}
    with database.transaction() as session:
        ids = [
            publish_event(session, outbox, "ceremony.purged", data, "registration")["event_id"]
            for _ in range(3)
        ]
    now = datetime.now(UTC)
    with database.transaction() as session:
        session.execute(
            update(outbox)
            .where(outbox.c.event_id == ids[0])
            .values(published_at=now - timedelta(hours=30))
        )
        session.execute(
            update(outbox)
            .where(outbox.c.event_id == ids[1])
            .values(published_at=now - timedelta(hours=1))
        )
    assert purge_published(database, outbox, now - timedelta(hours=24)) == 1
    with database.transaction() as session:
        left = set(session.execute(select(outbox.c.event_id)).scalars())
    assert left == {ids[1], ids[2]}
    database.dispose()
