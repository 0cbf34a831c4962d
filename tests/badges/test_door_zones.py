"""Zones, door hours and seats at the door, through the API: who may come in where and when,
what a refused scan leaves behind, and the seat every verdict names."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.badges.models import checkins, outbox, presence
from services.badges.web.schemas import CheckinResultSchema
from tests.badges.checkin_cases import count
from tests.badges.fixtures import at, bearer, ceremony_envelope, get_badge, seating_envelope

NOW = datetime.now(UTC).replace(microsecond=0)
HOUR = timedelta(hours=1)
ZONES = [
    {"name": "Hall", "categories": ["guest", "dignitary"]},
    {"name": "VIP lounge", "categories": ["dignitary"]},
    {"name": "Stage", "categories": ["speaker"]},
]


def rules(*gate_rules, zones=ZONES) -> dict:
    return {"zones": zones, "gate_rules": list(gate_rules)}


def gate(name, zones, opens_at=None, closes_at=None) -> dict:
    return {"gate": name, "zones": zones, "opens_at": opens_at, "closes_at": closes_at}


def update_ceremony(feed, ceremony_id, later=timedelta(seconds=1), **fields) -> None:
    """A ``ceremony.updated`` that happened ``later`` than now (after the ceremony's creation)."""
    envelope = ceremony_envelope(ceremony_id, "ceremony.updated", sequence=1, **fields)
    feed.deliver(at(envelope, datetime.now(UTC) + later))


@pytest.fixture
def open_hours(feed, ceremony_id):
    """The hall's door and the lounge's are open now; the stage door opens in two weeks."""
    update_ceremony(
        feed,
        ceremony_id,
        **rules(
            gate("Hall door", ["Hall"], NOW - HOUR, NOW + HOUR),
            gate("Lounge door", ["VIP lounge"]),
            gate("Stage door", ["Stage"], NOW + 14 * 24 * HOUR, NOW + 15 * 24 * HOUR),
        ),
    )


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))


@pytest.fixture
def guest(feed, ceremony_id):
    return feed.confirm(ceremony_id, full_name="Ada Guest", category="guest")


@pytest.fixture
def code(client, organiser_headers, guest):
    return get_badge(client, organiser_headers, guest)["code"]


def scan(client, headers, code, **fields):
    return client.post("/api/checkins", json={"code": code, **fields}, headers=headers)


def inside(database) -> list[bool]:
    with database.transaction() as session:
        return list(session.execute(select(presence.c.inside)).scalars())


# --- The verdicts and what they say -------------------------------------------------------


def test_a_gate_into_no_zone_of_the_badge_is_not_allowed_here(client, door, code, open_hours):
    response = scan(client, door, code, gate="Lounge door")
    assert (response.status_code, response.json["result"]) == (409, "not_allowed_here")
    assert response.json["zones"] == ["Hall"]
    assert response.json["gate"] == "Lounge door"
    assert response.json["guest"]["full_name"] == "Ada Guest"


def test_a_gate_into_a_zone_of_the_badge_admits(client, door, code, open_hours):
    response = scan(client, door, code, gate="Hall door")
    assert (response.status_code, response.json["result"]) == (201, "admitted")


def test_a_badge_of_no_zone_is_told_it_allows_none(
    client, feed, door, organiser_headers, ceremony_id, open_hours
):
    press = feed.confirm(ceremony_id, full_name="Pia Press", category="press")
    code = get_badge(client, organiser_headers, press)["code"]
    response = scan(client, door, code, gate="Hall door")
    assert (response.json["result"], response.json["zones"]) == ("not_allowed_here", [])


def test_before_the_door_opens_is_too_early_and_says_when_it_opens(client, door, code, open_hours):
    response = scan(client, door, code, gate="Stage door")
    assert (response.status_code, response.json["result"]) == (409, "too_early")
    assert response.json["opens_at"] == (NOW + 14 * 24 * HOUR).isoformat()


def test_after_the_door_closed_is_too_late_and_says_when_it_closed(
    client, feed, door, ceremony_id, code
):
    closed = gate("Hall door", ["Hall"], NOW - 3 * HOUR, NOW - HOUR)
    update_ceremony(feed, ceremony_id, **rules(closed))
    response = scan(client, door, code, gate="Hall door")
    assert (response.status_code, response.json["result"]) == (409, "too_late")
    assert response.json["closes_at"] == (NOW - HOUR).isoformat()


def test_hours_are_told_before_zones(client, door, code, open_hours):
    # The guest may enter no zone behind the stage door, and it is not open yet either.
    assert scan(client, door, code, gate="Stage door").json["result"] == "too_early"


def test_a_scan_at_no_gate_keeps_the_earliest_opening_and_latest_closing(
    client, feed, door, ceremony_id, code
):
    update_ceremony(
        feed,
        ceremony_id,
        **rules(
            gate("Hall door", ["Hall"], NOW + HOUR, NOW + 3 * HOUR),
            gate("Lounge door", ["VIP lounge"], NOW + 2 * HOUR, NOW + 4 * HOUR),
        ),
    )
    response = scan(client, door, code)
    assert (response.json["result"], response.json["opens_at"]) == (
        "too_early",
        (NOW + HOUR).isoformat(),
    )


def test_a_gate_without_a_rule_admits_every_category_at_any_time(client, door, code, open_hours):
    assert scan(client, door, code, gate="Garden gate").json["result"] == "admitted"


def test_a_ceremony_without_rules_admits_as_before(client, door, code):
    assert scan(client, door, code, gate="Lounge door").json["result"] == "admitted"


def test_a_guest_inside_leaves_through_a_door_they_may_not_enter(client, door, code, open_hours):
    assert scan(client, door, code, gate="Hall door").json["result"] == "admitted"
    response = scan(client, door, code, gate="Stage door", direction="out")
    assert (response.status_code, response.json["result"]) == (201, "exited")


def test_a_revoked_badge_is_revoked_at_a_closed_door(client, feed, door, guest, code, open_hours):
    feed.cancel(guest)
    assert scan(client, door, code, gate="Stage door").json["result"] == "revoked"


def test_each_refusal_loads_through_the_checkin_schema(client, door, code, open_hours):
    for gate_name in ("Lounge door", "Stage door"):
        CheckinResultSchema().load(scan(client, door, code, gate=gate_name).json)


def test_admission_by_name_keeps_the_door_hours(client, door, ceremony_id, guest, open_hours):
    url = f"/api/ceremonies/{ceremony_id}/door-admissions"
    body = {"registration_id": str(guest), "gate": "Stage door"}
    response = client.post(url, json=body, headers=door)
    assert (response.status_code, response.json["result"]) == (409, "too_early")


# --- What a refused scan leaves behind ----------------------------------------------------


def test_a_scan_two_weeks_early_is_no_arrival_and_alerts_no_one(
    client, feed, database, door, organiser_headers, ceremony_id, open_hours
):
    vip = feed.confirm(ceremony_id, full_name="Li Wei", category="speaker")
    code = get_badge(client, organiser_headers, vip)["code"]
    assert scan(client, door, code, gate="Stage door").json["result"] == "too_early"
    assert count(database, outbox, event_type="checkin.recorded") == 0
    attendance = client.get(f"/api/ceremonies/{ceremony_id}/attendance", headers=door).json
    assert attendance["admitted"] == 0
    assert [(v["full_name"], v["arrived_at"]) for v in attendance["vips"]] == [("Li Wei", None)]


def test_a_refused_scan_is_logged_and_changes_nothing(client, database, door, code, open_hours):
    scan(client, door, code, gate="Lounge door", nonce="n-1")
    assert inside(database) == [False]
    assert count(database, outbox, event_type="checkin.recorded") == 0
    with database.transaction() as session:
        (logged,) = session.execute(select(checkins.c.result, checkins.c.gate)).all()
    assert tuple(logged) == ("not_allowed_here", "Lounge door")


def test_a_refused_scan_retried_gets_its_first_answer(client, door, code, open_hours):
    first = scan(client, door, code, gate="Lounge door", nonce="n-1")
    retry = scan(client, door, code, gate="Lounge door", nonce="n-1")
    assert retry.json == first.json
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_after_a_refusal_the_right_door_is_a_first_admission(
    client, database, door, code, open_hours
):
    scan(client, door, code, gate="Lounge door")
    assert scan(client, door, code, gate="Hall door").json["result"] == "admitted"
    assert count(database, outbox, event_type="checkin.recorded") == 1


# --- A ceremony's rules change ------------------------------------------------------------


def test_a_ceremony_update_changes_the_rules_at_once(client, feed, door, ceremony_id, code):
    update_ceremony(feed, ceremony_id, **rules(gate("Lounge door", ["VIP lounge"])))
    assert scan(client, door, code, gate="Lounge door").json["result"] == "not_allowed_here"
    wider = [{"name": "VIP lounge", "categories": ["dignitary", "guest"]}]
    update_ceremony(
        feed, ceremony_id, HOUR, **rules(gate("Lounge door", ["VIP lounge"]), zones=wider)
    )
    assert scan(client, door, code, gate="Lounge door").json["result"] == "admitted"


def test_an_older_ceremony_event_does_not_bring_old_rules_back(
    client, feed, door, ceremony_id, code
):
    update_ceremony(feed, ceremony_id, **rules(gate("Lounge door", ["VIP lounge"])))
    update_ceremony(feed, ceremony_id, timedelta(), **rules())
    assert scan(client, door, code, gate="Lounge door").json["result"] == "not_allowed_here"


# --- Offline scans are decided when they were made ----------------------------------------


def upload(client, headers, ceremony_id, *scans):
    url = f"/api/ceremonies/{ceremony_id}/offline-scans"
    response = client.post(url, json={"scans": list(scans)}, headers=headers)
    assert response.status_code == 200, response.json
    return [(r["nonce"], r["status"], r["result"]) for r in response.json["results"]]


def offline(code, nonce, when, **fields) -> dict:
    return {"code": code, "nonce": nonce, "scanned_at": when.isoformat(), **fields}


def test_uploaded_scans_are_held_to_the_hours_of_their_scan_time(
    client, door, ceremony_id, code, open_hours
):
    assert upload(
        client,
        door,
        ceremony_id,
        offline(code, "early", NOW - 2 * HOUR, gate="Hall door"),
        offline(code, "in", NOW - HOUR / 2, gate="Hall door"),
    ) == [("early", 409, "too_early"), ("in", 201, "admitted")]


def test_an_uploaded_scan_at_the_wrong_zone_is_not_allowed_here(
    client, door, ceremony_id, code, open_hours
):
    assert upload(
        client, door, ceremony_id, offline(code, "n", NOW - HOUR, gate="Lounge door")
    ) == [("n", 409, "not_allowed_here")]


# --- The seat in every verdict ------------------------------------------------------------


def test_a_verdict_names_the_seat_and_where_to_usher(client, feed, door, ceremony_id, guest, code):
    feed.deliver(seating_envelope(guest, ceremony_id, "A:1:5", accessible_seat=True))
    response = scan(client, door, code)
    assert response.json["seat"] == {
        "id": "A:1:5",
        "section": "A",
        "kind": "rows",
        "row": "1",
        "number": 5,
        "block": "Front",
        "label": "Section A · Row 1 · Seat 5",
        "usher": "usher to Section A, row 1",
    }
    assert response.json["accessible_seat"] is True
    assert scan(client, door, code).json["seat"]["label"] == "Section A · Row 1 · Seat 5"


def test_a_refusal_names_the_seat_too(client, feed, door, ceremony_id, guest, code, open_hours):
    feed.deliver(seating_envelope(guest, ceremony_id, "B:3:2"))
    response = scan(client, door, code, gate="Lounge door")
    assert (response.json["result"], response.json["seat"]["id"]) == ("not_allowed_here", "B:3:2")


def test_an_unseated_guest_has_no_seat(client, door, code):
    response = scan(client, door, code)
    assert (response.json["seat"], response.json["accessible_seat"]) == (None, False)


def test_the_admission_event_is_unchanged_by_the_seat(
    client, feed, database, door, ceremony_id, guest, code
):
    feed.deliver(seating_envelope(guest, ceremony_id))
    scan(client, door, code)
    with database.transaction() as session:
        (body,) = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == "checkin.recorded")
        ).scalars()
    assert "seat" not in json.loads(body)["data"]["guest"]
