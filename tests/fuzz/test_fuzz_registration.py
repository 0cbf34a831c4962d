"""The registration API under the fuzzer: no server error, nothing outside its OpenAPI
document."""

from __future__ import annotations

import pytest

from services.registration.app import create_app
from services.registration.service import SERVICE
from tests.conftest import migrated
from tests.fuzz.harness import CALLERS, caller_headers, fuzz, fuzz_settings
from tests.registration.conftest import ceremony_body

pytestmark = pytest.mark.fuzz


def _created(response) -> dict:
    assert response.status_code in (201, 202), response.get_data(as_text=True)
    return response.json


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    """The registration app on SQLite with an open ceremony and one whose organisers approve
    each guest, each with guests and an invitee, made through its own API; and their ids."""
    settings = migrated(SERVICE, fuzz_settings("registration", tmp_path_factory.mktemp("reg")))
    app = create_app(settings)
    client = app.test_client()
    organiser = caller_headers("admin")
    ids = {"ceremony_id": [], "registration_id": [], "invitation_id": [], "request_id": []}
    for mode in ("open", "approval"):
        body = ceremony_body(registration_mode=mode, capacity=5)
        ceremony = _created(client.post("/api/ceremonies", json=body, headers=organiser))
        ids["ceremony_id"].append(ceremony["id"])
        base = f"/api/ceremonies/{ceremony['id']}"
        seated = {"full_name": "Ada Guest", "email": f"ada-{mode}@example.org"}
        registered = client.post(f"{base}/registrations", json=seated, headers=organiser)
        ids["registration_id"].append(_created(registered)["id"])
        asked = {"full_name": "Bo Guest", "email": f"bo-{mode}@example.org"}
        _created(client.post(f"{base}/registrations", json=asked))
        invitees = {"invitees": [{"full_name": "Amina Diallo", "email": f"sg-{mode}@example.org"}]}
        invited = client.post(f"{base}/invitations", json=invitees, headers=organiser)
        ids["invitation_id"].append(_created(invited)[0]["id"])
    waiting = client.get(f"{base}/registration-requests", headers=organiser).json
    ids["request_id"] = [request["id"] for request in waiting]
    yield app, ids
    app.extensions["ceremony"].database.dispose()


@pytest.mark.parametrize("caller", CALLERS)
def test_every_answer_is_documented_and_none_is_a_server_error(seeded, caller):
    app, ids = seeded
    assert fuzz(app, caller, ids) == []
