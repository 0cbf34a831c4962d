"""Offline uploads on PostgreSQL: the cases of tests/badges/test_http_offline_scans.py, and a
scan PostgreSQL itself gives up on (a lock held past ``lock_timeout``) among others."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from sqlalchemy import select

from services.badges.models import badges, presence
from services.badges.service import SERVICE
from tests.badges.fixtures import *  # noqa: F403 - the app, its feed and its ceremonies
from tests.badges.test_http_offline_scans import *  # noqa: F403 - the cases, run here on PostgreSQL
from tests.badges.test_http_offline_scans import inside, scans_of, upload, verdicts
from tests.conftest import make_settings, migrated
from tests.integration.conftest import PG_DSN

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path, postgres_databases):
    url = postgres_databases(f"badges_{uuid.uuid4().hex[:8]}")
    # A scan waiting on a row lock gives up after this, as a busy production database would.
    with psycopg.connect(PG_DSN, autocommit=True) as connection:
        connection.execute(f"ALTER DATABASE \"{url.rsplit('/', 1)[1]}\" SET lock_timeout = '300ms'")
    return migrated(SERVICE, make_settings("badges", tmp_path / "var", database_url=url))


def test_a_scan_postgresql_gives_up_on_gets_its_own_verdict(
    client, database, door, ceremony_id, codes
):
    with database.engine.connect() as holder:
        # Another transaction holds the second guest's presence row, as a racing gate would.
        holder.execute(
            select(presence.c.badge_id)
            .where(presence.c.badge_id == _badge_of(database, codes[1]))
            .with_for_update()
        )
        response = upload(client, door, ceremony_id, scans_of(codes))
        holder.rollback()

    assert verdicts(response) == [
        ("a", 201, "admitted"),
        ("b", 503, "not_recorded"),
        ("c", 201, "admitted"),
    ]
    again = upload(client, door, ceremony_id, scans_of(codes))
    assert [status for _, status, _ in verdicts(again)] == [201, 201, 201]
    assert inside(client, door, ceremony_id) == 3


def _badge_of(database, code: str) -> uuid.UUID:
    with database.transaction() as session:
        return session.execute(select(badges.c.id).where(badges.c.code == code)).scalar_one()
