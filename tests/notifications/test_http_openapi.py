"""The notifications OpenAPI document tells its errors as they are sent."""

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
