"""The privacy notice: shown on the form, agreed to with its time; needs only with a notice."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.registration.conftest import ceremony_body, register

NOTICE = "We keep your name and needs until 30 days after the ceremony.\nContact: dpo@example.org"


@pytest.fixture
def noticed(client, organiser_headers) -> dict:
    body = ceremony_body(privacy_notice=NOTICE)
    return client.post("/api/ceremonies", json=body, headers=organiser_headers).json


def test_a_ceremony_with_a_notice_records_consent_and_its_time(client, noticed):
    refused = register(client, noticed["id"], "ada@example.org")
    assert (refused.status_code, refused.json["code"]) == (422, "consent_required")
    assert "consent" in refused.json["errors"]
    accepted = register(
        client, noticed["id"], "ada@example.org", consent=True, needs="Wheelchair access"
    )
    assert accepted.status_code == 201, accepted.json
    assert accepted.json["consent_at"] is not None
    assert accepted.json["needs"] == "Wheelchair access"


def test_without_a_notice_needs_are_not_asked(client, ceremony, organiser_headers):
    refused = register(client, ceremony["id"], "ada@example.org", needs="Vegetarian")
    assert (refused.status_code, refused.json["code"]) == (422, "needs_without_notice")
    assert "needs" in refused.json["errors"]
    by_organiser = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Li Wei", "email": "li@example.org", "needs": "Vegetarian"},
        headers=organiser_headers,
    )
    assert by_organiser.status_code == 201
    assert by_organiser.json["consent_at"] is None


def test_the_form_shows_the_notice_and_asks_for_needs_only_with_it(client, ceremony, noticed):
    with_notice = client.get(f"/ceremonies/{noticed['id']}/register").get_data(as_text=True)
    assert "dpo@example.org" in with_notice
    assert 'name="consent"' in with_notice and 'name="needs"' in with_notice
    without = client.get(f"/ceremonies/{ceremony['id']}/register").get_data(as_text=True)
    assert 'name="consent"' not in without and 'name="needs"' not in without


def test_the_form_keeps_what_was_typed_and_says_consent_is_missing(client, noticed):
    response = client.post(
        f"/ceremonies/{noticed['id']}/register",
        data={"full_name": "Ada Guest", "email": "ada@example.org", "needs": "Step-free"},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert re.search(r'id="consent-error">Please agree to the privacy notice', page)
    assert 'value="Ada Guest"' in page and "Step-free</textarea>" in page
    agreed = client.post(
        f"/ceremonies/{noticed['id']}/register",
        data={"full_name": "Ada Guest", "email": "ada@example.org", "consent": "yes"},
    )
    assert agreed.status_code == 303


def manage_path(created: dict) -> str:
    return "/" + created["manage_url"].split("/", 3)[3]


def outbox_events(app, event_type: str) -> list[dict]:
    import json

    from sqlalchemy import select

    from services.registration.models import outbox

    with app.extensions["ceremony"].database.transaction() as session:
        bodies = session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        return [e["data"] for e in map(json.loads, bodies) if e["type"] == event_type]


def test_a_guest_downloads_what_is_kept_about_them(client, noticed):
    created = register(
        client, noticed["id"], "ada@example.org", consent=True, needs="Step-free access"
    ).json
    response = client.get(manage_path(created) + "/data.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"].startswith("attachment")
    data = response.json
    assert data["registration"]["email"] == "ada@example.org"
    assert data["registration"]["needs"] == "Step-free access"
    assert data["registration"]["consent_at"] == created["consent_at"]
    assert data["ceremony"]["privacy_notice"] == NOTICE
    page = client.get(manage_path(created)).get_data(as_text=True)
    assert "/data.json" in page


def test_an_organiser_erases_a_person_everywhere(app, client, ceremony, organiser_headers):
    from shared.contract import email_digest

    created = register(client, ceremony["id"], "ada@example.org", full_name="Ada Lovelace").json
    erased = client.post(f"/api/registrations/{created['id']}/erase", headers=organiser_headers)
    assert erased.status_code == 200
    assert (erased.json["status"], erased.json["full_name"], erased.json["email"]) == (
        "cancelled",
        "",
        "",
    )
    [event] = outbox_events(app, "registration.erased")
    assert event == {
        "registration_id": created["id"],
        "ceremony_id": ceremony["id"],
        "email_digest": email_digest("ada@example.org"),
    }
    # The seat is free again, and the address may register anew.
    assert register(client, ceremony["id"], "ada@example.org").status_code == 201
    data = client.get(manage_path(created) + "/data.json").json
    assert data["registration"]["full_name"] == ""
    # Nor does the console's search key keep the folded name and address.
    from services.registration.models import Registration

    with app.extensions["ceremony"].database.transaction() as session:
        assert session.get(Registration, uuid.UUID(created["id"])).search_key is None


def test_erasing_needs_an_organiser_of_the_ceremony(client, ceremony, signer):
    created = register(client, ceremony["id"], "ada@example.org").json
    url = f"/api/registrations/{created['id']}/erase"
    guest = {"Authorization": f"Bearer {created['manage_url'].rsplit('/', 1)[1]}"}
    assert client.post(url, headers=guest).status_code == 401
    import uuid

    other = signer.issue_token("organiser", ceremony_id=str(uuid.uuid4()))
    assert client.post(url, headers={"Authorization": f"Bearer {other}"}).status_code == 403


def test_a_ceremony_past_its_retention_is_erased_keeping_counts(app, client, organiser_headers):
    from datetime import UTC, datetime, timedelta

    from sqlalchemy import select, update

    from services.registration.models import Ceremony, Registration
    from services.registration.service import SERVICE

    body = ceremony_body(retention_days=30)
    ceremony = client.post("/api/ceremonies", json=body, headers=organiser_headers).json
    register(client, ceremony["id"], "ada@example.org", full_name="Ada Lovelace")
    register(client, ceremony["id"], "bo@example.org", full_name="Bo Chen")
    settings = app.extensions["ceremony"].settings
    database = app.extensions["ceremony"].database
    assert SERVICE.purge(settings, database, dry_run=True) == []
    ended = datetime.now(UTC) - timedelta(days=31)
    with database.transaction() as session:
        session.execute(
            update(Ceremony).values(starts_at=ended - timedelta(hours=2), ends_at=ended)
        )
    [line] = SERVICE.purge(settings, database, dry_run=True)
    assert "would erase 2 registration(s)" in line
    with database.transaction() as session:
        assert {r.full_name for r in session.scalars(select(Registration))} == {
            "Ada Lovelace",
            "Bo Chen",
        }
    [line] = SERVICE.purge(settings, database)
    assert "erased 2 registration(s)" in line
    with database.transaction() as session:
        people = list(session.scalars(select(Registration)))
    assert [(r.full_name, r.email, r.category) for r in people] == [("", "", "guest")] * 2
    assert outbox_events(app, "ceremony.purged") == [{"ceremony_id": ceremony["id"]}]
    assert SERVICE.purge(settings, database) == []
