"""The session cookie the registration service sets is accepted here, in the badges service:
with the account's roles as this service keeps them from the bus, a CSRF token for changes,
and renewed while it is used."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime

import pytest

from shared.events import make_envelope
from shared.sessions import CSRF_COOKIE, CSRF_HEADER, SESSION_COOKIE
from tests.badges.fixtures import get_badge


@pytest.fixture
def account(feed, ceremony_id) -> str:
    """An account that the bus said is door staff at the North gate of the ceremony."""
    account_id = uuid.uuid4()
    data = {"account_id": account_id, "scope": str(ceremony_id), "role": "door", "gates": ["North"]}
    feed.deliver(make_envelope("role.granted", data, "registration"))
    return str(account_id)


def with_cookie(client, token: str) -> None:
    client.set_cookie(SESSION_COOKIE, token)


def test_a_session_cookie_opens_the_door_of_the_ceremony_it_has_a_role_on(
    client, signer, account, ceremony_id, other_ceremony_id
):
    with_cookie(client, signer.issue_session(account))

    session = client.get("/api/door/session")
    assert session.status_code == 200, session.json
    assert [c["id"] for c in session.json["ceremonies"]] == [str(ceremony_id)]
    assert client.get(f"/api/ceremonies/{ceremony_id}/scanner-bundle").status_code == 200
    refused = client.get(f"/api/ceremonies/{other_ceremony_id}/scanner-bundle")
    assert (refused.status_code, refused.json["code"]) == (403, "forbidden")


def test_a_change_by_cookie_needs_the_csrf_token(
    client, signer, account, feed, ceremony_id, organiser_headers
):
    token = signer.issue_session(account)
    with_cookie(client, token)
    code = get_badge(client, organiser_headers, feed.confirm(ceremony_id))["code"]
    scan = {"code": code, "gate": "North"}

    without = client.post("/api/checkins", json=scan)
    assert (without.status_code, without.json["code"]) == (403, "csrf_token_missing")
    wrong = client.post("/api/checkins", json=scan, headers={CSRF_HEADER: "0" * 40})
    assert wrong.status_code == 403

    csrf = signer.csrf_token(signer.verify_token(token))
    admitted = client.post("/api/checkins", json=scan, headers={CSRF_HEADER: csrf})
    assert (admitted.status_code, admitted.json["result"]) == (201, "admitted")


def test_a_door_grant_scans_at_its_own_gates_only(
    client, signer, account, feed, ceremony_id, organiser_headers
):
    token = signer.issue_session(account)
    csrf = {CSRF_HEADER: signer.csrf_token(signer.verify_token(token))}
    with_cookie(client, token)
    code = get_badge(client, organiser_headers, feed.confirm(ceremony_id))["code"]

    response = client.post("/api/checkins", json={"code": code, "gate": "South"}, headers=csrf)

    assert (response.status_code, response.json["code"]) == (403, "wrong_gate")
    assert response.json["errors"] == {"gate": ["Must be one of: North."]}


def test_a_badge_of_a_ceremony_without_a_role_is_the_wrong_ceremony(
    client, signer, account, feed, other_ceremony_id, organiser_headers
):
    token = signer.issue_session(account)
    csrf = {CSRF_HEADER: signer.csrf_token(signer.verify_token(token))}
    with_cookie(client, token)
    code = get_badge(client, organiser_headers, feed.confirm(other_ceremony_id))["code"]

    response = client.post("/api/checkins", json={"code": code, "gate": "North"}, headers=csrf)

    assert (response.status_code, response.json["result"]) == (409, "wrong_ceremony")


def test_a_session_in_use_is_renewed_and_a_refused_one_is_dropped(
    client, signer, account, feed, monkeypatch
):
    started = time.time() - 3600
    real_time = time.time
    # A token signed 400 s ago, as the browser holds it: due for renewal.
    monkeypatch.setattr(time, "time", lambda: real_time() - 400)
    aged = signer.issue_session(account, session_id="s-1", started_at=started)
    monkeypatch.undo()
    with_cookie(client, aged)

    response = client.get("/api/door/session")

    assert response.status_code == 200
    renewed = signer.verify_token(client.get_cookie(SESSION_COOKIE).value)
    assert renewed.issued_at > signer.verify_token(aged).issued_at
    assert (renewed.credential_id, renewed.started_at) == ("s-1", pytest.approx(started, abs=0.001))
    assert client.get_cookie(CSRF_COOKIE).value == signer.csrf_token(renewed)

    # Once signed out everywhere, the cookie is refused and dropped from the browser.
    before = datetime.now(UTC)
    data = {"account_id": uuid.UUID(account), "before": before, "disabled": False}
    feed.deliver(make_envelope("account.signed_out", data, "registration"))
    client.application.extensions["ceremony"].credentials.forget()
    refused = client.get("/api/door/session")
    assert (refused.status_code, refused.json["code"]) == (401, "signed_out")
    assert client.get_cookie(SESSION_COOKIE) is None
