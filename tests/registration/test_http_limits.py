"""What the HTTP layer holds a request to, whatever the view: a streamed body is read whole or
refused, a body must be of a type the endpoint takes, a refused method names the allowed ones,
and a URL too long is answered as JSON."""

from __future__ import annotations

import io

from tests.registration.bad_inputs import LONG_CSV, Body

IMPORT = "/api/ceremonies/{id}/invitations/import"


def _invited(client, ceremony, headers) -> list[str]:
    url = f"/api/ceremonies/{ceremony['id']}/invitations"
    return sorted(invitation["email"] for invitation in client.get(url, headers=headers).json)


def _csv(rows: int) -> bytes:
    lines = [b"full_name,email"] + [b"Guest %d,guest%d@example.org" % (n, n) for n in range(rows)]
    return b"\n".join(lines) + b"\n"


def test_a_streamed_csv_within_the_limit_is_imported_whole(client, ceremony, organiser_headers):
    body = Body(_csv(687), "text/csv", chunked=True)
    url = IMPORT.format(id=ceremony["id"])
    response = client.post(url, **body.request_kwargs(organiser_headers))

    assert response.status_code == 201, response.get_data(as_text=True)
    assert len(_invited(client, ceremony, organiser_headers)) == 687


def test_a_streamed_csv_over_the_limit_imports_nothing(client, ceremony, organiser_headers):
    body = Body(LONG_CSV, "text/csv", chunked=True)
    response = client.post(
        IMPORT.format(id=ceremony["id"]), **body.request_kwargs(organiser_headers)
    )

    assert (response.status_code, response.json["code"]) == (413, "payload_too_large")
    assert _invited(client, ceremony, organiser_headers) == []


def test_a_streamed_csv_file_field_over_the_limit_imports_nothing(
    client, ceremony, organiser_headers
):
    boundary = "----ceremony"
    head = (
        f"--{boundary}\r\n"
        'Content-Disposition: form-data; name="file"; filename="guests.csv"\r\n'
        "Content-Type: text/csv\r\n\r\n"
    )
    form = head.encode() + LONG_CSV + f"\r\n--{boundary}--\r\n".encode()
    body = Body(form, f"multipart/form-data; boundary={boundary}", chunked=True)
    response = client.post(
        IMPORT.format(id=ceremony["id"]), **body.request_kwargs(organiser_headers)
    )

    assert response.status_code == 413
    assert _invited(client, ceremony, organiser_headers) == []


def test_the_csv_import_takes_a_file_field(client, ceremony, organiser_headers):
    response = client.post(
        IMPORT.format(id=ceremony["id"]),
        data={"file": (io.BytesIO(_csv(2)), "guests.csv")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )
    assert response.status_code == 201


def test_a_json_endpoint_takes_json_with_a_charset_or_a_json_suffix(client, organiser_headers):
    for content_type in ("application/json; charset=utf-8", "application/merge-patch+json"):
        response = client.post(
            "/api/ceremonies",
            data=b'{"title": "X"}',
            content_type=content_type,
            headers=organiser_headers,
        )
        assert (response.status_code, response.json["code"]) == (422, "validation_error")


def test_an_endpoint_that_takes_no_body_ignores_one(client, ceremony, organiser_headers):
    registration = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Ada Guest", "email": "ada@example.org"},
    ).json
    response = client.post(
        f"/api/registrations/{registration['id']}/cancel",
        data=b"anything",
        content_type="text/plain",
        headers=organiser_headers,
    )
    assert response.status_code == 200


def test_a_refused_method_names_the_allowed_ones(client, ceremony):
    response = client.put(f"/api/ceremonies/{ceremony['id']}", json={})

    assert (response.status_code, response.json["code"]) == (405, "method_not_allowed")
    assert {"GET", "PATCH"} <= set(response.headers["Allow"].split(", "))


def test_a_url_over_the_limit_is_answered_as_json(client):
    response = client.get("/ceremonies/" + "x" * 5000 + "/register")

    assert (response.status_code, response.mimetype) == (414, "application/json")
    assert response.json["code"] == "uri_too_long"


def test_a_url_at_the_limit_is_served(client):
    path = "/api/ceremonies?pad="
    response = client.get(path + "x" * (4096 - len(path)))

    assert response.status_code == 200
