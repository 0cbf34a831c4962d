"""A ceremony's venue through the API: layout, seats from a CSV, saved layouts, blocks, seating
rules, zones and gates; what each bad input gets, and that it leaves everything as it was."""

from __future__ import annotations

import io
import json
import uuid
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from services.registration.models import Ceremony, audit, outbox

HALL = {
    "name": "Grand Hall",
    "stage": "Stage",
    "sections": [{"name": "A", "aisles_after": [3]}, {"name": "B"}],
    "seats": [
        *({"section": "A", "row": "1", "number": n, "accessible": n == 1} for n in range(1, 6)),
        *({"section": "A", "row": "2", "number": n} for n in range(1, 6)),
        *({"section": "B", "row": "1", "number": n} for n in range(1, 4)),
    ],
}
BLOCKS = [
    {"name": "Dignitaries", "categories": ["dignitary", "speaker"], "section": "A", "rows": ["1"]},
    {"name": "Guests", "categories": ["guest"], "section": "A", "rows": ["2"]},
]


def url(ceremony: dict, tail: str) -> str:
    return f"/api/ceremonies/{ceremony['id']}/{tail}"


def stored(app, ceremony: dict) -> Ceremony:
    with app.extensions["ceremony"].database.transaction() as session:
        found = session.get(Ceremony, uuid.UUID(ceremony["id"]))
        session.expunge(found)
        return found


def outbox_events(app, event_type: str) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(row.body) for row in rows]


def with_venue(client, ceremony, headers, blocks=BLOCKS) -> None:
    assert client.put(url(ceremony, "venue"), json=HALL, headers=headers).status_code == 200
    if blocks:
        response = client.put(url(ceremony, "blocks"), json={"blocks": blocks}, headers=headers)
        assert response.status_code == 200, response.json


@pytest.fixture
def gated(client, ceremony, organiser_headers) -> dict:
    response = client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"gates": ["Main gate", "VIP entrance"]},
        headers=organiser_headers,
    )
    assert response.status_code == 200, response.json
    return response.json


@pytest.fixture
def protocol_headers(signer, ceremony) -> dict:
    token = signer.issue_token("protocol", ceremony_id=ceremony["id"])
    return {"Authorization": f"Bearer {token}"}


# Layout


def test_a_layout_is_stored_shown_and_audited(app, client, ceremony, organiser_headers):
    assert client.get(url(ceremony, "venue"), headers=organiser_headers).json == {
        "layout": None,
        "seats": 0,
    }
    response = client.put(url(ceremony, "venue"), json=HALL, headers=organiser_headers)
    assert response.status_code == 200, response.json
    assert response.json["seats"] == 13
    shown = client.get(url(ceremony, "venue"), headers=organiser_headers).json["layout"]
    assert shown["sections"][0] == {"name": "A", "kind": "rows", "aisles_after": [3]}
    assert shown["seats"][0] == {"section": "A", "row": "1", "number": 1, "accessible": True}
    with app.extensions["ceremony"].database.transaction() as session:
        actions = session.scalars(select(audit.c.action)).all()
    assert "venue.layout_set" in actions


def test_a_protocol_officer_reads_the_layout_but_may_not_change_it(
    client, ceremony, protocol_headers
):
    assert client.get(url(ceremony, "venue"), headers=protocol_headers).status_code == 200
    response = client.put(url(ceremony, "venue"), json=HALL, headers=protocol_headers)
    assert response.status_code == 403


def test_a_seat_listed_twice_is_a_422_naming_it_and_nothing_is_stored(
    app, client, ceremony, organiser_headers
):
    twice = {**HALL, "seats": [*HALL["seats"], {"section": "A", "row": "1", "number": 2}]}
    response = client.put(url(ceremony, "venue"), json=twice, headers=organiser_headers)
    assert response.status_code == 422
    assert response.json["code"] == "validation_error"
    assert "listed twice" in response.json["errors"]["json"]["seats"]["13"]["number"][0]
    assert stored(app, ceremony).layout is None


def test_a_seat_in_a_section_the_layout_lacks_is_a_422(app, client, ceremony, organiser_headers):
    bad = {**HALL, "seats": [{"section": "Z", "row": "1", "number": 1}]}
    response = client.put(url(ceremony, "venue"), json=bad, headers=organiser_headers)
    assert response.status_code == 422
    assert response.json["errors"]["json"]["seats"]["0"]["section"]
    assert stored(app, ceremony).layout is None


# Seats from a CSV file


def test_seats_come_from_a_csv_in_utf8_with_a_byte_order_mark(client, ceremony, organiser_headers):
    body = "\ufeffsection,row,seat,accessible\nA,1,1,yes\nA,1,2,\nB,T3,1,no\n".encode()
    response = client.post(
        url(ceremony, "venue/seats.csv"),
        data=body,
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 200, response.json
    layout = response.json["layout"]
    assert layout["name"] == "Grand Hall"  # the venue's name when none is given
    assert [s["name"] for s in layout["sections"]] == ["A", "B"]
    assert layout["seats"][0] == {"section": "A", "row": "1", "number": 1, "accessible": True}
    assert response.json["seats"] == 3


def test_seats_come_from_a_european_excel_file_with_french_headers(
    client, ceremony, organiser_headers
):
    body = "Secteur;Rang;Siège;PMR;Type\nTribune;1;1;oui;rangs\nTable 3;T3;1;non;tables\n"
    response = client.post(
        url(ceremony, "venue/seats.csv") + "?name=Salle des fêtes",
        data={"file": (io.BytesIO(body.encode("cp1252")), "sièges.csv")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )
    assert response.status_code == 200, response.json
    layout = response.json["layout"]
    assert layout["name"] == "Salle des fêtes"
    assert layout["sections"] == [
        {"name": "Tribune", "kind": "rows", "aisles_after": []},
        {"name": "Table 3", "kind": "tables", "aisles_after": []},
    ]
    assert layout["seats"][0]["accessible"] is True


def test_a_csv_with_a_seat_twice_is_a_422_naming_the_line_and_nothing_changes(
    app, client, ceremony, organiser_headers
):
    with_venue(client, ceremony, organiser_headers, blocks=None)
    body = b"section,row,seat\nA,1,1\nA,1,2\nA,1,1\n"
    response = client.post(
        url(ceremony, "venue/seats.csv"),
        data=body,
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert response.json["code"] == "duplicate_seat"
    assert response.json["errors"]["file"]["line 4"] == [
        "Seat 1 of row 1 in section A is listed twice (also on line 2)."
    ]
    assert len(stored(app, ceremony).layout["seats"]) == 13


def test_a_csv_without_the_seat_column_is_a_422_naming_it(client, ceremony, organiser_headers):
    response = client.post(
        url(ceremony, "venue/seats.csv"),
        data=b"section,row\nA,1\n",
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert response.json["code"] == "invalid_csv"
    assert response.json["errors"]["file"] == ["Missing columns: seat."]


def test_a_csv_seat_that_is_not_a_number_is_a_422_naming_the_line(
    client, ceremony, organiser_headers
):
    response = client.post(
        url(ceremony, "venue/seats.csv"),
        data=b"section,row,seat\nA,1,first\n",
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert response.json["errors"]["file"]["line 2"] == [
        "The seat must be a number from 1 to 9999."
    ]


# Saved layouts


def test_a_saved_layout_is_reused_for_the_next_ceremony(client, ceremony, organiser_headers):
    with_venue(client, ceremony, organiser_headers, blocks=None)
    saved = client.post(
        "/api/venue-layouts",
        json={"ceremony_id": ceremony["id"], "name": "Grand Hall, full"},
        headers=organiser_headers,
    )
    assert saved.status_code == 201, saved.json
    assert (saved.json["name"], saved.json["seats"]) == ("Grand Hall, full", 13)
    listed = client.get("/api/venue-layouts", headers=organiser_headers).json
    assert [layout["id"] for layout in listed] == [saved.json["id"]]
    starts = datetime.fromisoformat(ceremony["starts_at"]) + timedelta(days=30)
    other = client.post(
        "/api/ceremonies",
        json={
            **{k: ceremony[k] for k in ("title", "timezone", "capacity")},
            "venue": ceremony["venue"],
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
        },
        headers=organiser_headers,
    ).json
    response = client.post(
        url(other, f"venue/from-layout/{saved.json['id']}"), headers=organiser_headers
    )
    assert response.status_code == 200, response.json
    assert response.json["layout"] == saved.json["layout"]


def test_a_ceremony_without_a_layout_has_none_to_save(client, ceremony, organiser_headers):
    response = client.post(
        "/api/venue-layouts",
        json={"ceremony_id": ceremony["id"], "name": "Empty"},
        headers=organiser_headers,
    )
    assert (response.status_code, response.json["code"]) == (409, "no_layout")


def test_an_unknown_saved_layout_is_a_404(app, client, ceremony, organiser_headers):
    response = client.post(
        url(ceremony, "venue/from-layout/00000000-0000-0000-0000-000000000000"),
        headers=organiser_headers,
    )
    assert (response.status_code, response.json["code"]) == (404, "venue_layout_not_found")
    assert stored(app, ceremony).layout is None


# Blocks


def test_blocks_are_stored_in_their_order(client, ceremony, organiser_headers):
    with_venue(client, ceremony, organiser_headers)
    shown = client.get(url(ceremony, "blocks"), headers=organiser_headers).json["blocks"]
    assert [block["name"] for block in shown] == ["Dignitaries", "Guests"]
    assert shown[0]["rows"] == ["1"]


@pytest.mark.parametrize(
    ("block", "field", "message"),
    [
        ({"seats": ["A:9:1"]}, "seats", "No seat A:9:1 in the layout."),
        ({"section": "Z"}, "section", "No section Z in the layout."),
        ({"section": "A", "rows": ["7"]}, "rows", "No row 7 in section A."),
        ({"seats": ["A:1:1"]}, "seats", "Seat A:1:1 is in the block Dignitaries already."),
        (
            {"seats": ["B:1:1"], "people": ["00000000-0000-0000-0000-000000000001"]},
            "people",
            "00000000-0000-0000-0000-000000000001 is not registered for this ceremony.",
        ),
    ],
    ids=["unknown seat", "unknown section", "unknown row", "seat in two blocks", "unknown person"],
)
def test_a_block_naming_what_the_layout_lacks_is_a_422_and_nothing_changes(
    app, client, ceremony, organiser_headers, block, field, message
):
    with_venue(client, ceremony, organiser_headers)
    bad = [BLOCKS[0], {"name": "Extra", "categories": ["press"], **block}]
    response = client.put(url(ceremony, "blocks"), json={"blocks": bad}, headers=organiser_headers)
    assert response.status_code == 422
    assert response.json["code"] == "invalid_blocks"
    assert response.json["errors"]["blocks"]["1"][field] == [message]
    assert [b["name"] for b in stored(app, ceremony).blocks] == ["Dignitaries", "Guests"]


def test_blocks_before_a_layout_are_refused(client, ceremony, organiser_headers):
    response = client.put(
        url(ceremony, "blocks"), json={"blocks": BLOCKS}, headers=organiser_headers
    )
    assert (response.status_code, response.json["code"]) == (409, "no_layout")


def test_a_layout_that_drops_a_blocks_seats_is_refused(app, client, ceremony, organiser_headers):
    with_venue(client, ceremony, organiser_headers)
    smaller = {**HALL, "seats": [s for s in HALL["seats"] if s["row"] != "2"]}
    response = client.put(url(ceremony, "venue"), json=smaller, headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (409, "blocks_outside_layout")
    assert response.json["errors"]["blocks"] == {"1": {"rows": ["No row 2 in section A."]}}
    assert len(stored(app, ceremony).layout["seats"]) == 13


# Seating rules


def test_the_hosts_right_is_set_with_a_registered_host(client, ceremony, organiser_headers):
    host = client.post(
        url(ceremony, "registrations"),
        json={"full_name": "Host", "email": "host@example.org", "category": "dignitary"},
        headers=organiser_headers,
    ).json
    rules = {"seat_of_honour": "host_right", "host_registration_id": host["id"]}
    response = client.put(url(ceremony, "seating-rules"), json=rules, headers=organiser_headers)
    assert response.status_code == 200, response.json
    assert client.get(url(ceremony, "seating-rules"), headers=organiser_headers).json == rules


@pytest.mark.parametrize(
    ("rules", "status", "code", "field"),
    [
        ({"seat_of_honour": "host_right"}, 422, "host_required", "host_registration_id"),
        (
            {"host_registration_id": "00000000-0000-0000-0000-000000000001"},
            422,
            "unknown_host",
            "host_registration_id",
        ),
        ({"seat_of_honour": "left"}, 422, "validation_error", "json"),
    ],
    ids=["host right without a host", "host not registered", "unknown mode"],
)
def test_bad_seating_rules_are_refused_by_name(
    app, client, ceremony, organiser_headers, rules, status, code, field
):
    response = client.put(url(ceremony, "seating-rules"), json=rules, headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (status, code)
    assert field in response.json["errors"]
    assert stored(app, ceremony).seating_rules == {}


# Zones and gates


ACCESS = {
    "zones": [
        {"name": "Hall", "categories": ["guest", "participant", "dignitary", "speaker", "press"]},
        {"name": "VIP lounge", "categories": ["dignitary", "speaker"]},
    ],
    "gates": [
        {"gate": "main  GATE", "zones": ["hall"]},
        {
            "gate": "VIP entrance",
            "zones": ["Hall", "VIP lounge"],
            "opens_at": "2030-05-01T13:00:00+02:00",
            "closes_at": "2030-05-01T15:00:00+02:00",
        },
    ],
}


def test_zones_and_gates_are_stored_and_published_to_the_door(
    app, client, ceremony, gated, organiser_headers
):
    response = client.put(url(ceremony, "access"), json=ACCESS, headers=organiser_headers)
    assert response.status_code == 200, response.json
    # The ceremony's own spelling of each gate and zone is kept; hours in UTC.
    assert response.json["gates"][0] == {
        "gate": "Main gate",
        "zones": ["Hall"],
        "opens_at": None,
        "closes_at": None,
    }
    assert response.json["gates"][1]["opens_at"] == "2030-05-01T11:00:00+00:00"
    event = outbox_events(app, "ceremony.updated")[-1]
    assert event["version"] == 2
    assert event["data"]["sequence"] == gated["sequence"] + 1
    assert [zone["name"] for zone in event["data"]["zones"]] == ["Hall", "VIP lounge"]
    assert event["data"]["gate_rules"][1]["gate"] == "VIP entrance"
    assert event["data"]["gate_rules"][1]["closes_at"].startswith("2030-05-01T13:00:00")
    assert client.get(url(ceremony, "access"), headers=organiser_headers).json == response.json


@pytest.mark.parametrize(
    ("change", "code", "path"),
    [
        (
            {"zones": [*ACCESS["zones"], {"name": "Stage", "categories": ["speaker"]}]},
            "validation_error",
            ("json", "zones"),
        ),
        (
            {
                "gates": [
                    {
                        "gate": "Main gate",
                        "zones": ["Hall", "VIP lounge"],
                        "opens_at": "2030-05-01T15:00:00+02:00",
                        "closes_at": "2030-05-01T13:00:00+02:00",
                    }
                ]
            },
            "validation_error",
            ("json", "gates", "0", "closes_at"),
        ),
        (
            {"gates": [{"gate": "Back door", "zones": ["Hall", "VIP lounge"]}]},
            "unknown_gate",
            ("gates", "0", "gate"),
        ),
        (
            {"gates": [{"gate": "Main gate", "zones": ["Hall", "Garden"]}]},
            "validation_error",
            ("json", "gates", "0", "zones"),
        ),
    ],
    ids=["a zone no gate leads into", "doors close before they open", "unknown gate", "no zone"],
)
def test_bad_access_is_a_422_naming_the_field_and_nothing_changes(
    app, client, ceremony, gated, organiser_headers, change, code, path
):
    before = len(outbox_events(app, "ceremony.updated"))
    response = client.put(
        url(ceremony, "access"), json={**ACCESS, **change}, headers=organiser_headers
    )
    assert response.status_code == 422
    assert response.json["code"] == code
    node = response.json["errors"]
    for part in path:
        node = node[part]
    assert node
    assert (stored(app, ceremony).zones, stored(app, ceremony).gate_rules) == ([], [])
    assert len(outbox_events(app, "ceremony.updated")) == before
