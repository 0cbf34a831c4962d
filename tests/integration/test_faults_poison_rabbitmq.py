"""Malformed messages on RabbitMQ with PostgreSQL (the same cases as on the file bus)."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tests.shared.poison_cases import *  # noqa: F403 - the cases run here on RabbitMQ

pytestmark = pytest.mark.integration


@pytest.fixture
def bus_settings(tmp_path, amqp_url, postgres_databases):
    return make_settings(
        "badges",
        tmp_path / "var",
        broker_url=amqp_url,
        database_url=postgres_databases(f"poison_{tmp_path.name[-8:].lower()}"),
        max_attempts=3,
    )
