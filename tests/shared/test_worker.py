"""The worker on the file bus of the embedded run (see ``worker_cases``)."""

from __future__ import annotations

import pytest

from tests.conftest import make_settings
from tests.shared.worker_cases import *  # noqa: F403 - the cases run here on the file bus


@pytest.fixture
def bus_settings(tmp_path):
    return make_settings("badges", tmp_path / "var", max_attempts=3)
