"""The door's verdicts on PostgreSQL (the same cases as on SQLite, see ``checkin_cases``)."""

from __future__ import annotations

import uuid

import pytest

from services.badges.service import SERVICE
from tests.badges.checkin_cases import *  # noqa: F403 - the cases run here on PostgreSQL
from tests.badges.fixtures import *  # noqa: F403 - the app, its feed and its ceremonies
from tests.conftest import make_settings, migrated

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path, postgres_databases):
    url = postgres_databases(f"badges_{uuid.uuid4().hex[:8]}")
    return migrated(SERVICE, make_settings("badges", tmp_path / "var", database_url=url))
