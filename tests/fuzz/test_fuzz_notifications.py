"""The notifications API under the fuzzer: no server error, nothing outside its OpenAPI
document."""

from __future__ import annotations

import pytest

from services.notifications.app import create_app
from services.notifications.compose.contexts import TEMPLATES
from services.notifications.service import SERVICE
from tests.conftest import SECRET, migrated
from tests.fuzz.harness import CALLERS, fuzz, fuzz_settings
from tests.notifications.fake_badges import FakeBadges
from tests.notifications.harness import Notifications

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The notifications app on SQLite with a ceremony, guests and emails sent to the mail
    folder, fed as its worker would be; and their ids."""
    badges = FakeBadges(SECRET)
    badges.start()
    settings = fuzz_settings("notifications", tmp_path_factory.mktemp("notifications"))
    settings = migrated(SERVICE, settings.with_overrides(internal_urls={"badges": badges.url}))
    service = Notifications(settings, badges)
    service.ceremony()
    service.confirm()
    service.register("waitlisted")
    service.invite()
    service.deliver()
    app = create_app(settings)
    ids = {
        "ceremony_id": [str(service.ceremony_id)],
        "delivery_id": [str(row.id) for row in service.log()],
        "name": sorted(TEMPLATES),
    }
    yield app, ids
    app.extensions["ceremony"].database.dispose()
    service.close()
    badges.stop()


@pytest.mark.parametrize("caller", CALLERS)
def test_every_answer_is_documented_and_none_is_a_server_error(seeded, caller):
    app, ids = seeded
    assert fuzz(app, caller, ids) == []
