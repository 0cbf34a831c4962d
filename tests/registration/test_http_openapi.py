"""The OpenAPI document tells the errors as they are sent: ``{code, message, errors?}`` with a
text code, and on each operation the statuses the shared layer answers for it."""

from __future__ import annotations

import pytest

METHODS = ("get", "post", "put", "patch", "delete")


def undocumented_errors(spec) -> list[tuple[str, str, list[str]]]:
    """Operations that leave out a status the shared layer may answer them with: 401 and 403
    with a token, 404 with a path parameter, 400, 413, 415 and 422 with a body; and ``default``
    for any other error."""
    missing = []
    for path, item in spec["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            expected = {"default"}
            if operation.get("security"):
                expected |= {"401", "403"}
            if "{" in path:
                expected.add("404")
            if "requestBody" in operation:
                expected |= {"400", "413", "415", "422"}
            left_out = sorted(expected - set(operation["responses"]))
            if left_out:
                missing.append((method, path, left_out))
    return missing


def error_format(spec) -> tuple[str, list[str], dict]:
    """The documented error's code type, required fields, and the default response's schema."""
    error = spec["components"]["schemas"]["Error"]
    default = spec["components"]["responses"]["DEFAULT_ERROR"]
    return (
        error["properties"]["code"]["type"],
        sorted(error["required"]),
        default["content"]["application/json"]["schema"],
    )


#: What ``error_format`` gives for the suite's format.
SUITE_ERROR_FORMAT = ("string", ["code", "message"], {"$ref": "#/components/schemas/Error"})


@pytest.fixture
def spec(client) -> dict:
    return client.get("/api/openapi.json").json


def test_errors_are_documented_in_the_format_sent(spec, client):
    assert error_format(spec) == SUITE_ERROR_FORMAT
    sent = client.get("/api/registrations/not-an-id").json
    assert set(sent) <= set(spec["components"]["schemas"]["Error"]["properties"])


def test_every_operation_documents_the_errors_it_can_get(spec):
    assert undocumented_errors(spec) == []


def test_the_csv_import_documents_both_ways_to_send_the_file(spec):
    operation = spec["paths"]["/api/ceremonies/{ceremony_id}/invitations/import"]["post"]
    assert set(operation["requestBody"]["content"]) == {"multipart/form-data", "text/csv"}
