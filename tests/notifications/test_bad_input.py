"""Every bad input gets a 4xx JSON error naming the field; never a 500, never a half-write."""

from __future__ import annotations

import pytest

from tests.notifications.bad_inputs import ALL_CASES, ANNOUNCE, field_named, send

STATUS_CODES = {
    400: "invalid_json",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    415: "unsupported_media_type",
}


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "field"),
    [case[1:] for case in ALL_CASES],
    ids=[case[0] for case in ALL_CASES],
)
def test_bad_input_is_refused_by_name(
    client, organiser_headers, service, method, path, body, status, field
):
    response = send(client, organiser_headers, service.ceremony_id, method, path, body)

    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["code"] == STATUS_CODES.get(status, "validation_error")
    if field:
        assert field_named(response.json["errors"], field), response.json


def test_a_refused_announcement_records_nothing(client, organiser_headers, service):
    service.confirm()
    send(client, organiser_headers, service.ceremony_id, "POST", ANNOUNCE, {"subject": "Hi"})

    assert service.log(template="announcement") == []


def test_a_bad_body_without_a_token_is_401_not_422(client, service):
    response = send(client, {}, service.ceremony_id, "POST", ANNOUNCE, {"subject": 42})

    assert response.status_code == 401
