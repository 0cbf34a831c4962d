"""The badges API under the fuzzer: no server error, nothing outside its OpenAPI document."""

from __future__ import annotations

import uuid

import pytest

from services.badges.app import create_app
from services.badges.service import SERVICE
from tests.badges.fixtures import Feed, ceremony_envelope
from tests.conftest import migrated
from tests.fuzz.harness import CALLERS, fuzz, fuzz_settings

pytestmark = pytest.mark.fuzz


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The badges app on SQLite with two ceremonies and their badge holders, fed as its
    worker would be; and their ids."""
    settings = migrated(SERVICE, fuzz_settings("badges", tmp_path_factory.mktemp("badges")))
    app = create_app(settings)
    database = app.extensions["ceremony"].database
    feed = Feed(settings, database)
    ids = {"ceremony_id": [], "registration_id": []}
    for title in ("Closing Ceremony", "National Day Reception"):
        ceremony_id = uuid.uuid4()
        feed.deliver(ceremony_envelope(ceremony_id, title=title))
        ids["ceremony_id"].append(str(ceremony_id))
        for category in ("guest", "dignitary"):
            ids["registration_id"].append(str(feed.confirm(ceremony_id, category=category)))
    feed.close()
    yield app, ids
    database.dispose()


@pytest.mark.parametrize("caller", CALLERS)
def test_every_answer_is_documented_and_none_is_a_server_error(seeded, caller):
    app, ids = seeded
    assert fuzz(app, caller, ids) == []
