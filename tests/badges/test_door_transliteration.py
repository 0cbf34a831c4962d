"""A name in another script at the door: its Latin transliteration in the verdict, the scanner
bundle, the search and the attendance lists."""

from __future__ import annotations

import json
import uuid

import pytest
from sqlalchemy import select

from services.badges.models import outbox
from shared.events import make_envelope
from shared.sessions import SESSION_COOKIE
from tests.badges.fixtures import bearer, get_badge

RASHID = {
    "full_name": "محمد بن راشد",
    "given_name": "محمد",
    "family_name": "بن راشد",
    "name_latin": "Mohammed bin Rashid",
    "honorific": "H.E.",
    "category": "dignitary",
    "language": "ar",
}


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id), gate="North"))


@pytest.fixture
def rashid(feed, ceremony_id):
    return feed.confirm(ceremony_id, **RASHID)


@pytest.fixture
def code(client, organiser_headers, rashid):
    return get_badge(client, organiser_headers, rashid)["code"]


def scan(client, headers, code):
    return client.post("/api/checkins", json={"code": code}, headers=headers)


def test_the_verdict_names_the_guest_in_latin_letters_too(client, door, code):
    response = scan(client, door, code)
    assert response.status_code == 201
    assert response.json["guest"] == {
        "full_name": "محمد بن راشد",
        "honorific": "H.E.",
        "name_latin": "Mohammed bin Rashid",
        "category": "dignitary",
        "organisation": None,
        "attention": True,
    }


def test_the_checkin_event_carries_the_transliteration(client, door, code, database):
    scan(client, door, code)
    with database.transaction() as session:
        body = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == "checkin.recorded")
        ).scalar_one()
    assert json.loads(body)["data"]["guest"]["name_latin"] == "Mohammed bin Rashid"


def test_a_retried_scan_gets_the_transliteration_back(client, door, code):
    first = client.post("/api/checkins", json={"code": code, "nonce": "n-1"}, headers=door)
    again = client.post("/api/checkins", json={"code": code, "nonce": "n-1"}, headers=door)
    assert again.json["guest"]["name_latin"] == first.json["guest"]["name_latin"]


def test_the_scanner_bundle_carries_the_transliteration(client, door, ceremony_id, code):
    bundle = client.get(f"/api/ceremonies/{ceremony_id}/scanner-bundle", headers=door).json
    (guest,) = bundle["guests"]
    assert (guest["full_name"], guest["name_latin"]) == ("محمد بن راشد", "Mohammed bin Rashid")


@pytest.mark.parametrize("name", ["mohammed rashid", "Bin RASHID", "محمد"])
def test_the_search_finds_the_guest_by_name_or_transliteration(
    client, door, ceremony_id, rashid, name
):
    response = client.get(
        f"/api/ceremonies/{ceremony_id}/door-guests", query_string={"name": name}, headers=door
    )
    (found,) = response.json["guests"]
    assert (found["registration_id"], found["name_latin"]) == (
        str(rashid),
        "Mohammed bin Rashid",
    )


def test_the_search_needs_every_word_in_one_of_the_two(client, door, ceremony_id, rashid):
    response = client.get(
        f"/api/ceremonies/{ceremony_id}/door-guests",
        query_string={"name": "Mohammed Dupont"},
        headers=door,
    )
    assert response.json["guests"] == []


def test_the_vip_list_carries_the_transliteration(client, door, ceremony_id, code):
    scan(client, door, code)
    (vip,) = client.get(f"/api/ceremonies/{ceremony_id}/attendance", headers=door).json["vips"]
    assert vip["name_latin"] == "Mohammed bin Rashid"


# --- The console's attendance page -------------------------------------------------------


@pytest.fixture
def console(client, signer, feed, ceremony_id):
    """The client signed in as door staff of the ceremony."""
    account_id = uuid.uuid4()
    data = {"account_id": account_id, "scope": str(ceremony_id), "role": "door"}
    feed.deliver(make_envelope("role.granted", data, "registration"))
    client.set_cookie(SESSION_COOKIE, signer.issue_session(str(account_id)))
    return client


LATIN_UNDER_NAME = (
    'محمد بن راشد <strong>VIP</strong><br><small class="name-latin">Mohammed bin Rashid</small>'
)


def attendance_page(console, ceremony_id, **query):
    response = console.get(f"/console/badges/{ceremony_id}/attendance", query_string=query)
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_data(as_text=True)


def test_who_has_not_arrived_shows_the_transliteration_under_the_name(console, ceremony_id, rashid):
    assert LATIN_UNDER_NAME in attendance_page(console, ceremony_id).split("Not arrived yet", 1)[1]


def test_who_has_not_arrived_is_found_by_transliteration(console, ceremony_id, rashid):
    found = attendance_page(console, ceremony_id, q="bin rashid").split("Not arrived yet", 1)[1]
    assert "Mohammed bin Rashid" in found


def test_an_arrival_shows_the_transliteration(console, door, ceremony_id, code):
    scan(console, door, code)
    arrivals = attendance_page(console, ceremony_id).split('id="arrivals"')[1].split("</ol>")[0]
    assert '<br><small class="name-latin">Mohammed bin Rashid</small></li>' in arrivals
