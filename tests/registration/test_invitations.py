"""Invitations: invite, import from CSV, remind, answer by RSVP page or by phone."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from services.registration.models import outbox
from tests.registration.conftest import ceremony_body, register

INVITEES = [
    {
        "full_name": "Amina Diallo",
        "email": "sg@example.org",
        "honorific": "H.E.",
        "language": "fr",
        "precedence": 1,
        "job_title": "Secretary General",
    },
    {
        "full_name": "Li Wei",
        "email": "cg@example.org",
        "honorific": "H.E.",
        "language": "zh",
        "precedence": 2,
    },
    {
        "full_name": "Helen Marsh",
        "email": "dg@example.org",
        "honorific": "Dr",
        "language": "en",
        "category": "speaker",
        "precedence": 3,
    },
]


def events(app, event_type: str) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        bodies = session.execute(select(outbox.c.body).order_by(outbox.c.id)).scalars()
        return [e for e in map(json.loads, bodies) if e["type"] == event_type]


def invite(client, ceremony, headers, invitees=INVITEES):
    return client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": invitees},
        headers=headers,
    )


def rsvp_path(app, invitation_id: str) -> str:
    """The path of the invitee's RSVP link, as the invitation's email gives it."""
    import uuid

    from services.registration.models import Ceremony, Invitation

    with app.extensions["ceremony"].database.transaction() as session:
        invitation = session.get(Invitation, uuid.UUID(invitation_id))
        ends_at = session.get(Ceremony, invitation.ceremony_id).ends_at
    url = app.extensions["registration.links"].rsvp_url(invitation.id, until=ends_at)
    return "/" + url.split("/", 3)[3]


def test_invitations_are_created_pending_with_an_rsvp_link_each(
    app, client, ceremony, organiser_headers
):
    response = invite(client, ceremony, organiser_headers)
    assert response.status_code == 201
    assert [i["status"] for i in response.json] == ["pending"] * 3
    created = events(app, "invitation.created")
    assert [e["data"]["language"] for e in created] == ["fr", "zh", "en"]
    # Events carry ids: the RSVP link is made where the email is written.
    assert all("rsvp_url" not in e["data"] for e in created)


def test_the_list_is_in_protocol_order(client, ceremony, organiser_headers):
    invite(client, ceremony, organiser_headers, list(reversed(INVITEES)))
    listed = client.get(
        f"/api/ceremonies/{ceremony['id']}/invitations", headers=organiser_headers
    ).json
    assert [i["precedence"] for i in listed] == [1, 2, 3]


def test_inviting_the_same_person_twice_invites_no_one(client, ceremony, organiser_headers):
    invite(client, ceremony, organiser_headers, INVITEES[:1])
    response = invite(client, ceremony, organiser_headers, INVITEES)
    assert response.status_code == 409
    assert response.json["errors"]["invitees"]["0"]["email"]
    listed = client.get(
        f"/api/ceremonies/{ceremony['id']}/invitations", headers=organiser_headers
    ).json
    assert len(listed) == 1


def test_get_on_the_rsvp_link_changes_nothing(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json[0]
    before = len(json.dumps(events(app, "invitation.accepted")))
    page = client.get(rsvp_path(app, created["id"]))
    assert page.status_code == 200
    assert "Accepter" in page.get_data(as_text=True)  # the invitee's language
    assert (
        client.get(f"/api/invitations/{created['id']}", headers=organiser_headers).json["status"]
        == "pending"
    )
    assert len(json.dumps(events(app, "invitation.accepted"))) == before


def test_accepting_gives_a_confirmed_protocol_seat_even_when_the_ceremony_is_full(
    app, client, ceremony, organiser_headers
):
    register(client, ceremony["id"], "a@example.org")
    register(client, ceremony["id"], "b@example.org")  # capacity 2: full
    created = invite(client, ceremony, organiser_headers).json[0]
    response = client.post(rsvp_path(app, created["id"]), data={"answer": "accept"})
    assert response.status_code == 303
    invitation = client.get(f"/api/invitations/{created['id']}", headers=organiser_headers).json
    assert invitation["status"] == "accepted"
    assert invitation["answered_by"] == "invitee"
    registration = client.get(
        f"/api/registrations/{invitation['registration_id']}", headers=organiser_headers
    ).json
    assert (registration["status"], registration["category"], registration["reserved"]) == (
        "confirmed",
        "dignitary",
        True,
    )
    confirmed = events(app, "registration.confirmed")[-1]["data"]
    assert confirmed["registration_id"] == invitation["registration_id"]


def test_the_organisers_registration_list_is_in_protocol_order(
    app, client, ceremony, organiser_headers
):
    register(client, ceremony["id"], "public@example.org", full_name="Ada Guest")
    created = invite(client, ceremony, organiser_headers).json
    # Answers come in out of protocol order: the third, then the first.
    for invitation in (created[2], created[0]):
        client.post(rsvp_path(app, invitation["id"]), data={"answer": "accept"})

    listed = client.get(
        f"/api/ceremonies/{ceremony['id']}/registrations", headers=organiser_headers
    ).json
    assert [r["email"] for r in listed] == [
        "sg@example.org",
        "dg@example.org",
        "public@example.org",
    ]


def test_the_rsvp_page_opened_from_a_buttons_link_focuses_that_answer(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers).json[0]
    page = client.get(rsvp_path(app, created["id"]) + "?answer=decline").get_data(as_text=True)
    assert re.search(r'<button class="secondary" type="submit" name="decline" autofocus>', page)
    assert (
        client.get(f"/api/invitations/{created['id']}", headers=organiser_headers).json["status"]
        == "pending"
    )


def test_declining_is_recorded_and_frees_the_protocol_seat(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers).json[0]
    client.post(rsvp_path(app, created["id"]), data={"answer": "accept"})
    client.post(rsvp_path(app, created["id"]), data={"answer": "decline"})
    invitation = client.get(f"/api/invitations/{created['id']}", headers=organiser_headers).json
    assert invitation["status"] == "declined"
    assert (
        events(app, "registration.cancelled")[-1]["data"]["registration_id"]
        == invitation["registration_id"]
    )


def test_an_organiser_records_an_answer_given_by_phone(client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json[1]
    response = client.post(
        f"/api/invitations/{created['id']}/answer",
        json={"answer": "decline"},
        headers=organiser_headers,
    )
    assert (response.json["status"], response.json["answered_by"]) == ("declined", "organiser")


def test_a_reminder_concerns_only_the_chosen_invitee(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json
    response = client.post(f"/api/invitations/{created[1]['id']}/remind", headers=organiser_headers)
    assert response.status_code == 200
    reminded = events(app, "invitation.reminded")
    assert [e["data"]["email"] for e in reminded] == ["cg@example.org"]


def test_a_tampered_rsvp_token_gets_a_clear_page(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json[0]
    path = rsvp_path(app, created["id"])
    tampered = path[:-3] + ("AAA" if not path.endswith("AAA") else "BBB")
    for response in (client.get(tampered), client.post(tampered, data={"answer": "accept"})):
        assert response.status_code == 404
        assert "not valid" in response.get_data(as_text=True)


def test_an_expired_rsvp_token_gets_a_clear_page(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json[0]
    signer = app.extensions["registration.links"].signer
    expired = signer.issue_capability("rsvp", created["id"], ttl_seconds=-1)
    response = client.get(f"/rsvp/{expired}")
    assert response.status_code == 410
    assert "expired" in response.get_data(as_text=True)


def test_a_bad_answer_gets_the_page_again_with_a_message(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json[0]
    response = client.post(rsvp_path(app, created["id"]), data={"answer": "maybe"})
    assert response.status_code == 422
    assert re.search(r'role="alert">Veuillez choisir', response.get_data(as_text=True))


def test_answers_close_when_the_ceremony_starts(app, client, organiser_headers):
    started = datetime.now(UTC) - timedelta(minutes=5)
    ceremony = client.post(
        "/api/ceremonies",
        json=ceremony_body(
            starts_at=started.isoformat(), ends_at=(started + timedelta(hours=2)).isoformat()
        ),
        headers=organiser_headers,
    ).json
    created = invite(client, ceremony, organiser_headers).json[0]
    path = rsvp_path(app, created["id"])
    assert "Accepter" not in client.get(path).get_data(as_text=True)  # no buttons any more
    assert client.post(path, data={"answer": "accept"}).status_code == 409


def test_a_csv_with_one_bad_row_imports_nothing_and_names_the_row(
    client, ceremony, organiser_headers
):
    csv_text = (
        "full_name,email,honorific,language,precedence\n"
        "Amina Diallo,sg@example.org,H.E.,fr,1\n"
        "Li Wei,not-an-email,H.E.,zh,2\n"
        "Helen Marsh,dg@example.org,Dr,en,first\n"
    )
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        data=csv_text.encode(),
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert response.json["code"] == "invalid_csv"
    assert set(response.json["errors"]["rows"]) == {"3", "4"}
    assert "email" in response.json["errors"]["rows"]["3"]
    assert "precedence" in response.json["errors"]["rows"]["4"]
    listed = client.get(
        f"/api/ceremonies/{ceremony['id']}/invitations", headers=organiser_headers
    ).json
    assert listed == []


def test_a_valid_csv_upload_invites_everyone(client, ceremony, organiser_headers):
    import io

    csv_bytes = "full_name,email,category\nA One,a1@example.org,speaker\nB Two,b2@example.org,\n"
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        data={"file": (io.BytesIO(csv_bytes.encode()), "invitees.csv")},
        content_type="multipart/form-data",
        headers=organiser_headers,
    )
    assert response.status_code == 201
    assert [i["category"] for i in response.json] == ["speaker", "dignitary"]


def test_a_csv_with_an_unknown_column_is_refused_by_name(client, ceremony, organiser_headers):
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        data=b"full_name,email,password\nA,a@example.org,x\n",
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert "password" in response.json["errors"]["header"][0]


def test_invitations_need_an_organiser(client, ceremony, staff_headers):
    url = f"/api/ceremonies/{ceremony['id']}/invitations"
    assert client.post(url, json={"invitees": INVITEES}).status_code == 401
    assert client.post(url, json={"invitees": INVITEES}, headers=staff_headers).status_code == 403


def test_an_invitee_language_without_pages_gets_the_page_in_english(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers, [{**INVITEES[0], "language": "de-AT"}])
    response = client.get(rsvp_path(app, created.json[0]["id"]))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert '<html lang="en">' in page
    assert "Accept" in page


def test_an_invitee_language_the_locale_data_does_not_know_is_refused(
    client, ceremony, organiser_headers
):
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{**INVITEES[0], "language": "xx-QQ"}]},
        headers=organiser_headers,
    )
    assert response.status_code == 422
    assert "language" in str(response.json["errors"])


def test_graduating_participants_are_invited_from_a_file_and_accepting_puts_them_on_the_roll(
    app, client, ceremony, organiser_headers
):
    csv_text = "full_name,email,category\nAna Bello,ana@example.org,participant\n"
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/import",
        data=csv_text.encode(),
        content_type="text/csv",
        headers=organiser_headers,
    )
    assert response.status_code == 201, response.json
    (invited,) = response.json
    assert invited["category"] == "participant"
    client.post(rsvp_path(app, invited["id"]), data={"answer": "accept"})
    roll = client.get(f"/api/ceremonies/{ceremony['id']}/roll", headers=organiser_headers).json
    assert [g["full_name"] for g in roll["graduates"]] == ["Ana Bello"]


def test_a_guest_or_press_category_is_not_one_an_invitation_gives(
    client, ceremony, organiser_headers
):
    response = invite(client, ceremony, organiser_headers, [{**INVITEES[0], "category": "press"}])
    assert response.status_code == 422
    assert "category" in json.dumps(response.json["errors"])
