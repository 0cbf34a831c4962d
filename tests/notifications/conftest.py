"""Fixtures for the notifications tests: the service, its app, sample contexts.

The SMTP and badge servers (``smtp_server``, ``badges``) come from ``tests/conftest.py``.
"""

from collections.abc import Iterator
from datetime import UTC, date, datetime
from typing import Any

import pytest

from services.notifications.app import create_app
from services.notifications.compose.contexts import (
    CeremonyInfo,
    CourseInfo,
    ProgrammeItem,
    Recipient,
    VipGuest,
)
from services.notifications.service import SERVICE
from shared.config import Settings
from tests.conftest import make_settings, migrated
from tests.notifications.harness import Notifications

MAIL_FROM = "Protocol Office <protocol@ceremony.example.org>"


@pytest.fixture
def notification_settings(tmp_path, smtp_server, badges) -> Settings:
    """Notifications on a migrated SQLite database, mailing the test SMTP server."""
    settings = make_settings(
        "notifications",
        tmp_path / "var",
        smtp_url=smtp_server.url,
        internal_urls={"badges": badges.url},
        mail_from=MAIL_FROM,
        delivery_retry_schedule="5,30",
        smtp_rate_per_second=0,
    )
    return migrated(SERVICE, settings)


@pytest.fixture
def service(notification_settings, badges) -> Iterator[Notifications]:
    """The service under test, with its ceremony announced."""
    notifications = Notifications(notification_settings, badges)
    notifications.ceremony()
    yield notifications
    notifications.close()


@pytest.fixture
def app(notification_settings):
    """The notifications app on the same database as ``service``."""
    app = create_app(notification_settings)
    app.testing = True
    yield app
    app.extensions["ceremony"].database.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ceremony() -> CeremonyInfo:
    """A closing ceremony in Geneva on a summer evening (UTC+2)."""
    return CeremonyInfo(
        id="6f1c1a52-3c55-4a38-9a51-2f4d0c1e7b10",
        title="Closing Ceremony of the 12th International Protocol Course",
        starts_at=datetime(2025, 6, 13, 15, 0, tzinfo=UTC),
        ends_at=datetime(2025, 6, 13, 17, 30, tzinfo=UTC),
        timezone="Europe/Zurich",
        venue_name="Palais des Nations, Assembly Hall",
        venue_address="Avenue de la Paix 14, 1211 Geneva",
        programme=[
            ProgrammeItem(
                "Welcome address",
                "Dr Helena Marsh",
                "Chair of the Course Board",
                datetime(2025, 6, 13, 15, 0, tzinfo=UTC),
            ),
            ProgrammeItem(
                "Address by the Director General",
                "H.E. Mr Li Wei",
                "Director General",
                datetime(2025, 6, 13, 15, 15, tzinfo=UTC),
            ),
            ProgrammeItem("Presentation of certificates"),
        ],
        protocol_contact_email="protocol@example.org",
        sequence=1,
    )


@pytest.fixture
def recipient() -> Recipient:
    """An English-speaking guest with an honorific."""
    return Recipient("Amina Diallo", "amina.diallo@example.org", "Ms", "en")


@pytest.fixture
def template_context(recipient: Recipient, ceremony: CeremonyInfo) -> dict[str, Any]:
    """A context with every key any template needs; templates ignore the ones they don't use."""
    return {
        "recipient": recipient,
        "ceremony": ceremony,
        "manage_url": "https://registration.example.org/manage/tok-123",
        "confirm_url": "https://registration.example.org/confirm/tok-789",
        "expires_at": datetime(2025, 6, 3, 9, 30, tzinfo=UTC),
        "badge_attached": True,
        "waitlist_position": 2,
        "register_url": "https://registration.example.org/ceremonies/6f1c",
        "calendar_attached": True,
        "changes": ["schedule", "programme"],
        "accept_url": "https://registration.example.org/rsvp/tok-456?answer=accept",
        "decline_url": "https://registration.example.org/rsvp/tok-456?answer=decline",
        "host": None,
        "reply_by": datetime(2025, 6, 1, 22, 0, tzinfo=UTC),
        "guest": VipGuest(
            "Li Wei", "H.E. Mr", "Ministry of Foreign Affairs", "Director General", "dignitary"
        ),
        "gate": "North Gate",
        "arrived_at": datetime(2025, 6, 13, 14, 41, tzinfo=UTC),
        "subject": "Dress code and arrival times",
        "body": "Dear guests,\n\nThe dress code is business attire.\nDoors open at 16:30.",
        "password_url": "https://registration.example.org/account/password/tok-321",
        "sign_in_url": "https://registration.example.org/sign-in",
        "role": "organiser",
        "invited_by": "Dr Helena Marsh",
        "seat": {"id": "A:1:5", "section": "A", "kind": "rows", "row": "1", "number": 5},
        "previous_seat": {"id": "B:3:12", "section": "B", "kind": "rows", "row": "3", "number": 12},
        "certificate_kind": "completion",
        "certificate_result": "completed",
        "course": CourseInfo(
            "12th International Protocol Course", date(2025, 5, 2), date(2025, 6, 12)
        ),
        "verify_url": "https://badges.example.org/verify/CODE123",
        "certificate_attached": True,
    }
