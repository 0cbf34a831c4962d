"""Two gates scanning one badge at the same instant, on PostgreSQL: exactly one admission."""

from __future__ import annotations

import threading
import uuid
from collections import Counter

import pytest
from sqlalchemy import func, select

from services.badges.models import checkins, presence
from services.badges.service import SERVICE
from tests.badges.fixtures import *  # noqa: F403 - the app, its feed and its ceremonies
from tests.badges.fixtures import bearer, get_badge
from tests.conftest import make_settings, migrated

pytestmark = pytest.mark.integration

BADGES = 20
GATES = ("North", "South")


@pytest.fixture
def settings(tmp_path, postgres_databases):
    url = postgres_databases(f"badges_race_{uuid.uuid4().hex[:8]}")
    return migrated(SERVICE, make_settings("badges", tmp_path / "var", database_url=url))


@pytest.fixture
def badge_codes(client, feed, ceremony_id, organiser_headers) -> list[str]:
    return [
        get_badge(client, organiser_headers, feed.confirm(ceremony_id, full_name=f"Guest {n}"))[
            "code"
        ]
        for n in range(BADGES)
    ]


def at_once(app, scans: list[tuple[dict, dict]]) -> list:
    """Send every (headers, body) check-in together, released by one barrier; the responses."""
    barrier = threading.Barrier(len(scans))
    responses: list = [None] * len(scans)

    def send(index: int, headers: dict, body: dict) -> None:
        client = app.test_client()
        barrier.wait(timeout=30)
        responses[index] = client.post("/api/checkins", json=body, headers=headers)

    threads = [
        threading.Thread(target=send, args=(index, *scan)) for index, scan in enumerate(scans)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return responses


def gate_headers(signer, ceremony_id, gate: str) -> dict:
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id), gate=gate))


def scan_all_at_once(app, signer, ceremony_id, badge_codes) -> list[tuple[str, str]]:
    """Every badge at both gates at the same instant; returns (code, result) pairs."""
    scans = [
        (gate_headers(signer, ceremony_id, gate), {"code": code})
        for code in badge_codes
        for gate in GATES
    ]
    responses = at_once(app, scans)
    return [(body["code"], r.json["result"]) for (_, body), r in zip(scans, responses, strict=True)]


def test_each_badge_is_admitted_exactly_once(app, signer, ceremony_id, badge_codes):
    results = scan_all_at_once(app, signer, ceremony_id, badge_codes)
    admitted = Counter(code for code, result in results if result == "admitted")
    assert len(results) == 2 * BADGES
    assert admitted == {code: 1 for code in badge_codes}
    assert Counter(result for _, result in results) == {
        "admitted": BADGES,
        "already_admitted": BADGES,
    }


def test_the_database_records_one_admission_per_badge(
    app, database, signer, ceremony_id, badge_codes
):
    scan_all_at_once(app, signer, ceremony_id, badge_codes)
    with database.transaction() as session:
        admissions = session.execute(
            select(func.count()).where(checkins.c.result == "admitted")
        ).scalar_one()
        inside = session.execute(
            select(func.count()).select_from(presence).where(presence.c.inside)
        ).scalar_one()
    assert (admissions, inside) == (BADGES, BADGES)


def test_one_nonce_sent_twice_at_once_gets_one_answer(app, signer, ceremony_id, badge_codes):
    headers = gate_headers(signer, ceremony_id, "North")
    body = {"code": badge_codes[0], "nonce": "same"}
    first, second = at_once(app, [(headers, body), (headers, body)])
    assert (first.status_code, second.status_code) == (201, 201)
    assert first.json == second.json


def test_one_nonce_on_two_badges_at_once_admits_one(app, signer, ceremony_id, badge_codes):
    headers = gate_headers(signer, ceremony_id, "North")
    scans = [(headers, {"code": code, "nonce": "same"}) for code in badge_codes[:2]]
    results = sorted(r.json.get("reason", r.json["result"]) for r in at_once(app, scans))
    assert results == ["admitted", "nonce_reused"]
