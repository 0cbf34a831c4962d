"""The badges app on SQLite (see ``fixtures`` for what the tests get)."""

from __future__ import annotations

import pytest

from services.badges.service import SERVICE
from tests.badges.fixtures import *  # noqa: F403 - the fixtures every badges test uses
from tests.conftest import make_settings, migrated


@pytest.fixture
def settings(tmp_path):
    return migrated(SERVICE, make_settings("badges", tmp_path / "var"))
