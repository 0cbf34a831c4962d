"""Erasure events: the badges service forgets who a person was, and keeps its counts."""

from __future__ import annotations

from sqlalchemy import select

from services.badges.models import checkins, registrations
from shared.contract import email_digest
from shared.events import make_envelope
from tests.badges.fixtures import bearer, get_badge


def scan(client, signer, ceremony_id, code, nonce):
    headers = bearer(signer.issue_token("staff", ceremony_id=str(ceremony_id)))
    return client.post("/api/checkins", json={"code": code, "nonce": nonce}, headers=headers)


def test_an_erased_person_is_forgotten_and_old_events_do_not_bring_them_back(
    feed, database, ceremony_id, client, organiser_headers
):
    registration_id = feed.confirm(ceremony_id, full_name="Ada Lovelace")
    feed.cancel(registration_id)
    erased = make_envelope(
        "registration.erased",
        {
            "registration_id": registration_id,
            "ceremony_id": ceremony_id,
            "email_digest": email_digest("ada@example.org"),
        },
        "registration",
    )
    feed.deliver(erased)
    # A late copy of an earlier event changes nothing.
    feed.deliver(feed.last_by_registration[registration_id])
    with database.transaction() as session:
        row = session.execute(
            select(registrations).where(registrations.c.id == registration_id)
        ).one()
    assert (row.full_name, row.email, row.organisation) == ("", "", None)
    assert row.status == "cancelled"


def test_a_purged_ceremony_keeps_its_counts_and_no_names(
    feed, database, ceremony_id, client, signer, organiser_headers
):
    registration_id = feed.confirm(ceremony_id, full_name="Li Wei", category="dignitary")
    code = get_badge(client, organiser_headers, registration_id)["code"]
    assert scan(client, signer, ceremony_id, code, "n1").status_code == 201
    feed.deliver(make_envelope("ceremony.purged", {"ceremony_id": ceremony_id}, "registration"))

    with database.transaction() as session:
        names = session.execute(select(registrations.c.full_name)).scalars().all()
        answers = session.execute(select(checkins.c.response)).scalars().all()
    assert names == [""]
    assert answers == [{"result": "admitted"}]
    attendance = client.get(
        f"/api/ceremonies/{ceremony_id}/attendance", headers=organiser_headers
    ).json
    assert (attendance["registered"], attendance["admitted"]) == (1, 1)
