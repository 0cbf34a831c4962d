"""The privacy notice: shown on the form, agreed to with its time; needs only with a notice."""

from __future__ import annotations

import re

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
