"""The badges service's audit trail: who admitted whom by name, at which gate.

A scanned badge is a check-in (the door's own log); letting a guest in without it is a
person's decision, and the trail keeps it.
"""

from __future__ import annotations

import csv
import io
import json
import time
import uuid

import pytest

from tests.badges.fixtures import bearer, get_badge

DOOR_KEY = str(uuid.uuid4())


@pytest.fixture
def door(signer, ceremony_id):
    token = signer.issue_token(
        "door",
        ceremony_id=str(ceremony_id),
        gate="North",
        name="North door",
        credential_id=DOOR_KEY,
    )
    return bearer(token)


@pytest.fixture
def reader(signer, ceremony_id):
    return bearer(signer.issue_token("viewer", ceremony_id=str(ceremony_id), name="Ada"))


@pytest.fixture
def maria(feed, ceremony_id):
    return feed.confirm(ceremony_id, full_name="María Fernández", category="speaker")


def admit(client, headers, ceremony_id, registration_id, **fields):
    return client.post(
        f"/api/ceremonies/{ceremony_id}/door-admissions",
        json={"registration_id": str(registration_id), **fields},
        headers=headers,
    )


def trail(client, ceremony_id, headers, **filters) -> list[dict]:
    response = client.get(
        f"/api/ceremonies/{ceremony_id}/badges/audit", query_string=filters, headers=headers
    )
    assert response.status_code == 200, response.json
    return response.json


def test_an_admission_by_name_says_who_let_whom_in_at_which_gate(
    client, door, reader, ceremony_id, maria
):
    admitted = admit(client, door, ceremony_id, maria, gate="South")
    assert admitted.status_code == 201
    [entry] = trail(client, ceremony_id, reader)
    assert entry["action"] == "checkin.admitted_by_name"
    assert entry["actor"] == {
        "kind": "apikey",
        "id": DOOR_KEY,
        "name": "North door",
        "address": "127.0.0.1",
    }
    assert (entry["subject_type"], entry["subject_id"]) == ("registration", str(maria))
    assert entry["before"] is None
    assert entry["after"] == {"gate": "North", "checkin_id": admitted.json["checkin_id"]}
    assert "Fernández" not in json.dumps(entry)


def test_a_door_device_is_named_as_the_device(client, signer, reader, ceremony_id, maria):
    device_id = str(uuid.uuid4())
    device = signer.issue_device(
        device_id,
        ceremony_id=str(ceremony_id),
        gate="East",
        ceremony_ends_at=time.time() + 86400,
        name="Tablet 3",
    )
    assert admit(client, bearer(device), ceremony_id, maria).status_code == 201
    [entry] = trail(client, ceremony_id, reader)
    assert (entry["actor"]["kind"], entry["actor"]["id"], entry["actor"]["name"]) == (
        "device",
        device_id,
        "Tablet 3",
    )
    assert entry["after"]["gate"] == "East"


def test_a_refused_or_retried_admission_records_nothing_more(
    client, door, reader, ceremony_id, maria
):
    admit(client, door, ceremony_id, maria, nonce="n-1")
    assert admit(client, door, ceremony_id, maria, nonce="n-1").status_code == 201
    assert admit(client, door, ceremony_id, maria).status_code == 409
    assert len(trail(client, ceremony_id, reader)) == 1


def test_a_scanned_badge_is_not_an_audit_entry(
    client, door, reader, organiser_headers, ceremony_id, maria
):
    code = get_badge(client, organiser_headers, maria)["code"]
    assert client.post("/api/checkins", json={"code": code}, headers=door).status_code == 201
    assert trail(client, ceremony_id, reader) == []


def test_entries_filter_by_actor_subject_action_and_time(
    client, signer, door, reader, feed, ceremony_id, maria
):
    li = feed.confirm(ceremony_id, full_name="Li Wei")
    other_door = bearer(signer.issue_token("door", ceremony_id=str(ceremony_id), name="South"))
    admit(client, door, ceremony_id, maria)
    admit(client, other_door, ceremony_id, li)
    assert [e["subject_id"] for e in trail(client, ceremony_id, reader)] == [str(li), str(maria)]
    assert [e["subject_id"] for e in trail(client, ceremony_id, reader, actor=DOOR_KEY)] == [
        str(maria)
    ]
    assert [e["subject_id"] for e in trail(client, ceremony_id, reader, actor="South")] == [str(li)]
    assert len(trail(client, ceremony_id, reader, subject_id=str(li))) == 1
    assert len(trail(client, ceremony_id, reader, action="checkin.admitted_by_name")) == 2
    assert trail(client, ceremony_id, reader, action="delivery.resent") == []
    assert trail(client, ceremony_id, reader, since="9999-12-31T23:59:59") == []
    assert len(trail(client, ceremony_id, reader, since="0001-01-01", limit=1, offset=1)) == 1


def test_the_csv_holds_the_entries(client, door, reader, ceremony_id, maria):
    admit(client, door, ceremony_id, maria)
    response = client.get(f"/api/ceremonies/{ceremony_id}/badges/audit.csv", headers=reader)
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    [row] = csv.DictReader(io.StringIO(response.text))
    assert (row["action"], row["actor_name"], row["subject_id"]) == (
        "checkin.admitted_by_name",
        "North door",
        str(maria),
    )
    assert json.loads(row["after"])["gate"] == "North"


@pytest.mark.parametrize("suffix", ["audit", "audit.csv"])
def test_readers_of_the_ceremony_alone_read_the_trail(
    client, signer, door, reader, ceremony_id, other_ceremony_id, suffix
):
    url = f"/api/ceremonies/{ceremony_id}/badges/{suffix}"
    elsewhere = bearer(signer.issue_token("viewer", ceremony_id=str(other_ceremony_id)))
    assert client.get(url, headers=reader).status_code == 200
    assert client.get(url, headers=door).status_code == 403
    refused = client.get(url, headers=elsewhere)
    assert (refused.status_code, refused.json["code"]) == (403, "wrong_ceremony")
    assert client.get(url).status_code == 401


def test_the_trail_of_an_unknown_ceremony_is_404(client, organiser_headers):
    response = client.get(f"/api/ceremonies/{uuid.uuid4()}/badges/audit", headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (404, "ceremony_not_found")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "soon"}, "since"),
        ({"until": "0001-01-01T00:00:00+01:00"}, "until"),
        ({"limit": "1001"}, "limit"),
        ({"offset": "-5"}, "offset"),
        ({"since": "2030-01-02T00:00:00Z", "until": "2030-01-01T00:00:00Z"}, "until"),
    ],
)
def test_a_bad_filter_is_422_naming_it(client, reader, ceremony_id, query, field):
    response = client.get(
        f"/api/ceremonies/{ceremony_id}/badges/audit", query_string=query, headers=reader
    )
    assert (response.status_code, list(response.json["errors"]["query"])) == (422, [field])
