"""Bad input to the badges API gets a 4xx JSON error naming the field, and writes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from services.badges.models import certificates, checkins, outbox, presence
from tests.registration.bad_inputs import DEEP_JSON, Body

C = "{ceremony}"
MB = 1024 * 1024
SCAN = {"code": "X", "nonce": "a", "scanned_at": "2020-01-01T10:00:00+00:00"}
A_YEAR_AGO = (datetime.now(UTC) - timedelta(days=365)).isoformat()
TOMORROW = (datetime.now(UTC) + timedelta(days=1)).isoformat()

RELEASE = f"/api/ceremonies/{C}/certificates/release"
NO_CERTIFICATE = "/api/certificates/00000000-0000-0000-0000-000000000001"

# (case, method, path, JSON body or raw bytes, status, error code, field named)
CASES = [
    (
        "release with a word for only_admitted",
        "POST",
        RELEASE,
        {"only_admitted": "perhaps"},
        422,
        "validation_error",
        "only_admitted",
    ),
    ("release without a course", "POST", RELEASE, {}, 409, "course_not_found", "course"),
    (
        "revoke with a reason over 64 characters",
        "POST",
        f"{NO_CERTIFICATE}/revoke",
        {"reason": "x" * 65},
        422,
        "validation_error",
        "reason",
    ),
    (
        "revoke with a reason on two lines",
        "POST",
        f"{NO_CERTIFICATE}/revoke",
        {"reason": "name\ncorrected"},
        422,
        "validation_error",
        "reason",
    ),
    ("verify a code too long", "GET", "/api/verify/" + "A" * 257, None, 422, None, "code"),
    ("check-in without code", "POST", "/api/checkins", {}, 422, "validation_error", "code"),
    (
        "check-in with a list for the code",
        "POST",
        "/api/checkins",
        {"code": ["A"]},
        422,
        "validation_error",
        "code",
    ),
    (
        "check-in direction unknown",
        "POST",
        "/api/checkins",
        {"code": "A", "direction": "up"},
        422,
        "validation_error",
        "direction",
    ),
    ("check-in body not JSON", "POST", "/api/checkins", b"{code", 400, "invalid_json", None),
    ("check-in body oversized", "POST", "/api/checkins", b"x" * (MB + 1), 413, None, None),
    (
        "offline scans not a list",
        "POST",
        f"/api/ceremonies/{C}/offline-scans",
        {"scans": {"code": "A"}},
        422,
        "validation_error",
        "scans",
    ),
    (
        "offline scan with a nonce on two lines",
        "POST",
        f"/api/ceremonies/{C}/offline-scans",
        {"scans": [{**SCAN, "nonce": "a\nb"}]},
        422,
        "validation_error",
        "nonce",
    ),
    (
        "offline scan dated a year back",
        "POST",
        f"/api/ceremonies/{C}/offline-scans",
        {"scans": [{**SCAN, "scanned_at": A_YEAR_AGO}]},
        422,
        "validation_error",
        "scanned_at",
    ),
    (
        "offline scan dated tomorrow",
        "POST",
        f"/api/ceremonies/{C}/offline-scans",
        {"scans": [{**SCAN, "scanned_at": TOMORROW}]},
        422,
        "validation_error",
        "scanned_at",
    ),
    (
        "offline scan with an offset of +14:60",
        "POST",
        f"/api/ceremonies/{C}/offline-scans",
        {"scans": [{**SCAN, "scanned_at": "2031-06-20T10:00:00+14:60"}]},
        422,
        "validation_error",
        "scanned_at",
    ),
    (
        "offline scan whose UTC value is before year 1",
        "POST",
        f"/api/ceremonies/{C}/offline-scans",
        {"scans": [{**SCAN, "scanned_at": "0001-01-01T00:00:00+05:00"}]},
        422,
        "validation_error",
        "scanned_at",
    ),
    (
        "offline scans for a ceremony id that is no uuid",
        "POST",
        "/api/ceremonies/42/offline-scans",
        {"scans": [SCAN]},
        404,
        "not_found",
        None,
    ),
    (
        "badge of a registration id that is no uuid",
        "GET",
        "/api/registrations/42/badge",
        None,
        404,
        "not_found",
        None,
    ),
    (
        "sheets of an unknown category",
        "GET",
        f"/api/ceremonies/{C}/badges.pdf?category=royalty",
        None,
        422,
        "validation_error",
        "category",
    ),
]

SCANS = f"/api/ceremonies/{C}/offline-scans"

HTTP_CASES = [
    (
        "check-in body nested 1000 deep",
        "POST",
        "/api/checkins",
        DEEP_JSON,
        400,
        "invalid_json",
        None,
    ),
    ("upload body nested 1000 deep", "POST", SCANS, DEEP_JSON, 400, "invalid_json", None),
    (
        "check-in with a code of 5000 digits",
        "POST",
        "/api/checkins",
        b'{"code": ' + b"7" * 5000 + b"}",
        400,
        "invalid_json",
        None,
    ),
    (
        "check-in body oversized without Content-Length",
        "POST",
        "/api/checkins",
        Body(b"x" * (MB + 1), "application/json", chunked=True),
        413,
        "payload_too_large",
        None,
    ),
    (
        "upload oversized without Content-Length",
        "POST",
        SCANS,
        Body(b" " * (MB + 1), "application/json", chunked=True),
        413,
        "payload_too_large",
        None,
    ),
    (
        "check-in as a form",
        "POST",
        "/api/checkins",
        Body(b"code=X", "application/x-www-form-urlencoded"),
        415,
        "unsupported_media_type",
        None,
    ),
    (
        "upload without a Content-Type",
        "POST",
        SCANS,
        Body(b'{"scans": []}'),
        415,
        "unsupported_media_type",
        None,
    ),
    # PostgreSQL refuses NUL in text, and no driver encodes a lone surrogate: refused whole.
    (
        "offline scan with a NUL in its nonce",
        "POST",
        SCANS,
        {"scans": [{**SCAN, "nonce": "a\x00b"}]},
        422,
        "validation_error",
        "nonce",
    ),
    (
        "offline scan with a NUL in its gate",
        "POST",
        SCANS,
        {"scans": [{**SCAN, "gate": "North\x00"}]},
        422,
        "validation_error",
        "gate",
    ),
    (
        "offline scan with a lone surrogate in its nonce",
        "POST",
        SCANS,
        {"scans": [{**SCAN, "nonce": "a\ud800"}]},
        422,
        "validation_error",
        "nonce",
    ),
    (
        "offline scan with a gate over 64 characters",
        "POST",
        SCANS,
        {"scans": [{**SCAN, "gate": "G" * 65}]},
        422,
        "validation_error",
        "gate",
    ),
    ("check-ins asked with GET", "GET", "/api/checkins", None, 405, "method_not_allowed", None),
    (
        "URL over 4096 bytes",
        "GET",
        f"/api/ceremonies/{C}/badges.pdf?category=" + "x" * 5000,
        None,
        414,
        "uri_too_long",
        None,
    ),
]


def written(database) -> tuple[int, ...]:
    with database.transaction() as session:
        return tuple(
            session.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (checkins, outbox, presence, certificates)
        )


@pytest.fixture
def headers(signer):
    """Staff for the door, organiser for the rest: whoever may make each request."""
    return {
        "staff": {"Authorization": f"Bearer {signer.issue_token('staff')}"},
        "organiser": {"Authorization": f"Bearer {signer.issue_token('admin')}"},
    }


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [case[1:] for case in CASES + HTTP_CASES],
    ids=[case[0] for case in CASES + HTTP_CASES],
)
def test_bad_input_is_refused_by_name(
    client, database, headers, ceremony_id, method, path, body, status, code, field
):
    before = written(database)
    organiser = method == "GET" or "/certificates" in path
    kwargs = {"headers": headers["organiser" if organiser else "staff"]}
    if isinstance(body, Body):
        kwargs.update(body.request_kwargs(kwargs["headers"]))
    elif isinstance(body, bytes):
        kwargs.update(data=body, content_type="application/json")
    elif body is not None:
        kwargs["json"] = body
    response = client.open(path.replace(C, str(ceremony_id)), method=method, **kwargs)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert response.json["message"]
    if code:
        assert response.json["code"] == code
    if field:
        assert field in str(response.json["errors"])
    assert written(database) == before
