"""Registration modes: confirmation by email (the default), approval, and open.

A public request gets the same answer whoever is registered; its email says what next, and
the seat is taken only when the request becomes a registration.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update

from services.registration.models import Ceremony, Registration, RegistrationRequest, outbox
from tests.registration.conftest import ceremony_body, register


def events(app, event_type: str) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        bodies = session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        return [e["data"] for e in map(json.loads, bodies) if e["type"] == event_type]


def rows(app, model) -> list:
    with app.extensions["ceremony"].database.transaction() as session:
        return list(session.scalars(select(model)))


@pytest.fixture
def make_ceremony(client, organiser_headers):
    def make(**overrides):
        body = ceremony_body(**overrides)
        if "registration_mode" not in overrides:
            del body["registration_mode"]  # the default for new ceremonies
        response = client.post("/api/ceremonies", json=body, headers=organiser_headers)
        assert response.status_code == 201, response.json
        return response.json

    return make


def confirm_path(app, request_id: str) -> str:
    with app.app_context():
        request = rows(app, RegistrationRequest)
        [expires] = [r.expires_at for r in request if str(r.id) == request_id]
        url = app.extensions["registration.links"].confirm_url(uuid.UUID(request_id), until=expires)
    return "/" + url.split("/", 3)[3]


def test_new_ceremonies_confirm_by_email(make_ceremony):
    assert make_ceremony()["registration_mode"] == "confirm_email"


def test_a_request_is_answered_alike_whoever_is_registered(app, client, make_ceremony):
    ceremony = make_ceremony()
    first = register(client, ceremony["id"], "ada@example.org")
    again = register(client, ceremony["id"], "ADA@example.org")
    assert (first.status_code, first.json["status"]) == (202, "confirmation_sent")
    assert again.get_data() == first.get_data()
    path = confirm_path(app, events(app, "registration.requested")[0]["request_id"])
    client.post(path)
    registered = register(client, ceremony["id"], "ada@example.org")
    assert registered.get_data() == first.get_data()
    # What each asked for went to the address: two links, then its own manage link.
    assert len(events(app, "registration.requested")) == 2
    [link] = events(app, "registration.link_requested")
    assert link["email"].lower() == "ada@example.org"
    assert "manage_url" not in first.json


def test_an_unconfirmed_request_holds_no_seat(app, client, make_ceremony):
    ceremony = make_ceremony(capacity=1)
    register(client, ceremony["id"], "first@example.org")
    register(client, ceremony["id"], "second@example.org")
    assert rows(app, Registration) == []
    second = events(app, "registration.requested")[1]
    assert client.post(confirm_path(app, second["request_id"])).status_code == 303
    [seated] = rows(app, Registration)
    assert (seated.email, seated.status) == ("second@example.org", "confirmed")
    first = events(app, "registration.requested")[0]
    client.post(confirm_path(app, first["request_id"]))
    statuses = {r.email: r.status for r in rows(app, Registration)}
    assert statuses == {"second@example.org": "confirmed", "first@example.org": "waitlisted"}


def test_the_confirmation_page_changes_nothing_until_its_button(app, client, make_ceremony):
    ceremony = make_ceremony()
    register(client, ceremony["id"], "ada@example.org", full_name="Ada Lovelace")
    path = confirm_path(app, events(app, "registration.requested")[0]["request_id"])
    page = client.get(path)
    assert page.status_code == 200
    assert "Ada Lovelace" in page.get_data(as_text=True)
    assert rows(app, Registration) == []
    answer = client.post(path)
    assert answer.status_code == 303 and "/manage/" in answer.headers["Location"]
    [registration] = rows(app, Registration)
    assert registration.status == "confirmed"
    # Confirming again leads to the same registration.
    assert client.post(path).headers["Location"] == answer.headers["Location"]
    assert len(rows(app, Registration)) == 1
    [request] = rows(app, RegistrationRequest)
    assert (request.status, request.registration_id) == ("registered", registration.id)


def test_an_expired_request_takes_no_seat(app, client, make_ceremony):
    ceremony = make_ceremony()
    register(client, ceremony["id"], "ada@example.org")
    path = confirm_path(app, events(app, "registration.requested")[0]["request_id"])
    with app.extensions["ceremony"].database.transaction() as session:
        past = datetime.now(UTC) - timedelta(minutes=1)
        session.execute(update(RegistrationRequest).values(expires_at=past))
    response = client.post(path)
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)
    assert rows(app, Registration) == []


def test_a_tampered_confirmation_link_gets_a_clear_page(client):
    response = client.get("/confirm/not-a-capability")
    assert response.status_code == 404
    assert "not valid" in response.get_data(as_text=True)


def test_the_form_says_to_look_at_the_email(client, make_ceremony):
    ceremony = make_ceremony()
    response = client.post(
        f"/ceremonies/{ceremony['id']}/register?lang=fr",
        data={"full_name": "Ada Guest", "email": "ada@example.org"},
    )
    assert response.status_code == 200
    assert "suivez son lien" in response.get_data(as_text=True)


def test_organisers_still_register_guests_at_once(client, make_ceremony, organiser_headers):
    ceremony = make_ceremony()
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Li Wei", "email": "li@example.org", "category": "dignitary"},
        headers=organiser_headers,
    )
    assert (response.status_code, response.json["status"]) == (201, "confirmed")


def test_approval_requests_wait_for_an_organiser(app, client, make_ceremony, organiser_headers):
    ceremony = make_ceremony(registration_mode="approval")
    answer = register(client, ceremony["id"], "ada@example.org")
    assert (answer.status_code, answer.json["status"]) == (202, "awaiting_approval")
    register(client, ceremony["id"], "bo@example.org")
    listed = client.get(
        f"/api/ceremonies/{ceremony['id']}/registration-requests?status=awaiting_approval",
        headers=organiser_headers,
    ).json
    assert [r["email"] for r in listed] == ["ada@example.org", "bo@example.org"]
    assert rows(app, Registration) == []

    approved = client.post(
        f"/api/registration-requests/{listed[0]['id']}/approve", headers=organiser_headers
    )
    assert (approved.status_code, approved.json["status"]) == (201, "confirmed")
    declined = client.post(
        f"/api/registration-requests/{listed[1]['id']}/decline", headers=organiser_headers
    )
    assert (declined.status_code, declined.json["status"]) == (200, "declined")
    [told] = events(app, "registration.request_declined")
    assert told["email"] == "bo@example.org"
    again = client.post(
        f"/api/registration-requests/{listed[1]['id']}/approve", headers=organiser_headers
    )
    assert (again.status_code, again.json["code"]) == (409, "request_decided")


def test_requests_are_for_the_ceremonys_organisers(client, signer, make_ceremony):
    ceremony = make_ceremony(registration_mode="approval")
    register(client, ceremony["id"], "ada@example.org")
    other = {
        "Authorization": f"Bearer {signer.issue_token('organiser', ceremony_id=str(uuid.uuid4()))}"
    }
    url = f"/api/ceremonies/{ceremony['id']}/registration-requests"
    assert client.get(url).status_code == 401
    assert client.get(url, headers=other).status_code == 403


def test_open_ceremonies_register_at_once(client, make_ceremony):
    ceremony = make_ceremony(registration_mode="open")
    response = register(client, ceremony["id"], "ada@example.org")
    assert (response.status_code, response.json["status"]) == (201, "confirmed")


def test_a_request_after_the_start_is_refused(client, make_ceremony, app):
    ceremony = make_ceremony()
    with app.extensions["ceremony"].database.transaction() as session:
        session.execute(update(Ceremony).values(starts_at=datetime.now(UTC) - timedelta(minutes=5)))
    response = register(client, ceremony["id"], "ada@example.org")
    assert (response.status_code, response.json["code"]) == (409, "registration_closed")
