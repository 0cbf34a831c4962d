"""Attendance: who is expected, who came, who is inside, by category and gate; VIP arrivals."""

from __future__ import annotations

import uuid

import pytest

from tests.badges.fixtures import bearer, get_badge


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))


@pytest.fixture
def people(client, feed, ceremony_id, organiser_headers):
    """Name → badge code of five confirmed guests, two of them VIPs."""
    names = {
        "Zoe Adams": ("guest", None),
        "Marc Zeller": ("speaker", 3),
        "Li Wei": ("dignitary", 1),
        "Omar Haddad": ("guest", None),
        "Ana Brandt": ("speaker", 2),
    }
    codes = {}
    for name, (category, precedence) in names.items():
        registration_id = feed.confirm(
            ceremony_id, full_name=name, category=category, precedence=precedence
        )
        codes[name] = get_badge(client, organiser_headers, registration_id)["code"]
    return codes


def scan(client, headers, code, **fields):
    response = client.post("/api/checkins", json={"code": code, **fields}, headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def attendance(client, headers, ceremony_id):
    return client.get(f"/api/ceremonies/{ceremony_id}/attendance", headers=headers)


@pytest.fixture
def evening(client, door, people):
    """Li Wei and Zoe Adams came in at North, Zoe left by South; returns Li Wei's admission."""
    arrival = scan(client, door, people["Li Wei"], gate="North")
    scan(client, door, people["Zoe Adams"], gate="North")
    scan(client, door, people["Zoe Adams"], gate="South", direction="out")
    return arrival


def test_totals_count_registered_admitted_and_inside(client, door, ceremony_id, evening):
    body = attendance(client, door, ceremony_id).json
    assert (body["registered"], body["admitted"], body["inside"]) == (5, 2, 1)


def test_counts_by_category(client, door, ceremony_id, evening):
    rows = attendance(client, door, ceremony_id).json["by_category"]
    assert rows == [
        {"category": "dignitary", "registered": 1, "admitted": 1, "inside": 1},
        {"category": "guest", "registered": 2, "admitted": 1, "inside": 0},
        {"category": "speaker", "registered": 2, "admitted": 0, "inside": 0},
    ]


def test_counts_by_gate(client, door, ceremony_id, evening):
    assert attendance(client, door, ceremony_id).json["by_gate"] == [
        {"gate": "North", "entries": 2, "exits": 0},
        {"gate": "South", "entries": 0, "exits": 1},
    ]


def test_vips_come_in_precedence_order_with_arrival_times(client, door, ceremony_id, evening):
    vips = attendance(client, door, ceremony_id).json["vips"]
    assert [(v["full_name"], v["arrived_at"], v["inside"]) for v in vips] == [
        ("Li Wei", evening["at"], True),
        ("Ana Brandt", None, False),
        ("Marc Zeller", None, False),
    ]


def test_a_cancelled_guest_is_no_longer_expected(client, feed, door, ceremony_id):
    feed.cancel(feed.confirm(ceremony_id))
    assert attendance(client, door, ceremony_id).json["registered"] == 0


def test_organisers_see_attendance_too(client, organiser_headers, ceremony_id):
    assert attendance(client, organiser_headers, ceremony_id).status_code == 200


def test_staff_of_another_ceremony_are_refused(client, signer, ceremony_id):
    headers = bearer(signer.issue_token("staff", ceremony_id=str(uuid.uuid4())))
    response = attendance(client, headers, ceremony_id)
    assert (response.status_code, response.json["code"]) == (403, "wrong_ceremony")


def test_no_token_gets_401(client, ceremony_id):
    assert attendance(client, {}, ceremony_id).status_code == 401


def test_an_unknown_ceremony_is_not_found(client, staff_headers):
    response = attendance(client, staff_headers, uuid.uuid4())
    assert (response.status_code, response.json["code"]) == (404, "ceremony_not_found")
