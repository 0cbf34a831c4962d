"""API keys: made by a ceremony's owners (for it) or an admin (suite-wide), shown once, listed,
revoked everywhere; bad input is refused by name."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from services.registration.models import audit, outbox
from tests.registration.conftest import ceremony_body


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def make_key(client, headers, **body):
    return client.post("/api/apikeys", json={"name": "Badge printer", **body}, headers=headers)


@pytest.fixture
def database(app):
    return app.extensions["ceremony"].database


@pytest.fixture
def owner_headers(signer, ceremony) -> dict[str, str]:
    """The key of the ceremony's owner: it may grant roles there, and nowhere else."""
    return bearer(signer.issue_token("owner", ceremony_id=ceremony["id"]))


@pytest.fixture
def other_ceremony(client, organiser_headers) -> dict:
    body = ceremony_body(title="National Day Reception")
    return client.post("/api/ceremonies", json=body, headers=organiser_headers).json


def test_an_admin_makes_a_suite_wide_key_of_any_role_shown_once(client, organiser_headers, signer):
    before = datetime.now(UTC)
    answer = make_key(client, organiser_headers, role="admin")
    assert answer.status_code == 201, answer.json
    made = answer.json
    assert (made["name"], made["role"], made["ceremony_id"], made["status"]) == (
        "Badge printer",
        "admin",
        None,
        "active",
    )
    expires = datetime.fromisoformat(made["expires_at"])
    assert abs(expires - (before + timedelta(days=90))) < timedelta(seconds=5)
    principal = signer.verify_token(made["key"])
    assert (principal.kind, principal.credential_id, principal.role, principal.name) == (
        "apikey",
        made["id"],
        "admin",
        "Badge printer",
    )
    assert principal.expires_at == pytest.approx(expires.timestamp(), abs=1)
    created = client.post("/api/ceremonies", json=ceremony_body(), headers=bearer(made["key"]))
    assert created.status_code == 201

    listed = client.get("/api/apikeys", headers=organiser_headers)
    assert [row["id"] for row in listed.json] == [made["id"]]
    assert "key" not in listed.json[0]


def test_an_owner_makes_a_key_for_the_ceremony_that_acts_there_only(
    client, ceremony, other_ceremony, owner_headers
):
    answer = make_key(
        client, owner_headers, role="organiser", ceremony_id=ceremony["id"], expires_in_days=1
    )
    assert answer.status_code == 201, answer.json
    assert answer.json["ceremony_id"] == ceremony["id"]
    expires = datetime.fromisoformat(answer.json["expires_at"])
    assert abs(expires - (datetime.now(UTC) + timedelta(days=1))) < timedelta(seconds=5)
    key = bearer(answer.json["key"])
    changed = client.patch(f"/api/ceremonies/{ceremony['id']}", json={"capacity": 3}, headers=key)
    assert changed.status_code == 200
    elsewhere = client.patch(
        f"/api/ceremonies/{other_ceremony['id']}", json={"capacity": 3}, headers=key
    )
    assert (elsewhere.status_code, elsewhere.json["code"]) == (403, "wrong_ceremony")


def test_an_owner_makes_no_key_for_another_ceremony_nor_a_suite_wide_one(
    client, other_ceremony, owner_headers
):
    other = make_key(client, owner_headers, role="viewer", ceremony_id=other_ceremony["id"])
    assert (other.status_code, other.json["code"]) == (403, "wrong_ceremony")
    suite = make_key(client, owner_headers, role="viewer")
    assert suite.status_code == 403
    listed = client.get("/api/apikeys", headers=owner_headers)
    assert listed.status_code == 403
    elsewhere = client.get(
        "/api/apikeys", query_string={"ceremony_id": other_ceremony["id"]}, headers=owner_headers
    )
    assert (elsewhere.status_code, elsewhere.json["code"]) == (403, "wrong_ceremony")


def test_who_cannot_grant_makes_and_sees_no_keys(
    client, ceremony, signer, viewer_headers, staff_headers
):
    organiser = bearer(signer.issue_token("organiser", ceremony_id=ceremony["id"]))
    for headers in (viewer_headers, staff_headers, organiser):
        made = make_key(client, headers, role="viewer", ceremony_id=ceremony["id"])
        assert (made.status_code, made.json["code"]) == (403, "forbidden")
        listed = client.get(
            "/api/apikeys", query_string={"ceremony_id": ceremony["id"]}, headers=headers
        )
        assert listed.status_code == 403
    assert make_key(client, {}, role="viewer").status_code == 401


def test_keys_are_listed_by_ceremony_newest_first(
    client, ceremony, other_ceremony, organiser_headers, owner_headers
):
    first = make_key(client, owner_headers, role="door", ceremony_id=ceremony["id"]).json
    second = make_key(client, owner_headers, role="viewer", ceremony_id=ceremony["id"]).json
    make_key(client, organiser_headers, role="viewer", ceremony_id=other_ceremony["id"])
    listed = client.get(
        "/api/apikeys", query_string={"ceremony_id": ceremony["id"]}, headers=owner_headers
    )
    assert listed.status_code == 200
    assert {row["id"] for row in listed.json} == {first["id"], second["id"]}
    assert all(set(row) >= {"name", "role", "expires_at", "status"} for row in listed.json)
    assert all("key" not in row for row in listed.json)
    everything = client.get("/api/apikeys", headers=organiser_headers).json
    assert len(everything) == 3


def test_a_revoked_key_is_refused_at_once_and_the_suite_is_told(
    client, ceremony, owner_headers, database
):
    made = make_key(client, owner_headers, role="viewer", ceremony_id=ceremony["id"]).json
    url = f"/api/ceremonies/{ceremony['id']}/registrations"
    assert client.get(url, headers=bearer(made["key"])).status_code == 200

    revoked = client.post(f"/api/apikeys/{made['id']}/revoke", headers=owner_headers)
    assert revoked.status_code == 200
    assert revoked.json["status"] == "revoked" and revoked.json["revoked_at"]
    refused = client.get(url, headers=bearer(made["key"]))
    assert (refused.status_code, refused.json["code"]) == (401, "credential_revoked")
    again = client.post(f"/api/apikeys/{made['id']}/revoke", headers=owner_headers)
    assert again.json["revoked_at"] == revoked.json["revoked_at"]

    with database.transaction() as session:
        bodies = session.scalars(
            select(outbox.c.body).where(outbox.c.event_type == "credential.revoked")
        ).all()
        actions = session.scalars(
            select(audit.c.action).where(audit.c.subject_id == made["id"]).order_by(audit.c.at)
        ).all()
    [event] = [json.loads(body) for body in bodies]
    assert (event["data"]["credential_id"], event["data"]["kind"]) == (made["id"], "apikey")
    assert event["data"]["expires_at"] is not None
    assert actions == ["apikey.created", "apikey.revoked"]


def test_revoking_needs_grant_on_the_key_ceremony(
    client, ceremony, other_ceremony, organiser_headers, signer
):
    made = make_key(client, organiser_headers, role="viewer", ceremony_id=ceremony["id"]).json
    other_owner = bearer(signer.issue_token("owner", ceremony_id=other_ceremony["id"]))
    refused = client.post(f"/api/apikeys/{made['id']}/revoke", headers=other_owner)
    assert (refused.status_code, refused.json["code"]) == (403, "wrong_ceremony")
    suite_key = make_key(client, organiser_headers, role="viewer").json
    owner = bearer(signer.issue_token("owner", ceremony_id=ceremony["id"]))
    assert client.post(f"/api/apikeys/{suite_key['id']}/revoke", headers=owner).status_code == 403
    unknown = client.post(f"/api/apikeys/{uuid.uuid4()}/revoke", headers=organiser_headers)
    assert (unknown.status_code, unknown.json["code"]) == (404, "apikey_not_found")


@pytest.mark.parametrize(
    "body, field",
    [
        ({"role": "viewer", "expires_in_days": 0}, "expires_in_days"),
        ({"role": "viewer", "expires_in_days": 366}, "expires_in_days"),
        ({"role": "viewer", "expires_in_days": "30"}, "expires_in_days"),
        ({"role": "chancellor"}, "role"),
        ({"role": "staff"}, "role"),
        ({}, "role"),
        ({"role": "viewer", "name": ""}, "name"),
        ({"role": "viewer", "name": "Line\nbreak"}, "name"),
        ({"role": "viewer", "name": "N" * 101}, "name"),
        ({"role": "viewer", "ceremony_id": "c-1"}, "ceremony_id"),
        ({"role": "viewer", "scope": "all"}, "scope"),
    ],
)
def test_bad_key_input_is_refused_by_name(client, organiser_headers, body, field):
    answer = client.post(
        "/api/apikeys", json={"name": "Printer", **body}, headers=organiser_headers
    )
    assert answer.status_code == 422, answer.json
    assert field in answer.json["errors"]["json"]
    assert client.get("/api/apikeys", headers=organiser_headers).json == []


def test_the_admin_role_cannot_be_bound_to_a_ceremony(client, ceremony, organiser_headers):
    answer = make_key(client, organiser_headers, role="admin", ceremony_id=ceremony["id"])
    assert answer.status_code == 422
    assert list(answer.json["errors"]) == ["role"]
    assert client.get("/api/apikeys", headers=organiser_headers).json == []


def test_a_key_for_an_unknown_ceremony_is_404(client, organiser_headers):
    answer = make_key(client, organiser_headers, role="viewer", ceremony_id=str(uuid.uuid4()))
    assert (answer.status_code, answer.json["code"]) == (404, "ceremony_not_found")
