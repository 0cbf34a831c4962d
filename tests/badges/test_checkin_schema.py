"""Every door answer is what the OpenAPI document says: each loads through its own schema.

A field the schema does not declare, or a value of another type, fails the load (marshmallow
refuses unknown fields), so the document and the answers cannot drift apart.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.badges.web.schemas import CheckinResultSchema, OfflineResultsSchema
from tests.badges.fixtures import bearer, get_badge


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id), gate="North"))


@pytest.fixture
def code(client, feed, ceremony_id, organiser_headers):
    registration_id = feed.confirm(ceremony_id, full_name="Li Wei", category="dignitary")
    return get_badge(client, organiser_headers, registration_id)["code"]


def scan(client, door, code, **fields):
    return client.post("/api/checkins", json={"code": code, **fields}, headers=door)


def test_each_verdict_loads_through_the_checkin_schema(client, door, code):
    answers = [
        scan(client, door, code, nonce="first"),
        scan(client, door, code, nonce="first"),  # the stored first answer, replayed
        scan(client, door, code),
        scan(client, door, code, direction="out"),
        scan(client, door, code, direction="out"),
        scan(client, door, code[:-4] + "AAAA"),
    ]
    results = [(a.status_code, CheckinResultSchema().load(a.json)["result"]) for a in answers]
    assert results == [
        (201, "admitted"),
        (201, "admitted"),
        (409, "already_admitted"),
        (201, "exited"),
        (409, "not_inside"),
        (422, "invalid"),
    ]
    assert answers[1].json == answers[0].json
    assert answers[0].json["gate"] == "North"


def test_offline_results_load_through_their_schema(client, door, code, ceremony_id):
    at = (datetime.now(UTC) - timedelta(minutes=5)).isoformat()
    scans = [{"code": code, "nonce": str(uuid.uuid4()), "scanned_at": at} for _ in range(2)]
    response = client.post(
        f"/api/ceremonies/{ceremony_id}/offline-scans", json={"scans": scans}, headers=door
    )
    loaded = OfflineResultsSchema().load(response.json)
    assert [(r["status"], r["result"]) for r in loaded["results"]] == [
        (201, "admitted"),
        (409, "already_admitted"),
    ]
