"""Fixtures every test layer shares: settings, migrated databases, apps and tokens."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from shared.auth import Signer
from shared.config import Settings, load_settings
from shared.migrations import upgrade
from shared.service import Service

SECRET = "test-secret-key-not-for-production"


def make_settings(service: str, var_dir: Path, **overrides) -> Settings:
    """Settings for ``service`` under ``var_dir`` (SQLite and the file bus unless overridden)."""
    settings = load_settings(service, {"CEREMONY_VAR_DIR": str(var_dir)})
    return settings.with_overrides(
        secret_key=SECRET, retry_delay_seconds=0.2, relay_interval_seconds=0.05, **overrides
    )


def migrated(service: Service, settings: Settings) -> Settings:
    """Apply the service's migrations to its database and return the settings."""
    settings.var_dir.mkdir(parents=True, exist_ok=True)
    upgrade(service, settings.database_url)
    return settings


def wait_for(condition: Callable[[], object], timeout: float = 10.0, interval: float = 0.02):
    """Wait until ``condition()`` is truthy and return it; fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {condition}")
        time.sleep(interval)


@pytest.fixture
def signer() -> Signer:
    return Signer(SECRET)


@pytest.fixture
def organiser_headers(signer) -> dict[str, str]:
    return {"Authorization": f"Bearer {signer.issue_token('organiser')}"}


@pytest.fixture
def staff_headers(signer) -> dict[str, str]:
    return {"Authorization": f"Bearer {signer.issue_token('staff')}"}
