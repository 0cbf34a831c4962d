"""Ceremonies through the API: create, read, change, and the events they store."""

from __future__ import annotations

import json

from sqlalchemy import select

from services.registration.models import outbox
from tests.registration.conftest import ceremony_body, register


def outbox_events(app) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        return [json.loads(body) for body in rows]


def test_organiser_creates_a_ceremony(client, organiser_headers):
    response = client.post("/api/ceremonies", json=ceremony_body(), headers=organiser_headers)
    assert response.status_code == 201
    assert response.json["title"] == "Closing Ceremony"
    assert response.json["seats_taken"] == 0
    assert response.json["registration_url"].endswith(f"/ceremonies/{response.json['id']}/register")


def test_creating_a_ceremony_stores_ceremony_created(app, ceremony):
    events = outbox_events(app)
    assert [e["type"] for e in events] == ["ceremony.created"]
    assert events[0]["data"]["ceremony_id"] == ceremony["id"]
    assert events[0]["producer"] == "registration"


def test_anyone_lists_and_reads_ceremonies(client, ceremony):
    assert [c["id"] for c in client.get("/api/ceremonies").json] == [ceremony["id"]]
    assert client.get(f"/api/ceremonies/{ceremony['id']}").json["venue"]["name"] == "Grand Hall"


def test_patch_bumps_the_sequence_and_stores_ceremony_updated(
    app, client, ceremony, organiser_headers
):
    response = client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"title": "Final Ceremony"},
        headers=organiser_headers,
    )
    assert response.status_code == 200
    assert response.json["sequence"] == 1
    assert outbox_events(app)[-1]["type"] == "ceremony.updated"


def test_more_capacity_promotes_the_waitlist(client, ceremony, organiser_headers):
    for n in range(3):
        register(client, ceremony["id"], f"g{n}@example.org")
    client.patch(
        f"/api/ceremonies/{ceremony['id']}", json={"capacity": 3}, headers=organiser_headers
    )
    listed = client.get(
        f"/api/ceremonies/{ceremony['id']}/registrations", headers=organiser_headers
    ).json
    assert [r["status"] for r in listed] == ["confirmed"] * 3


def test_capacity_below_confirmed_seats_is_refused(client, ceremony, organiser_headers):
    register(client, ceremony["id"], "a@example.org")
    register(client, ceremony["id"], "b@example.org")
    response = client.patch(
        f"/api/ceremonies/{ceremony['id']}", json={"capacity": 1}, headers=organiser_headers
    )
    assert response.status_code == 409
    assert response.json["code"] == "capacity_below_confirmed"
    assert "capacity" in response.json["errors"]


def test_an_organiser_token_bound_to_another_ceremony_may_not_patch(client, ceremony, signer):
    other = signer.issue_token("organiser", ceremony_id="00000000-0000-0000-0000-000000000001")
    response = client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"title": "X"},
        headers={"Authorization": f"Bearer {other}"},
    )
    assert response.status_code == 403


def test_openapi_document_lists_the_contract(client):
    spec = client.get("/api/openapi.json").json
    assert "/api/ceremonies/{ceremony_id}/registrations" in spec["paths"]
    assert "/api/registrations/{registration_id}/cancel" in spec["paths"]


def test_api_docs_are_served_without_internet(client):
    page = client.get("/api/docs")
    assert page.status_code == 200
    assert b"/api/docs-assets/" in page.data
    asset = client.get("/api/docs-assets/swagger-ui-bundle.js")
    assert asset.status_code == 200
    asset.close()


def test_a_token_bound_to_one_ceremony_cannot_create_another(client, signer, ceremony):
    bound = signer.issue_token("organiser", ceremony_id=ceremony["id"])
    response = client.post(
        "/api/ceremonies", json=ceremony_body(), headers={"Authorization": f"Bearer {bound}"}
    )
    assert (response.status_code, response.json["code"]) == (403, "token_bound_to_ceremony")
    assert len(client.get("/api/ceremonies").json) == 1


def test_the_protocol_contact_is_shown_to_organisers_only(client, ceremony, organiser_headers):
    url = f"/api/ceremonies/{ceremony['id']}"
    assert ceremony["protocol_contact_email"] == "protocol@example.org"
    assert client.get(url, headers=organiser_headers).json["protocol_contact_email"] == (
        "protocol@example.org"
    )
    assert client.get(url).json["protocol_contact_email"] is None
    assert [c["protocol_contact_email"] for c in client.get("/api/ceremonies").json] == [None]
