"""An offline upload is never half-applied behind an error: a scan the database fails to record
gets its own verdict, the others are applied, and the upload sent again is answered from the
nonces. Run on SQLite here and on PostgreSQL by tests/integration."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlalchemy.exc import OperationalError

from tests.badges.fixtures import bearer, get_badge

EARLIER = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)


@pytest.fixture
def door(signer, ceremony_id):
    return bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))


@pytest.fixture
def codes(client, feed, ceremony_id, organiser_headers) -> list[str]:
    """The badge codes of three guests."""
    return [
        get_badge(client, organiser_headers, feed.confirm(ceremony_id, full_name=name))["code"]
        for name in ("Ana Brandt", "Li Wei", "Omar Haddad")
    ]


def scans_of(codes: list[str]) -> list[dict]:
    """One admission per code, a minute apart, nonces a, b, c."""
    return [
        {"code": code, "nonce": nonce, "scanned_at": (EARLIER + timedelta(minutes=n)).isoformat()}
        for n, (code, nonce) in enumerate(zip(codes, "abc", strict=True))
    ]


def upload(client, headers, ceremony_id, scans):
    """POST the scans as a door's offline upload."""
    return client.post(
        f"/api/ceremonies/{ceremony_id}/offline-scans", json={"scans": scans}, headers=headers
    )


def verdicts(response) -> list[tuple[str, int, str]]:
    """Each scan's nonce, status and result, in the order sent."""
    assert response.status_code == 200, response.get_data(as_text=True)
    return [(r["nonce"], r["status"], r["result"]) for r in response.json["results"]]


def inside(client, headers, ceremony_id) -> int:
    """How many guests the ceremony's attendance counts inside."""
    return client.get(f"/api/ceremonies/{ceremony_id}/attendance", headers=headers).json["inside"]


@contextmanager
def refusing_the_log_of(database, nonce: str):
    """The database fails to write the check-in log row of the scan with ``nonce``: after its
    presence change on SQLite, within the same statement on PostgreSQL."""

    def refuse(connection, cursor, statement, parameters, context, executemany):
        values = parameters.values() if isinstance(parameters, dict) else parameters
        if "INSERT INTO checkins" in statement and nonce in values:
            raise OperationalError(statement, parameters, Exception("disk I/O error"))

    event.listen(database.engine, "before_cursor_execute", refuse)
    try:
        yield
    finally:
        event.remove(database.engine, "before_cursor_execute", refuse)


def test_a_scan_the_database_fails_to_record_gets_its_own_verdict(
    client, database, door, ceremony_id, codes
):
    with refusing_the_log_of(database, "b"):
        response = upload(client, door, ceremony_id, scans_of(codes))

    assert verdicts(response) == [
        ("a", 201, "admitted"),
        ("b", 503, "not_recorded"),
        ("c", 201, "admitted"),
    ]
    # Nothing of the refused scan was kept, not even its presence change.
    assert inside(client, door, ceremony_id) == 2


def test_the_upload_sent_again_gets_the_first_answers_and_records_the_rest(
    client, database, door, ceremony_id, codes
):
    with refusing_the_log_of(database, "b"):
        first = upload(client, door, ceremony_id, scans_of(codes)).json["results"]

    again = upload(client, door, ceremony_id, scans_of(codes))

    assert verdicts(again) == [
        ("a", 201, "admitted"),
        ("b", 201, "admitted"),
        ("c", 201, "admitted"),
    ]
    assert [r["checkin_id"] for r in again.json["results"][::2]] == [
        r["checkin_id"] for r in first[::2]
    ]
    assert inside(client, door, ceremony_id) == 3


def test_values_the_database_would_refuse_are_refused_before_any_scan(
    client, door, ceremony_id, codes
):
    scans = scans_of(codes)
    scans[1]["nonce"] = "b\x00"
    scans[2]["gate"] = "North\ud800"

    response = upload(client, door, ceremony_id, scans)

    assert (response.status_code, response.json["code"]) == (422, "validation_error")
    assert {"1", "2"} <= set(response.json["errors"]["json"]["scans"])
    assert inside(client, door, ceremony_id) == 0
