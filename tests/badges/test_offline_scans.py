"""Scans made while the door was offline, uploaded later through the same door logic."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.badges.fixtures import bearer, get_badge

EARLIER = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))


@pytest.fixture
def code(client, feed, ceremony_id, organiser_headers):
    registration_id = feed.confirm(ceremony_id, full_name="Ana Brandt", category="speaker")
    return get_badge(client, organiser_headers, registration_id)["code"]


def offline(code, nonce, minutes=0, **fields) -> dict:
    scanned_at = (EARLIER + timedelta(minutes=minutes)).isoformat()
    return {"code": code, "nonce": nonce, "scanned_at": scanned_at, "gate": "North", **fields}


def upload(client, headers, ceremony_id, scans):
    url = f"/api/ceremonies/{ceremony_id}/offline-scans"
    return client.post(url, json={"scans": scans}, headers=headers)


def outcomes(response) -> list[tuple[str, int, str]]:
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(r["nonce"], r["status"], r["result"]) for r in response.json["results"]]


def test_each_scan_gets_its_verdict(client, door, ceremony_id, code):
    response = upload(client, door, ceremony_id, [offline(code, "a"), offline(code, "b", 1)])
    assert outcomes(response) == [("a", 201, "admitted"), ("b", 409, "already_admitted")]


def test_scans_apply_in_the_order_they_were_made(client, door, ceremony_id, code):
    scans = [offline(code, "out", 5, direction="out"), offline(code, "in", 0)]
    assert outcomes(upload(client, door, ceremony_id, scans)) == [
        ("out", 201, "exited"),
        ("in", 201, "admitted"),
    ]


def test_an_upload_sent_again_gets_the_first_answers(client, door, ceremony_id, code):
    scans = [offline(code, "a"), offline(code, "b", 1)]
    first = upload(client, door, ceremony_id, scans)
    assert upload(client, door, ceremony_id, scans).json == first.json


def test_the_arrival_time_is_when_the_badge_was_scanned(client, door, ceremony_id, code):
    upload(client, door, ceremony_id, [offline(code, "a")])
    attendance = client.get(f"/api/ceremonies/{ceremony_id}/attendance", headers=door).json
    assert attendance["vips"][0]["arrived_at"] == EARLIER.isoformat()


def test_an_invalid_code_gets_its_verdict_among_the_others(client, door, ceremony_id, code):
    scans = [offline("NOT A CODE", "a"), offline(code, "b")]
    assert outcomes(upload(client, door, ceremony_id, scans)) == [
        ("a", 422, "invalid"),
        ("b", 201, "admitted"),
    ]


def test_another_ceremonys_badge_is_the_wrong_ceremony(
    client, feed, organiser_headers, staff_headers, ceremony_id, other_ceremony_id
):
    stranger = feed.confirm(other_ceremony_id)
    other_code = get_badge(client, organiser_headers, stranger)["code"]
    response = upload(client, staff_headers, ceremony_id, [offline(other_code, "a")])
    assert outcomes(response) == [("a", 409, "wrong_ceremony")]


@pytest.mark.parametrize(
    ("scans", "field"),
    [
        ([], "scans"),
        ("not a list", "scans"),
        ([{"code": "X", "scanned_at": EARLIER.isoformat()}], "nonce"),
        ([{"code": "X", "nonce": "a"}], "scanned_at"),
        ([{"code": "X", "nonce": "a", "scanned_at": "yesterday"}], "scanned_at"),
        ([{"code": "X", "nonce": "a", "scanned_at": "2030-01-01T10:00:00"}], "scanned_at"),
        ([{"code": "X", "nonce": "a", "scanned_at": "2999-01-01T10:00:00+00:00"}], "scanned_at"),
    ],
    ids=["empty", "not a list", "no nonce", "no time", "not a time", "naive time", "future"],
)
def test_a_malformed_upload_names_the_field(client, door, ceremony_id, scans, field):
    response = upload(client, door, ceremony_id, scans)
    assert (response.status_code, response.json["code"]) == (422, "validation_error")
    assert field in str(response.json["errors"]["json"])


def test_too_many_scans_at_once_are_refused(client, door, ceremony_id, code):
    scans = [offline(code, str(n)) for n in range(501)]
    assert upload(client, door, ceremony_id, scans).status_code == 422


def test_staff_of_another_ceremony_may_not_upload(client, signer, ceremony_id, code):
    headers = bearer(signer.issue_token("staff", ceremony_id=str(uuid.uuid4())))
    assert upload(client, headers, ceremony_id, [offline(code, "a")]).status_code == 403


def test_a_viewer_may_not_upload(client, viewer_headers, ceremony_id, code):
    assert upload(client, viewer_headers, ceremony_id, [offline(code, "a")]).status_code == 403


def test_an_unknown_ceremony_is_not_found(client, staff_headers, code):
    assert upload(client, staff_headers, uuid.uuid4(), [offline(code, "a")]).status_code == 404
