"""The registration app on SQLite and the file bus, with helpers to create ceremonies."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from services.registration.app import create_app
from services.registration.service import SERVICE
from tests.conftest import make_settings, migrated


def ceremony_body(**overrides) -> dict:
    """A valid ceremony a fortnight from now."""
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=14)
    body = {
        "title": "Closing Ceremony",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "timezone": "Europe/Paris",
        "venue": {"name": "Grand Hall", "address": "1 Avenue de la Paix"},
        "capacity": 2,
        "languages": ["en", "fr", "zh"],
        "protocol_contact_email": "protocol@example.org",
        # Guests register at once here; tests/registration/test_registration_modes.py covers
        # the default, confirmation by email, and approval.
        "registration_mode": "open",
    }
    body.update(overrides)
    return body


@pytest.fixture
def settings(tmp_path):
    return migrated(SERVICE, make_settings("registration", tmp_path / "var"))


@pytest.fixture
def app(settings):
    app = create_app(settings)
    app.testing = True
    yield app
    app.extensions["ceremony"].database.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ceremony(client, organiser_headers) -> dict:
    response = client.post("/api/ceremonies", json=ceremony_body(), headers=organiser_headers)
    assert response.status_code == 201, response.json
    return response.json


def register(client, ceremony_id: str, email: str, **fields):
    """POST a registration and return the response."""
    body = {"full_name": fields.pop("full_name", "Ada Guest"), "email": email, **fields}
    return client.post(f"/api/ceremonies/{ceremony_id}/registrations", json=body)
