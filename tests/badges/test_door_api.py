"""The door page's API: who a token is, guests found by name, admission without the badge."""

from __future__ import annotations

import uuid

import pytest

from tests.badges.fixtures import bearer


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id), gate="North"))


@pytest.fixture
def maria(feed, ceremony_id):
    return feed.confirm(
        ceremony_id, full_name="María Fernández", honorific="Dr", category="speaker"
    )


def search(client, headers, ceremony_id, name):
    return client.get(
        f"/api/ceremonies/{ceremony_id}/door-guests", query_string={"name": name}, headers=headers
    )


def admit(client, headers, ceremony_id, registration_id, **fields):
    url = f"/api/ceremonies/{ceremony_id}/door-admissions"
    return client.post(
        url, json={"registration_id": str(registration_id), **fields}, headers=headers
    )


def test_a_bound_token_names_its_ceremony_and_gate(client, door, ceremony_id):
    session = client.get("/api/door/session", headers=door).json
    assert (session["ceremony_id"], session["gate"]) == (str(ceremony_id), "North")
    assert [c["id"] for c in session["ceremonies"]] == [str(ceremony_id)]


def test_an_unbound_token_may_open_every_known_ceremony(
    client, staff_headers, ceremony_id, other_ceremony_id
):
    session = client.get("/api/door/session", headers=staff_headers).json
    assert {c["id"] for c in session["ceremonies"]} == {str(ceremony_id), str(other_ceremony_id)}


def test_the_door_session_is_for_door_roles(client, viewer_headers):
    assert client.get("/api/door/session", headers=viewer_headers).status_code == 403


def test_a_search_ignores_accents_and_case(client, door, ceremony_id, maria):
    guests = search(client, door, ceremony_id, "maria FERNANDEZ").json["guests"]
    assert [(g["registration_id"], g["full_name"]) for g in guests] == [
        (str(maria), "María Fernández")
    ]


def test_a_search_shows_no_email(client, door, ceremony_id, maria):
    (guest,) = search(client, door, ceremony_id, "maría").json["guests"]
    assert "email" not in guest and guest["attention"] is True


def test_a_search_finds_only_this_ceremonys_guests(
    client, staff_headers, feed, ceremony_id, other_ceremony_id, maria
):
    assert search(client, staff_headers, other_ceremony_id, "maria").json["guests"] == []


def test_a_one_letter_search_finds_nobody(client, door, ceremony_id, maria):
    assert search(client, door, ceremony_id, "m").json["guests"] == []


def test_a_search_needs_a_name(client, door, ceremony_id):
    response = client.get(f"/api/ceremonies/{ceremony_id}/door-guests", headers=door)
    assert (response.status_code, list(response.json["errors"]["query"])) == (422, ["name"])


def test_a_guest_found_by_name_is_admitted_at_the_tokens_gate(client, door, ceremony_id, maria):
    response = admit(client, door, ceremony_id, maria, gate="South")
    assert (response.status_code, response.json["result"], response.json["gate"]) == (
        201,
        "admitted",
        "North",
    )


def test_a_guest_admitted_by_name_is_then_already_admitted(client, door, ceremony_id, maria):
    admit(client, door, ceremony_id, maria)
    response = admit(client, door, ceremony_id, maria)
    assert (response.status_code, response.json["result"]) == (409, "already_admitted")


def test_an_admission_retried_with_its_nonce_gets_the_first_answer(
    client, door, ceremony_id, maria
):
    first = admit(client, door, ceremony_id, maria, nonce="n-1")
    again = admit(client, door, ceremony_id, maria, nonce="n-1")
    assert (again.json, again.headers.get("Idempotent-Replayed")) == (first.json, "true")


def test_a_cancelled_guest_is_revoked(client, feed, door, ceremony_id, maria):
    feed.cancel(maria)
    response = admit(client, door, ceremony_id, maria)
    assert (response.status_code, response.json["result"]) == (409, "revoked")


def test_admitting_an_unknown_registration_is_not_found(client, door, ceremony_id):
    response = admit(client, door, ceremony_id, uuid.uuid4())
    assert (response.status_code, response.json["code"]) == (404, "badge_not_found")


def test_a_token_for_another_ceremony_may_not_admit(
    client, signer, ceremony_id, other_ceremony_id, maria
):
    other = bearer(signer.issue_token("staff", ceremony_id=str(other_ceremony_id)))
    assert admit(client, other, ceremony_id, maria).status_code == 403
