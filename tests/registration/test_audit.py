"""The registration service's audit trail: who changed what, read through its API and CSV.

Every change goes through the HTTP API (or a guest's page) with a named API key or as a
guest; the trail then says who, what, and the fields before and after, never a guest's name
or address.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import datetime, timedelta

import pytest

from services.registration.models import RegistrationRequest
from tests.integration.conftest import postgres_databases  # noqa: F401 - a fixture
from tests.registration.conftest import ceremony_body, register

ADA_KEY = str(uuid.uuid4())


@pytest.fixture
def admin(signer) -> dict[str, str]:
    return bearer(signer.issue_token("admin", name="Root"))


@pytest.fixture
def ceremony(client, admin) -> dict:
    response = client.post("/api/ceremonies", json=ceremony_body(), headers=admin)
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def ada(signer, ceremony) -> dict[str, str]:
    """An organiser's API key for the ceremony, named Ada."""
    return bearer(
        signer.issue_token(
            "organiser", ceremony_id=ceremony["id"], name="Ada", credential_id=ADA_KEY
        )
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def trail(client, ceremony_id, headers, **filters) -> list[dict]:
    response = client.get(
        f"/api/ceremonies/{ceremony_id}/audit", query_string=filters, headers=headers
    )
    assert response.status_code == 200, response.json
    return response.json


def actions(entries: list[dict]) -> list[str]:
    return [entry["action"] for entry in entries]


def only(client, ceremony_id, headers, action: str) -> dict:
    [entry] = trail(client, ceremony_id, headers, action=action)
    return entry


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


def test_creating_a_ceremony_is_recorded_with_who_did_it(client, ceremony, admin):
    entry = only(client, ceremony["id"], admin, "ceremony.created")
    assert entry["actor"]["kind"] == "apikey"
    assert entry["actor"]["name"] == "Root"
    assert (entry["subject_type"], entry["subject_id"]) == ("ceremony", ceremony["id"])
    assert entry["before"] is None
    assert (entry["after"]["title"], entry["after"]["capacity"]) == ("Closing Ceremony", 2)


def test_a_change_keeps_only_the_fields_that_changed(client, ceremony, ada):
    patched = client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"capacity": 5, "title": "Closing Ceremony 2025", "timezone": "Europe/Paris"},
        headers=ada,
    )
    assert patched.status_code == 200, patched.json
    entry = only(client, ceremony["id"], ada, "ceremony.updated")
    assert entry["actor"] == {
        "kind": "apikey",
        "id": ADA_KEY,
        "name": "Ada",
        "address": "127.0.0.1",
    }
    assert entry["before"] == {"capacity": 2, "title": "Closing Ceremony"}
    assert entry["after"] == {"capacity": 5, "title": "Closing Ceremony 2025"}


def test_the_protocol_contacts_address_is_withheld(client, ceremony, ada, admin):
    client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"protocol_contact_email": "office@example.org"},
        headers=ada,
    )
    entry = only(client, ceremony["id"], ada, "ceremony.updated")
    assert entry["before"] == {"protocol_contact_email": "(withheld)"}
    assert entry["after"] == {"protocol_contact_email": "(withheld)"}
    created = only(client, ceremony["id"], ada, "ceremony.created")
    assert created["after"]["protocol_contact_email"] == "(withheld)"
    csv_text = client.get(f"/api/ceremonies/{ceremony['id']}/audit.csv", headers=admin).text
    assert "example.org" not in json.dumps(trail(client, ceremony["id"], admin)) + csv_text


def test_a_refused_change_records_nothing(client, ceremony, ada):
    register(client, ceremony["id"], "ada@example.org")
    register(client, ceremony["id"], "bo@example.org")
    refused = client.patch(f"/api/ceremonies/{ceremony['id']}", json={"capacity": 1}, headers=ada)
    assert refused.status_code == 409
    assert trail(client, ceremony["id"], ada, action="ceremony.updated") == []


def test_staff_and_guests_registering_are_told_apart(client, ceremony, ada):
    by_staff = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Li Wei", "email": "li@example.org", "category": "dignitary"},
        headers=ada,
    ).json
    by_guest = register(client, ceremony["id"], "amina@example.org", full_name="Amina").json
    staff = only(client, ceremony["id"], ada, "registration.added_by_staff")
    guest = only(client, ceremony["id"], ada, "registration.created")
    assert (staff["subject_id"], staff["actor"]["name"]) == (by_staff["id"], "Ada")
    assert staff["after"] == {"status": "confirmed", "category": "dignitary", "reserved": True}
    assert guest["subject_id"] == by_guest["id"]
    assert guest["actor"] == {"kind": "guest", "id": None, "name": None, "address": "127.0.0.1"}
    assert guest["after"] == {"status": "confirmed", "category": "guest", "reserved": False}


def test_a_guest_registering_on_the_page_is_the_guest(client, ceremony, ada):
    form = {"full_name": "Amina Diallo", "email": "amina@example.org"}
    assert client.post(f"/ceremonies/{ceremony['id']}/register", data=form).status_code == 303
    entry = only(client, ceremony["id"], ada, "registration.created")
    assert entry["actor"]["kind"] == "guest"
    assert "Amina" not in json.dumps(entry)


def test_a_cancellation_by_the_guests_link_is_the_guests(client, ceremony, ada):
    created = register(client, ceremony["id"], "ada@example.org").json
    capability = created["manage_url"].rsplit("/", 1)[1]
    cancelled = client.post(
        f"/api/registrations/{created['id']}/cancel", headers=bearer(capability)
    )
    assert cancelled.status_code == 200
    entry = only(client, ceremony["id"], ada, "registration.cancelled")
    assert (entry["actor"]["kind"], entry["actor"]["id"]) == ("guest", None)
    assert (entry["before"], entry["after"]) == ({"status": "confirmed"}, {"status": "cancelled"})


def test_a_cancellation_by_staff_names_who_was_promoted(client, ceremony, ada):
    first = register(client, ceremony["id"], "a@example.org").json
    register(client, ceremony["id"], "b@example.org")
    waiting = register(client, ceremony["id"], "c@example.org").json
    assert waiting["status"] == "waitlisted"
    client.post(f"/api/registrations/{first['id']}/cancel", headers=ada)
    entry = only(client, ceremony["id"], ada, "registration.cancelled")
    assert (entry["actor"]["name"], entry["subject_id"]) == ("Ada", first["id"])
    assert entry["after"] == {"status": "cancelled", "promoted": [waiting["id"]]}


def test_a_cancellation_on_the_guests_page_is_the_guests(client, ceremony, ada):
    created = register(client, ceremony["id"], "ada@example.org").json
    response = client.post(path_of(created["manage_url"]) + "/cancel", data={})
    assert response.status_code == 303
    entry = only(client, ceremony["id"], ada, "registration.cancelled")
    assert entry["actor"]["kind"] == "guest"


def test_an_erasure_is_recorded_without_the_person(client, ceremony, ada, admin):
    created = register(
        client, ceremony["id"], "ada.lovelace@example.org", full_name="Ada Lovelace"
    ).json
    erased = client.post(f"/api/registrations/{created['id']}/erase", headers=ada)
    assert erased.status_code == 200
    entries = trail(client, ceremony["id"], ada, subject_id=created["id"])
    assert actions(entries) == [
        "registration.erased",
        "registration.cancelled",
        "registration.created",
    ]
    assert entries[0]["actor"]["name"] == "Ada"
    assert entries[0]["after"] == {"erased": True, "invitations": [], "requests_removed": 0}
    # What the guest did no longer says where from.
    assert entries[2]["actor"]["address"] is None
    csv_text = client.get(f"/api/ceremonies/{ceremony['id']}/audit.csv", headers=admin).text
    everything = json.dumps(trail(client, ceremony["id"], admin)) + csv_text
    assert "Lovelace" not in everything and "ada.lovelace" not in everything


def test_a_purge_is_recorded_and_forgets_where_guests_acted_from(app, client, ceremony, ada):
    from services.registration.privacy import purge_ceremony

    register(client, ceremony["id"], "ada@example.org")
    with app.extensions["ceremony"].database.transaction() as session:
        purge_ceremony(session, uuid.UUID(ceremony["id"]))
    entries = trail(client, ceremony["id"], ada)
    purged = entries[0]
    assert (purged["action"], purged["actor"]["kind"]) == ("ceremony.purged", "system")
    assert purged["after"] == {"registrations": 1, "invitations": 0, "requests": 0}
    assert [e["actor"]["address"] for e in entries if e["actor"]["kind"] == "guest"] == [None]


INVITEES = [
    {"full_name": "H.E. Li Wei", "email": "li@example.org", "category": "dignitary"},
    {"full_name": "Dr Helena Marsh", "email": "helena@example.org", "category": "speaker"},
]


def invite(client, ceremony, headers) -> list[dict]:
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": INVITEES},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    return response.json


def test_each_invitation_created_is_an_entry(client, ceremony, ada):
    invited = invite(client, ceremony, ada)
    entries = trail(client, ceremony["id"], ada, action="invitation.created")
    assert sorted(e["subject_id"] for e in entries) == sorted(i["id"] for i in invited)
    assert {e["after"]["category"] for e in entries} == {"dignitary", "speaker"}
    assert {e["actor"]["name"] for e in entries} == {"Ada"}
    assert "Marsh" not in json.dumps(entries) and "li@example.org" not in json.dumps(entries)


def test_a_reminder_is_recorded(client, ceremony, ada):
    invitation = invite(client, ceremony, ada)[0]
    assert (
        client.post(f"/api/invitations/{invitation['id']}/remind", headers=ada).status_code == 200
    )
    entry = only(client, ceremony["id"], ada, "invitation.reminded")
    assert (entry["subject_id"], entry["before"], entry["after"]) == (
        invitation["id"],
        {"reminders": 0},
        {"reminders": 1},
    )


def test_an_answer_recorded_by_staff_says_so(client, ceremony, ada):
    invitation = invite(client, ceremony, ada)[0]
    answered = client.post(
        f"/api/invitations/{invitation['id']}/answer", json={"answer": "accept"}, headers=ada
    )
    assert answered.status_code == 200
    entry = only(client, ceremony["id"], ada, "invitation.answered_by_staff")
    assert (entry["actor"]["name"], entry["subject_id"]) == ("Ada", invitation["id"])
    assert (entry["before"], entry["after"]) == ({"status": "pending"}, {"answer": "accept"})


def test_an_answer_on_the_rsvp_page_is_the_invitees(client, ceremony, ada):
    invitation = invite(client, ceremony, ada)[0]
    response = client.post(path_of(invitation["rsvp_url"]), data={"answer": "decline"})
    assert response.status_code == 303
    entry = only(client, ceremony["id"], ada, "invitation.answered")
    assert entry["actor"] == {"kind": "guest", "id": None, "name": None, "address": "127.0.0.1"}
    assert entry["after"] == {"answer": "decline"}


def test_the_same_answer_again_records_nothing_more(client, ceremony, ada):
    invitation = invite(client, ceremony, ada)[0]
    client.post(path_of(invitation["rsvp_url"]), data={"answer": "accept"})
    client.post(path_of(invitation["rsvp_url"]), data={"answer": "accept"})
    assert len(trail(client, ceremony["id"], ada, action="invitation.answered")) == 1


@pytest.fixture
def by_approval(client, admin, signer) -> tuple[dict, dict[str, str]]:
    body = ceremony_body(registration_mode="approval")
    made = client.post("/api/ceremonies", json=body, headers=admin).json
    key = signer.issue_token("organiser", ceremony_id=made["id"], name="Ada")
    return made, bearer(key)


def requests_of(app, ceremony_id: str) -> list[str]:
    from sqlalchemy import select

    with app.extensions["ceremony"].database.transaction() as session:
        query = select(RegistrationRequest.id).where(
            RegistrationRequest.ceremony_id == uuid.UUID(ceremony_id)
        )
        return [str(request_id) for request_id in session.scalars(query)]


def test_approving_and_declining_requests_are_recorded(app, client, by_approval):
    made, organiser = by_approval
    register(client, made["id"], "ada@example.org")
    register(client, made["id"], "bo@example.org")
    first, second = sorted(requests_of(app, made["id"]))
    approved = client.post(f"/api/registration-requests/{first}/approve", headers=organiser)
    assert approved.status_code == 201
    client.post(f"/api/registration-requests/{second}/decline", headers=organiser)
    approval = only(client, made["id"], organiser, "registration_request.approved")
    assert (approval["subject_id"], approval["actor"]["name"]) == (first, "Ada")
    assert approval["before"] == {"status": "awaiting_approval"}
    assert approval["after"] == {
        "status": "registered",
        "registration_id": approved.json["id"],
        "registration_status": "confirmed",
    }
    decline = only(client, made["id"], organiser, "registration_request.declined")
    assert (decline["subject_id"], decline["after"]) == (second, {"status": "declined"})
    asked = trail(client, made["id"], organiser, action="registration_request.created")
    assert {e["actor"]["kind"] for e in asked} == {"guest"}


def test_a_request_confirmed_from_the_email_is_the_guests(app, client, admin):
    made = client.post(
        "/api/ceremonies", json=ceremony_body(registration_mode="confirm_email"), headers=admin
    ).json
    register(client, made["id"], "ada@example.org")
    [request_id] = requests_of(app, made["id"])
    with app.extensions["ceremony"].database.transaction() as session:
        expires = session.get(RegistrationRequest, uuid.UUID(request_id)).expires_at
    url = app.extensions["registration.links"].confirm_url(uuid.UUID(request_id), until=expires)
    assert client.post(path_of(url)).status_code == 303
    entry = only(client, made["id"], admin, "registration_request.confirmed")
    assert (entry["actor"]["kind"], entry["subject_id"]) == ("guest", request_id)
    assert entry["before"] == {"status": "awaiting_confirmation"}


def test_entries_are_newest_first_and_filter_by_action_actor_and_subject(client, ceremony, ada):
    created = register(client, ceremony["id"], "ada@example.org").json
    client.post(f"/api/registrations/{created['id']}/cancel", headers=ada)
    everything = trail(client, ceremony["id"], ada)
    assert actions(everything) == [
        "registration.cancelled",
        "registration.created",
        "ceremony.created",
    ]
    assert actions(trail(client, ceremony["id"], ada, actor="Ada")) == ["registration.cancelled"]
    assert actions(trail(client, ceremony["id"], ada, actor=ADA_KEY)) == ["registration.cancelled"]
    assert actions(trail(client, ceremony["id"], ada, subject_id=created["id"])) == [
        "registration.cancelled",
        "registration.created",
    ]
    assert trail(client, ceremony["id"], ada, action="invitation.created") == []


def test_entries_page_with_limit_and_offset(client, ceremony, ada):
    for index in range(3):
        register(client, ceremony["id"], f"guest{index}@example.org")
    everything = trail(client, ceremony["id"], ada)
    assert len(everything) == 4
    page = trail(client, ceremony["id"], ada, limit=2, offset=1)
    assert [e["id"] for e in page] == [e["id"] for e in everything[1:3]]


def test_entries_filter_by_time(client, ceremony, ada):
    entry = only(client, ceremony["id"], ada, "ceremony.created")
    at = datetime.fromisoformat(entry["at"])
    later = (at + timedelta(seconds=1)).isoformat()
    assert trail(client, ceremony["id"], ada, since=at.isoformat()) == [entry]
    assert trail(client, ceremony["id"], ada, since=later) == []
    assert trail(client, ceremony["id"], ada, until=at.isoformat()) == []
    assert trail(client, ceremony["id"], ada, until=later) == [entry]


@pytest.mark.parametrize(
    ("since", "until"),
    [
        ("0001-01-01", "9999-12-31T23:59:59"),
        ("0001-01-01T00:00:00Z", "9999-12-31T23:59:59.999999+00:00"),
        ("0001-01-01T00:00:00-14:00", None),
        (None, "9999-12-31T23:59:59+14:00"),
    ],
)
def test_the_ends_of_the_calendar_are_good_bounds(client, ceremony, ada, since, until):
    filters = {k: v for k, v in {"since": since, "until": until}.items() if v}
    assert actions(trail(client, ceremony["id"], ada, **filters)) == ["ceremony.created"]


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ({"since": "yesterday"}, "since"),
        ({"until": "2025-13-01T00:00:00Z"}, "until"),
        ({"since": "0001-01-01T00:00:00+01:00"}, "since"),
        ({"until": "9999-12-31T23:59:59-01:00"}, "until"),
        ({"since": "2025-01-01T00:00:00+25:00"}, "since"),
        ({"since": "2025-06-02T00:00:00Z", "until": "2025-06-01T00:00:00Z"}, "until"),
        ({"limit": "0"}, "limit"),
        ({"limit": "1001"}, "limit"),
        ({"limit": "many"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"action": "x" * 65}, "action"),
        ({"actor": ""}, "actor"),
        ({"actor": "Ada\x00"}, "actor"),
        ({"subject_id": "s" * 65}, "subject_id"),
    ],
)
@pytest.mark.parametrize("suffix", ["audit", "audit.csv"])
def test_a_bad_filter_is_422_naming_it(client, ceremony, ada, query, field, suffix):
    response = client.get(
        f"/api/ceremonies/{ceremony['id']}/{suffix}", query_string=query, headers=ada
    )
    assert response.status_code == 422, response.data
    assert list(response.json["errors"]["query"]) == [field]


def test_the_csv_holds_the_same_entries_filtered(client, ceremony, ada):
    created = register(client, ceremony["id"], "ada@example.org").json
    client.post(f"/api/registrations/{created['id']}/cancel", headers=ada)
    response = client.get(
        f"/api/ceremonies/{ceremony['id']}/audit.csv",
        query_string={"subject_id": created["id"]},
        headers=ada,
    )
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert [(r["action"], r["actor_kind"], r["actor_name"]) for r in rows] == [
        ("registration.cancelled", "apikey", "Ada"),
        ("registration.created", "guest", ""),
    ]
    assert json.loads(rows[0]["before"]) == {"status": "confirmed"}
    assert rows[0]["actor_id"] == ADA_KEY


def test_a_viewer_reads_the_trail(client, signer, ceremony):
    viewer = bearer(signer.issue_token("viewer", ceremony_id=ceremony["id"]))
    assert client.get(f"/api/ceremonies/{ceremony['id']}/audit", headers=viewer).status_code == 200
    csv_response = client.get(f"/api/ceremonies/{ceremony['id']}/audit.csv", headers=viewer)
    assert csv_response.status_code == 200


@pytest.mark.parametrize("suffix", ["audit", "audit.csv"])
def test_who_may_not_read_the_trail(client, signer, ceremony, suffix):
    url = f"/api/ceremonies/{ceremony['id']}/{suffix}"
    door = bearer(signer.issue_token("door", ceremony_id=ceremony["id"]))
    elsewhere = bearer(signer.issue_token("organiser", ceremony_id=str(uuid.uuid4())))
    assert client.get(url, headers=door).status_code == 403
    refused = client.get(url, headers=elsewhere)
    assert (refused.status_code, refused.json["code"]) == (403, "wrong_ceremony")
    assert client.get(url).status_code == 401


def test_the_trail_of_an_unknown_ceremony_is_404(client, admin):
    response = client.get(f"/api/ceremonies/{uuid.uuid4()}/audit", headers=admin)
    assert (response.status_code, response.json["code"]) == (404, "ceremony_not_found")
    assert client.get(f"/api/ceremonies/{uuid.uuid4()}/audit.csv", headers=admin).status_code == 404


def test_the_endpoints_are_documented(client):
    spec = client.get("/api/openapi.json").json
    listed = spec["paths"]["/api/ceremonies/{ceremony_id}/audit"]["get"]
    assert {p["name"] for p in listed["parameters"]} >= {
        "action",
        "actor",
        "subject_id",
        "since",
        "until",
        "limit",
        "offset",
    }
    assert (
        "text/csv"
        in spec["paths"]["/api/ceremonies/{ceremony_id}/audit.csv"]["get"]["responses"]["200"][
            "content"
        ]
    )
    entry = spec["components"]["schemas"]["AuditEntry"]["properties"]
    assert entry["actor"] and entry["before"]["description"]


def test_another_ceremonys_trail_shows_none_of_this_ones(client, ceremony, ada, admin):
    other = client.post("/api/ceremonies", json=ceremony_body(title="Other"), headers=admin).json
    invite(client, ceremony, ada)
    assert actions(trail(client, other["id"], admin)) == ["ceremony.created"]


@pytest.mark.integration
def test_on_postgresql_a_public_registration_writes_its_entry_in_the_same_statement(
    tmp_path,
    postgres_databases,  # noqa: F811 - the fixture imported above
    admin,
):
    """PostgreSQL registers the public in one statement: the entry is written by it too, with
    the status the statement decided."""
    from services.registration.app import create_app
    from services.registration.service import SERVICE
    from tests.conftest import make_settings, migrated

    database_url = postgres_databases(f"audit_{uuid.uuid4().hex[:8]}")
    settings = migrated(
        SERVICE, make_settings("registration", tmp_path / "pg", database_url=database_url)
    )
    app = create_app(settings)
    try:
        client = app.test_client()
        made = client.post("/api/ceremonies", json=ceremony_body(capacity=1), headers=admin).json
        seated = register(client, made["id"], "ada@example.org").json
        waiting = register(client, made["id"], "bo@example.org").json
        assert register(client, made["id"], "ADA@example.org").status_code == 409
        staff = client.post(
            f"/api/ceremonies/{made['id']}/registrations",
            json={"full_name": "Li Wei", "email": "li@example.org", "category": "dignitary"},
            headers=admin,
        ).json
        entries = trail(client, made["id"], admin, action="registration.created")
        assert [(e["subject_id"], e["after"]["status"]) for e in entries] == [
            (waiting["id"], "waitlisted"),
            (seated["id"], "confirmed"),
        ]
        assert entries[0]["actor"] == {
            "kind": "guest",
            "id": None,
            "name": None,
            "address": "127.0.0.1",
        }
        assert entries[0]["after"] == {
            "status": "waitlisted",
            "category": "guest",
            "reserved": False,
        }
        [added] = trail(client, made["id"], admin, action="registration.added_by_staff")
        assert (added["subject_id"], added["actor"]["name"]) == (staff["id"], "Root")
    finally:
        app.extensions["ceremony"].database.dispose()
