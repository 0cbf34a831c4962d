"""The badges OpenAPI document tells its errors and verdicts as they are sent."""

from __future__ import annotations

import pytest

from tests.registration.test_http_openapi import (
    SUITE_ERROR_FORMAT,
    error_format,
    undocumented_errors,
)


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/openapi.json").json


def test_errors_are_documented_in_the_format_sent(spec):
    assert error_format(spec) == SUITE_ERROR_FORMAT


def test_every_operation_documents_the_errors_it_can_get(spec):
    assert undocumented_errors(spec) == []


def test_a_422_at_the_door_is_a_verdict_or_an_error(spec):
    answer = spec["paths"]["/api/checkins"]["post"]["responses"]["422"]
    assert answer["content"]["application/json"]["schema"]["oneOf"] == [
        {"$ref": "#/components/schemas/CheckinResult"},
        {"$ref": "#/components/schemas/Error"},
    ]


def test_an_uploaded_scan_may_be_not_recorded(spec):
    result = spec["components"]["schemas"]["OfflineResult"]["properties"]["result"]
    assert "not_recorded" in result["enum"]
