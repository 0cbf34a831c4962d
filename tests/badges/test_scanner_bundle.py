"""The scanner bundle: enough for a door to give verdicts offline, and nothing more."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.badges.signing import codes
from tests.badges.fixtures import at, bearer, ceremony_envelope, get_badge, seating_envelope
from tests.badges.verifying import public_key_from_b64


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))


@pytest.fixture
def badges(client, feed, ceremony_id, organiser_headers):
    """A VIP's badge and a cancelled guest's badge, as the API shows them."""
    vip = feed.confirm(
        ceremony_id,
        full_name="Li Wei",
        honorific="H.E.",
        organisation="Ministry of Commerce",
        category="dignitary",
        email="li.wei@example.org",
    )
    gone = feed.confirm(ceremony_id, full_name="Gone Guest")
    feed.cancel(gone)
    return {
        "vip": get_badge(client, organiser_headers, vip),
        "gone": get_badge(client, organiser_headers, gone),
    }


def bundle(client, headers, ceremony_id):
    return client.get(f"/api/ceremonies/{ceremony_id}/scanner-bundle", headers=headers)


def test_the_public_key_verifies_a_badge_offline(client, door, ceremony_id, badges):
    (key,) = bundle(client, door, ceremony_id).json["keys"]
    public = public_key_from_b64(key["public_key"])
    parsed = codes.parse_code(badges["vip"]["code"])
    assert (key["kid"], key["algorithm"]) == (parsed.kid, "Ed25519")
    assert codes.verify_code(parsed, public)


def test_revoked_badges_are_listed_by_serial(client, door, ceremony_id, badges):
    assert bundle(client, door, ceremony_id).json["revoked"] == [badges["gone"]["serial"]]


def test_the_guest_list_maps_serials_to_what_the_door_shows(client, door, ceremony_id, badges):
    assert bundle(client, door, ceremony_id).json["guests"] == [
        {
            "serial": badges["vip"]["serial"],
            "full_name": "Li Wei",
            "honorific": "H.E.",
            "name_latin": None,
            "category": "dignitary",
            "organisation": "Ministry of Commerce",
            "attention": True,
            "inside": False,
            "seat": None,
            "accessible_seat": False,
        }
    ]


def test_the_bundle_holds_no_email_address(client, door, ceremony_id, badges):
    assert "@" not in bundle(client, door, ceremony_id).get_data(as_text=True)


def test_the_guest_list_knows_who_is_inside(client, door, ceremony_id, badges):
    client.post("/api/checkins", json={"code": badges["vip"]["code"]}, headers=door)
    (guest,) = bundle(client, door, ceremony_id).json["guests"]
    assert guest["inside"] is True


def test_the_bundle_is_for_door_roles_only(client, viewer_headers, ceremony_id):
    assert bundle(client, viewer_headers, ceremony_id).status_code == 403


def test_staff_of_another_ceremony_are_refused(client, signer, ceremony_id):
    headers = bearer(signer.issue_token("staff", ceremony_id=str(uuid.uuid4())))
    assert bundle(client, headers, ceremony_id).status_code == 403


def test_no_token_gets_401(client, ceremony_id):
    assert bundle(client, {}, ceremony_id).status_code == 401


def test_an_unknown_ceremony_is_not_found(client, staff_headers):
    assert bundle(client, staff_headers, uuid.uuid4()).status_code == 404


def test_the_bundle_carries_the_zones_gate_rules_and_each_seat(
    client, feed, door, ceremony_id, badges
):
    opens = datetime(2031, 6, 20, 12, 0, tzinfo=UTC)
    zones = [{"name": "VIP lounge", "categories": ["dignitary"]}]
    rules = [{"gate": "Lounge door", "zones": ["VIP lounge"], "opens_at": opens}]
    update = ceremony_envelope(
        ceremony_id, "ceremony.updated", sequence=1, zones=zones, gate_rules=rules
    )
    feed.deliver(at(update, datetime.now(UTC) + timedelta(seconds=1)))
    registration_id = uuid.UUID(badges["vip"]["registration_id"])
    feed.deliver(seating_envelope(registration_id, ceremony_id, "A:1:5", accessible_seat=True))
    body = bundle(client, door, ceremony_id).json
    assert body["zones"] == zones
    assert body["gate_rules"] == [
        {
            "gate": "Lounge door",
            "zones": ["VIP lounge"],
            "opens_at": opens.isoformat(),
            "closes_at": None,
        }
    ]
    (guest,) = body["guests"]
    assert (guest["category"], guest["accessible_seat"]) == ("dignitary", True)
    assert guest["seat"]["label"] == "Section A · Row 1 · Seat 5"


def test_a_ceremony_without_rules_bundles_none(client, door, ceremony_id, badges):
    body = bundle(client, door, ceremony_id).json
    assert (body["zones"], body["gate_rules"]) == ([], [])
