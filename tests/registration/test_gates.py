"""A ceremony's gates: named once whatever the case or spacing, carried by its events, and the
only gates its door devices may be enrolled at."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from services.registration.models import Device, outbox
from tests.registration.conftest import ceremony_body


def create(client, headers, **fields):
    return client.post("/api/ceremonies", json=ceremony_body(**fields), headers=headers)


def enrol(client, ceremony_id, headers, gate):
    return client.post(
        f"/api/ceremonies/{ceremony_id}/devices", json={"gate": gate}, headers=headers
    )


def last_event(app) -> dict:
    with app.extensions["ceremony"].database.transaction() as session:
        body = session.scalars(select(outbox.c.body).order_by(outbox.c.id.desc())).first()
    return json.loads(body)


def test_gates_are_stored_with_single_spaces_in_the_order_given(client, organiser_headers):
    response = create(client, organiser_headers, gates=["  Main   Gate ", "North", "VIP entrance"])
    assert response.status_code == 201, response.json
    assert response.json["gates"] == ["Main Gate", "North", "VIP entrance"]


def test_a_ceremony_without_gates_has_an_empty_list(client, ceremony):
    assert ceremony["gates"] == []


def test_the_ceremony_events_carry_the_gates(app, client, organiser_headers):
    ceremony = create(client, organiser_headers, gates=["North"]).json
    assert last_event(app)["data"]["gates"] == ["North"]
    client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"gates": ["North", "South"]},
        headers=organiser_headers,
    )
    assert (last_event(app)["type"], last_event(app)["data"]["gates"]) == (
        "ceremony.updated",
        ["North", "South"],
    )


@pytest.mark.parametrize(
    ("gates", "code"),
    [
        (["Main Gate", "main gate"], "duplicate_gate"),
        (["Main Gate", "Main  Gate "], "duplicate_gate"),
    ],
    ids=["case", "spacing"],
)
def test_two_names_of_one_gate_are_refused_by_name(client, organiser_headers, gates, code):
    response = create(client, organiser_headers, gates=gates)
    assert response.status_code == 422, response.json
    assert response.json["code"] == code
    assert "gates" in response.json["errors"]
    assert client.get("/api/ceremonies").json == []


@pytest.mark.parametrize(
    "gates",
    [["G" * 65], ["North\nSouth"], ["North", "   "], "North", ["Gate"] * 51],
    ids=["too long", "line break", "blank", "not a list", "too many"],
)
def test_malformed_gates_are_refused_by_the_schema(client, organiser_headers, gates):
    response = create(client, organiser_headers, gates=gates)
    assert response.status_code == 422, response.json
    assert "gates" in response.json["errors"]["json"]


def test_a_patch_with_duplicate_gates_changes_nothing(client, organiser_headers):
    ceremony = create(client, organiser_headers, gates=["North"]).json
    response = client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"title": "Renamed", "gates": ["South", "SOUTH"]},
        headers=organiser_headers,
    )
    assert (response.status_code, response.json["code"]) == (422, "duplicate_gate")
    shown = client.get(f"/api/ceremonies/{ceremony['id']}").json
    assert (shown["title"], shown["gates"], shown["sequence"]) == ("Closing Ceremony", ["North"], 0)


def test_a_device_at_a_gate_the_ceremony_does_not_have_is_refused(app, client, organiser_headers):
    ceremony = create(client, organiser_headers, gates=["Main Gate", "North"]).json
    response = enrol(client, ceremony["id"], organiser_headers, "South")
    assert (response.status_code, response.json["code"]) == (422, "unknown_gate")
    assert "gate" in response.json["errors"]
    with app.extensions["ceremony"].database.transaction() as session:
        assert session.scalars(select(Device)).all() == []


def test_a_device_gate_is_matched_ignoring_case_and_stored_as_the_ceremony_spells_it(
    client, organiser_headers
):
    ceremony = create(client, organiser_headers, gates=["Main Gate", "North"]).json
    response = enrol(client, ceremony["id"], organiser_headers, "  main   GATE")
    assert response.status_code == 201, response.json
    assert response.json["gate"] == "Main Gate"


def test_a_ceremony_without_gates_takes_a_device_at_any_gate(client, ceremony, organiser_headers):
    response = enrol(client, ceremony["id"], organiser_headers, "Side door")
    assert (response.status_code, response.json["gate"]) == (201, "Side door")


def team_door(client, ceremony_id, headers, gates, email="door@example.org"):
    return client.post(
        f"/api/ceremonies/{ceremony_id}/team",
        json={"email": email, "display_name": "Door", "role": "door", "gates": gates},
        headers=headers,
    )


def test_a_door_role_limited_to_a_gate_the_ceremony_does_not_have_is_refused(
    client, organiser_headers
):
    ceremony = create(client, organiser_headers, gates=["Main Gate", "North"]).json
    response = team_door(client, ceremony["id"], organiser_headers, ["North", "South"])
    assert (response.status_code, response.json["code"]) == (422, "unknown_gate")
    assert "South" in response.json["message"] and "gates" in response.json["errors"]
    team = client.get(f"/api/ceremonies/{ceremony['id']}/team", headers=organiser_headers).json
    assert all(member.get("role") != "door" for member in team)


def test_a_door_roles_gates_are_stored_as_the_ceremony_spells_them(client, organiser_headers):
    ceremony = create(client, organiser_headers, gates=["Main Gate", "North"]).json
    response = team_door(client, ceremony["id"], organiser_headers, ["main  gate", "MAIN GATE"])
    assert response.status_code == 201, response.json
    assert response.json["gates"] == ["Main Gate"]


def test_a_ceremony_without_gates_takes_a_door_role_at_any_gate(
    client, ceremony, organiser_headers
):
    response = team_door(client, ceremony["id"], organiser_headers, ["Side door"])
    assert (response.status_code, response.json["gates"]) == (201, ["Side door"]), response.json
