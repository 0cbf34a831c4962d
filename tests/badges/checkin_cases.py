"""The door's verdicts through ``POST /api/checkins``, on whichever database ``settings`` names.

Run on SQLite by ``test_checkin.py`` and on PostgreSQL by the integration tests.
"""

from __future__ import annotations

import json

import pytest
from prometheus_client import REGISTRY
from sqlalchemy import func, select

from services.badges.models import checkins, outbox
from services.badges.signing import codes
from shared.auth import MANAGE_REGISTRATION
from tests.badges.fixtures import bearer, get_badge


@pytest.fixture
def door(signer, ceremony_id):
    """A staff token bound to the ceremony, not to a gate."""
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))


@pytest.fixture
def guest(feed, ceremony_id):
    return feed.confirm(ceremony_id, full_name="Li Wei", honorific="H.E.", category="dignitary")


@pytest.fixture
def code(client, organiser_headers, guest):
    return get_badge(client, organiser_headers, guest)["code"]


def scan(client, headers, code, **fields):
    return client.post("/api/checkins", json={"code": code, **fields}, headers=headers)


def verdict(response) -> tuple[int, str]:
    return response.status_code, response.json["result"]


def count(database, table, **where) -> int:
    with database.transaction() as session:
        query = select(func.count()).select_from(table)
        for column, value in where.items():
            query = query.where(table.c[column] == value)
        return session.execute(query).scalar_one()


def replace_at(text: str, position: int) -> str:
    return text[:position] + ("B" if text[position] != "B" else "C") + text[position + 1 :]


# --- Verdicts ----------------------------------------------------------------------------


def test_a_first_scan_admits_and_shows_the_guest(client, door, code):
    response = scan(client, door, code, gate="North")
    assert verdict(response) == (201, "admitted")
    assert response.json["guest"] == {
        "full_name": "Li Wei",
        "honorific": "H.E.",
        "category": "dignitary",
        "organisation": None,
        "attention": True,
    }


def test_a_second_scan_says_when_and_at_which_gate(client, door, code):
    first = scan(client, door, code, gate="North")
    second = scan(client, door, code, gate="South")
    assert verdict(second) == (409, "already_admitted")
    assert second.json["admitted_at"] == first.json["at"]
    assert second.json["admitted_gate"] == "North"
    assert second.json["guest"]["full_name"] == "Li Wei"


def test_a_tampered_signature_is_invalid(client, door, code):
    response = scan(client, door, replace_at(code, len(code) - 3))
    assert verdict(response) == (422, "invalid")
    assert response.json["reason"] == "bad_signature"
    assert "guest" not in response.json


def test_a_tampered_serial_is_invalid(client, door, code):
    response = scan(client, door, replace_at(code, 40))
    assert (verdict(response), response.json["reason"]) == ((422, "invalid"), "bad_signature")


@pytest.mark.parametrize(
    ("mangle", "reason"),
    [
        (lambda code: code[:-8], "wrong_length"),
        (lambda code: "", "empty"),
        (lambda code: "   ", "empty"),
        (lambda code: code * 700, "too_long"),
        (lambda code: code[:-1] + "É", "not_ascii"),
        (lambda code: code[:-1] + "1", "bad_base32"),
        (lambda code: "https://example.org/?" + code, "bad_base32"),
    ],
    ids=["truncated", "empty", "blank", "huge", "non-ascii", "not base32", "a url"],
)
def test_malformed_codes_are_invalid_with_a_reason(client, door, code, mangle, reason):
    response = scan(client, door, mangle(code))
    assert verdict(response) == (422, "invalid")
    assert response.json["reason"] == reason


def test_a_code_typed_in_lower_case_is_admitted(client, door, code):
    assert verdict(scan(client, door, code.lower())) == (201, "admitted")


def test_a_code_signed_by_an_unknown_key_is_invalid(client, door, ceremony_id):
    forged = codes.sign_code(codes.generate_key(), ceremony_id, codes.new_serial())
    response = scan(client, door, forged)
    assert (verdict(response), response.json["reason"]) == ((422, "invalid"), "unknown_key")


def test_another_ceremonys_badge_is_the_wrong_ceremony(
    client, feed, door, organiser_headers, other_ceremony_id
):
    stranger = feed.confirm(other_ceremony_id, full_name="Other Guest")
    response = scan(client, door, get_badge(client, organiser_headers, stranger)["code"])
    assert verdict(response) == (409, "wrong_ceremony")
    assert "guest" not in response.json


def test_an_unbound_staff_token_admits_to_the_badges_own_ceremony(client, staff_headers, code):
    assert verdict(scan(client, staff_headers, code)) == (201, "admitted")


def test_a_cancelled_guests_badge_is_revoked(client, feed, door, guest, code):
    feed.cancel(guest)
    response = scan(client, door, code)
    assert verdict(response) == (409, "revoked")
    assert response.json["guest"]["full_name"] == "Li Wei"


# --- Nonces ------------------------------------------------------------------------------


def test_a_retried_nonce_gets_the_first_answer(client, door, code):
    first = scan(client, door, code, nonce="n-1")
    retry = scan(client, door, code, nonce="n-1")
    assert verdict(retry) == (201, "admitted")
    assert retry.json == first.json
    assert retry.headers["Idempotent-Replayed"] == "true"


def test_a_retried_nonce_records_one_scan(client, database, door, code):
    scan(client, door, code, nonce="n-1")
    scan(client, door, code, nonce="n-1")
    assert count(database, checkins) == 1


def test_a_new_nonce_is_a_new_scan(client, door, code):
    scan(client, door, code, nonce="n-1")
    assert verdict(scan(client, door, code, nonce="n-2")) == (409, "already_admitted")


def test_a_nonce_reused_for_another_badge_is_invalid(
    client, feed, door, organiser_headers, ceremony_id, code
):
    other = get_badge(client, organiser_headers, feed.confirm(ceremony_id))["code"]
    scan(client, door, code, nonce="n-1")
    response = scan(client, door, other, nonce="n-1")
    assert (verdict(response), response.json["reason"]) == ((422, "invalid"), "nonce_reused")


# --- Exit and re-entry -------------------------------------------------------------------


def test_exit_then_reentry_admits_again(client, door, code):
    assert verdict(scan(client, door, code)) == (201, "admitted")
    assert verdict(scan(client, door, code, direction="out")) == (201, "exited")
    assert verdict(scan(client, door, code)) == (201, "admitted")


def test_an_exit_without_entry_is_not_inside(client, door, code):
    assert verdict(scan(client, door, code, direction="out")) == (409, "not_inside")


def test_a_guest_inside_may_leave_after_cancelling(client, feed, door, guest, code):
    scan(client, door, code)
    feed.cancel(guest)
    assert verdict(scan(client, door, code, direction="out")) == (201, "exited")


# --- Gates and events --------------------------------------------------------------------


def test_the_gate_of_a_gate_token_wins_over_the_body(client, signer, ceremony_id, code):
    headers = bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id), gate="East"))
    assert scan(client, headers, code, gate="West").json["gate"] == "East"


def test_an_admission_publishes_checkin_recorded(client, database, door, guest, code):
    scan(client, door, code, gate="North")
    with database.transaction() as session:
        (body,) = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == "checkin.recorded")
        ).scalars()
    data = json.loads(body)["data"]
    assert (data["registration_id"], data["gate"], data["direction"]) == (str(guest), "North", "in")
    assert data["guest"]["attention"] is True


def test_a_refused_scan_publishes_nothing(client, database, door, code):
    scan(client, door, code)
    scan(client, door, code)
    assert count(database, outbox, event_type="checkin.recorded") == 1


# --- Who may scan, and malformed requests ------------------------------------------------


def test_no_token_gets_401(client, code):
    response = client.post("/api/checkins", json={"code": code})
    assert (response.status_code, response.json["code"]) == (401, "unauthorized")


def test_an_organiser_token_is_the_wrong_role(client, organiser_headers, code):
    response = scan(client, organiser_headers, code)
    assert (response.status_code, response.json["code"]) == (403, "forbidden")


def test_a_guest_capability_is_not_a_staff_token(client, signer, guest, code):
    capability = signer.issue_capability(MANAGE_REGISTRATION, guest, ttl_seconds=60)
    assert scan(client, bearer(capability), code).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "code"),
        ({"code": 42}, "code"),
        ({"code": None}, "code"),
        ({"code": "X", "direction": "sideways"}, "direction"),
        ({"code": "X", "gate": "North\r\nSouth"}, "gate"),
        ({"code": "X", "gate": "G" * 65}, "gate"),
        ({"code": "X", "nonce": ""}, "nonce"),
        ({"code": "X", "nonce": "n" * 65}, "nonce"),
        ({"code": "X", "colour": "red"}, "colour"),
    ],
    ids=[
        "no code",
        "code a number",
        "code null",
        "unknown direction",
        "gate with a line break",
        "gate too long",
        "empty nonce",
        "nonce too long",
        "unknown field",
    ],
)
def test_a_malformed_request_names_the_field(client, door, body, field):
    response = client.post("/api/checkins", json=body, headers=door)
    assert (response.status_code, response.json["code"]) == (422, "validation_error")
    assert field in response.json["errors"]["json"]


def test_a_body_that_is_not_json_is_refused(client, door):
    response = client.post(
        "/api/checkins", data=b"code=X", content_type="application/json", headers=door
    )
    assert (response.status_code, response.json["code"]) == (400, "invalid_json")


def test_a_body_that_is_a_list_is_refused(client, door):
    response = client.post("/api/checkins", json=["X"], headers=door)
    assert response.status_code == 422


def test_each_verdict_is_counted_for_metrics(client, door, code):
    def admitted() -> float:
        return REGISTRY.get_sample_value("ceremony_checkins_total", {"result": "admitted"}) or 0

    before = admitted()
    scan(client, door, code)
    assert admitted() == before + 1
