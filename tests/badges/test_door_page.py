"""The door page and its assets, served by the badges service with nothing from elsewhere."""

from __future__ import annotations

import json
import re

import pytest

from services.badges.app import create_app
from services.badges.door.search import door_ceremonies
from shared.config import load_settings
from tests.badges.fixtures import bearer


def page_config(response) -> dict:
    found = re.search(
        r'<script type="application/json" id="door-config">(.*?)</script>',
        response.get_data(as_text=True),
        re.S,
    )
    return json.loads(found.group(1))


@pytest.fixture
def client_with_decoder(settings):
    """A client of an app whose decoder setting is the given path."""
    apps = []

    def make(path):
        apps.append(create_app(settings.with_overrides(door_decoder_path=path)))
        return apps[-1].test_client()

    yield make
    for app in apps:
        app.extensions["ceremony"].database.dispose()


def test_the_page_has_the_sign_in_field(client):
    response = client.get("/scan")
    assert response.status_code == 200
    assert 'name="token"' in response.get_data(as_text=True)


def test_the_page_loads_only_from_this_service(client):
    policy = client.get("/scan").headers["Content-Security-Policy"]
    assert "default-src 'self'" in policy


def test_the_page_is_not_kept_in_caches(client):
    assert client.get("/scan").headers["Cache-Control"] == "no-store"


def test_the_page_script_is_served_as_javascript(client):
    response = client.get("/scan/assets/door.js")
    assert (response.status_code, response.mimetype) == (200, "text/javascript")
    response.close()


def test_the_decoder_is_served_from_the_configured_path(client_with_decoder, tmp_path):
    decoder = tmp_path / "jsQR.js"
    decoder.write_text("self.jsQR = function () { return null; };")
    client = client_with_decoder(decoder)
    response = client.get("/scan/decoder.js")
    assert response.get_data(as_text=True).startswith("self.jsQR")
    response.close()
    assert page_config(client.get("/scan"))["decoder"] is True


def test_without_the_decoder_camera_mode_is_off(client_with_decoder, tmp_path):
    client = client_with_decoder(tmp_path / "missing.js")
    assert client.get("/scan/decoder.js").status_code == 404
    assert page_config(client.get("/scan"))["decoder"] is False


def test_the_decoder_path_comes_from_the_environment(tmp_path):
    environ = {"CEREMONY_DOOR_DECODER_PATH": str(tmp_path / "jsQR.js")}
    assert load_settings("badges", environ).door_decoder_path == tmp_path / "jsQR.js"


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id), gate="North"))


def found_names(client, door, ceremony_id, name) -> list[str]:
    response = client.get(
        f"/api/ceremonies/{ceremony_id}/door-guests", query_string={"name": name}, headers=door
    )
    assert response.status_code == 200
    return [guest["full_name"] for guest in response.json["guests"]]


@pytest.mark.parametrize(
    ("surname", "full_name"), [("王", "王建国"), ("李", "李娜"), ("김", "김민준")]
)
def test_a_one_character_chinese_or_korean_surname_finds_the_guest(
    client, door, feed, ceremony_id, surname, full_name
):
    feed.confirm(ceremony_id, full_name=full_name)
    feed.confirm(ceremony_id, full_name="Anna Kovács")

    assert found_names(client, door, ceremony_id, surname) == [full_name]


@pytest.mark.parametrize("name", ["k", "é", " a "])
def test_one_latin_letter_is_still_too_short_to_search(client, door, feed, ceremony_id, name):
    feed.confirm(ceremony_id, full_name="Anna Kovács", name_latin=None)

    assert found_names(client, door, ceremony_id, name) == []


def test_a_ceremony_a_door_may_open_names_its_time_zone(database, ceremony_id):
    with database.transaction() as session:
        (ceremony,) = door_ceremonies(session, ceremony_id)
    assert ceremony["timezone"] == "Europe/Paris"
