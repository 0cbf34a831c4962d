"""Bad input gets a clear 4xx JSON error naming the field, and writes nothing."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from services.registration.models import Registration, outbox
from tests.registration.bad_inputs import ALL_CASES, field_named, send


def written(app) -> tuple[int, int]:
    with app.extensions["ceremony"].database.transaction() as session:
        return (
            session.execute(select(func.count()).select_from(Registration)).scalar_one(),
            session.execute(select(func.count()).select_from(outbox)).scalar_one(),
        )


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [case[1:] for case in ALL_CASES],
    ids=[case[0] for case in ALL_CASES],
)
def test_bad_input_is_refused_by_name(
    app, client, ceremony, organiser_headers, method, path, body, status, code, field
):
    before = written(app)
    response = send(client, organiser_headers, ceremony["id"], method, path, body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.is_json
    assert response.json["code"] == code
    assert response.json["message"]
    if field:
        assert field_named(response.json["errors"], field), response.json
    assert "Traceback" not in response.get_data(as_text=True)
    assert written(app) == before
