"""The notifications service's audit trail: who resent an email by hand, who sent an
announcement, read through its API and CSV."""

from __future__ import annotations

import csv
import io
import json
import uuid

import pytest

ADA_KEY = str(uuid.uuid4())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def ada(signer, service) -> dict[str, str]:
    """An organiser's API key for the ceremony, named Ada."""
    token = signer.issue_token(
        "organiser", ceremony_id=str(service.ceremony_id), name="Ada", credential_id=ADA_KEY
    )
    return bearer(token)


@pytest.fixture
def sent(service):
    """A confirmed guest, emailed."""
    guest = service.confirm(email="amina.diallo@example.org", full_name="Amina Diallo")
    service.deliver()
    return guest


def trail(client, ceremony_id, headers, **filters) -> list[dict]:
    response = client.get(
        f"/api/ceremonies/{ceremony_id}/emails/audit", query_string=filters, headers=headers
    )
    assert response.status_code == 200, response.json
    return response.json


def announce(client, headers, ceremony_id, **body):
    body = {"subject": "Dress code", "body": "Business attire.", **body}
    return client.post(f"/api/ceremonies/{ceremony_id}/announcements", json=body, headers=headers)


def test_a_resent_email_says_who_resent_it_and_as_what(client, ada, service, sent):
    original = service.log(template="confirmation")[0]
    resent = client.post(f"/api/deliveries/{original.id}/resend", headers=ada)
    assert resent.status_code == 202
    [entry] = trail(client, service.ceremony_id, ada)
    assert entry["action"] == "delivery.resent"
    assert entry["actor"] == {
        "kind": "apikey",
        "id": ADA_KEY,
        "name": "Ada",
        "address": "127.0.0.1",
    }
    assert (entry["subject_type"], entry["subject_id"]) == ("delivery", str(original.id))
    assert entry["before"] == {"status": "sent"}
    assert entry["after"] == {"resent_as": resent.json["id"], "template": "confirmation"}
    assert "amina" not in json.dumps(entry).lower()


def test_a_refused_resend_records_nothing(client, ada, service):
    service.register("waitlisted")
    queued = service.log()[0]
    assert client.post(f"/api/deliveries/{queued.id}/resend", headers=ada).status_code == 409
    assert trail(client, service.ceremony_id, ada) == []


def test_an_announcement_says_who_sent_what_to_how_many(client, ada, service, sent):
    response = announce(client, ada, service.ceremony_id, categories=["guest", "press"])
    assert response.status_code == 201
    [entry] = trail(client, service.ceremony_id, ada)
    assert (entry["action"], entry["actor"]["name"]) == ("announcement.sent", "Ada")
    assert (entry["subject_type"], entry["subject_id"]) == ("announcement", response.json["id"])
    assert entry["after"] == {
        "subject": "Dress code",
        "categories": ["guest", "press"],
        "statuses": ["confirmed"],
        "recipients": 1,
    }


def test_entries_are_newest_first_and_filter(client, signer, ada, service, sent):
    original = service.log(template="confirmation")[0]
    client.post(f"/api/deliveries/{original.id}/resend", headers=ada)
    admin = bearer(signer.issue_token("admin", name="Root"))
    announced = announce(client, admin, service.ceremony_id).json
    everything = trail(client, service.ceremony_id, ada)
    assert [e["action"] for e in everything] == ["announcement.sent", "delivery.resent"]
    assert [e["action"] for e in trail(client, service.ceremony_id, ada, actor="Root")] == [
        "announcement.sent"
    ]
    assert [e["action"] for e in trail(client, service.ceremony_id, ada, actor=ADA_KEY)] == [
        "delivery.resent"
    ]
    by_subject = trail(client, service.ceremony_id, ada, subject_id=announced["id"])
    assert [e["action"] for e in by_subject] == ["announcement.sent"]
    assert len(trail(client, service.ceremony_id, ada, action="delivery.resent")) == 1
    assert trail(client, service.ceremony_id, ada, until="0001-01-01") == []
    window = {"since": "0001-01-01T00:00:00Z", "until": "9999-12-31T23:59:59"}
    assert len(trail(client, service.ceremony_id, ada, **window)) == 2
    assert trail(client, service.ceremony_id, ada, limit=1, offset=1) == everything[1:]


def test_the_csv_holds_the_entries_filtered(client, ada, service, sent):
    announce(client, ada, service.ceremony_id)
    original = service.log(template="confirmation")[0]
    client.post(f"/api/deliveries/{original.id}/resend", headers=ada)
    response = client.get(
        f"/api/ceremonies/{service.ceremony_id}/emails/audit.csv",
        query_string={"action": "announcement.sent"},
        headers=ada,
    )
    assert (response.status_code, response.mimetype) == (200, "text/csv")
    assert response.headers["Content-Disposition"].startswith("attachment")
    [row] = csv.DictReader(io.StringIO(response.text))
    assert (row["action"], row["actor_kind"], row["actor_id"]) == (
        "announcement.sent",
        "apikey",
        ADA_KEY,
    )
    assert json.loads(row["after"])["recipients"] == 1


@pytest.mark.parametrize("suffix", ["audit", "audit.csv"])
def test_readers_of_the_ceremony_alone_read_the_trail(client, signer, service, suffix):
    url = f"/api/ceremonies/{service.ceremony_id}/emails/{suffix}"
    viewer = bearer(signer.issue_token("viewer", ceremony_id=str(service.ceremony_id)))
    door = bearer(signer.issue_token("door", ceremony_id=str(service.ceremony_id)))
    elsewhere = bearer(signer.issue_token("organiser", ceremony_id=str(uuid.uuid4())))
    assert client.get(url, headers=viewer).status_code == 200
    assert client.get(url, headers=door).status_code == 403
    refused = client.get(url, headers=elsewhere)
    assert (refused.status_code, refused.json["code"]) == (403, "wrong_ceremony")
    assert client.get(url).status_code == 401


def test_the_trail_of_an_unknown_ceremony_is_404(client, organiser_headers, service):
    response = client.get(f"/api/ceremonies/{uuid.uuid4()}/emails/audit", headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (404, "ceremony_not_found")


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "last week"}, "since"),
        ({"until": "9999-12-31T23:59:59-01:00"}, "until"),
        ({"limit": "0"}, "limit"),
        ({"offset": "x"}, "offset"),
        ({"action": ""}, "action"),
    ],
)
def test_a_bad_filter_is_422_naming_it(client, ada, service, query, field):
    response = client.get(
        f"/api/ceremonies/{service.ceremony_id}/emails/audit.csv", query_string=query, headers=ada
    )
    assert (response.status_code, list(response.json["errors"]["query"])) == (422, [field])
