"""Invitations as drafts, sent later; reminding several; withdrawing; answers recorded by staff."""

from __future__ import annotations

from sqlalchemy import select

from services.registration.models import audit
from tests.registration.test_invitations import INVITEES, events, invite, rsvp_path


def drafts(client, ceremony, headers, invitees=INVITEES) -> list[dict]:
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": invitees, "send": False},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    return response.json


def send(client, ceremony, headers, body):
    return client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/send", json=body, headers=headers
    )


def remind(client, ceremony, headers, body):
    return client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations/remind", json=body, headers=headers
    )


def test_by_default_invitations_are_sent_at_once(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json
    assert {i["status"] for i in created} == {"pending"}
    assert all(i["sent_at"] and i["rsvp_url"] for i in created)
    assert len(events(app, "invitation.created")) == 3


def test_drafts_announce_nothing_and_have_no_link_yet(app, client, ceremony, organiser_headers):
    created = drafts(client, ceremony, organiser_headers)
    assert {(i["status"], i["sent_at"], i["rsvp_url"]) for i in created} == {("draft", None, None)}
    assert events(app, "invitation.created") == []


def test_sending_chosen_drafts_skips_the_others(app, client, ceremony, organiser_headers):
    created = drafts(client, ceremony, organiser_headers)
    first = send(client, ceremony, organiser_headers, {"invitation_ids": [created[0]["id"]]})
    assert (first.status_code, first.json["sent"], first.json["skipped"]) == (200, 1, 0)
    again = send(
        client,
        ceremony,
        organiser_headers,
        {"invitation_ids": [created[0]["id"], created[1]["id"]]},
    )
    assert (again.json["sent"], again.json["skipped"]) == (1, 1)
    assert [e["data"]["email"] for e in events(app, "invitation.created")] == [
        "sg@example.org",
        "cg@example.org",
    ]


def test_sending_all_drafts(app, client, ceremony, organiser_headers):
    drafts(client, ceremony, organiser_headers)
    response = send(client, ceremony, organiser_headers, {"all_drafts": True})
    assert response.json["sent"] == 3
    assert [e["data"]["status"] for e in events(app, "invitation.created")] == ["pending"] * 3
    assert send(client, ceremony, organiser_headers, {"all_drafts": True}).json["sent"] == 0


def test_a_send_names_either_ids_or_all(client, ceremony, organiser_headers):
    for body in ({}, {"all_drafts": True, "invitation_ids": [ceremony["id"]]}):
        response = send(client, ceremony, organiser_headers, body)
        assert (response.status_code, response.json["code"]) == (422, "validation_error")


def test_a_draft_link_does_not_open_and_takes_no_answer(app, client, ceremony, organiser_headers):
    draft = drafts(client, ceremony, organiser_headers)[0]
    path = rsvp_path(app, draft["id"])
    assert client.get(path).status_code == 404
    assert client.post(path, data={"answer": "accept"}).status_code == 404


def test_reminding_several_skips_those_who_answered(app, client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json
    client.post(rsvp_path(app, created[0]["id"]), data={"answer": "accept"})
    ids = [created[0]["id"], created[1]["id"]]
    response = remind(client, ceremony, organiser_headers, {"invitation_ids": ids})
    assert (response.json["reminded"], response.json["skipped"]) == (1, 1)
    everyone = remind(client, ceremony, organiser_headers, {"all_pending": True})
    assert everyone.json["reminded"] == 2
    reminded = [e["data"]["email"] for e in events(app, "invitation.reminded")]
    assert reminded == ["cg@example.org", "cg@example.org", "dg@example.org"]


def test_a_draft_cannot_be_reminded_alone(client, ceremony, organiser_headers):
    draft = drafts(client, ceremony, organiser_headers)[0]
    response = client.post(f"/api/invitations/{draft['id']}/remind", headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (409, "invitation_not_sent")


def test_withdrawing_an_acceptance_cancels_its_registration(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers).json[0]
    client.post(rsvp_path(app, created["id"]), data={"answer": "accept"})
    response = client.post(f"/api/invitations/{created['id']}/withdraw", headers=organiser_headers)
    assert (response.status_code, response.json["status"]) == (200, "withdrawn")
    assert response.json["withdrawn_at"]
    registration = client.get(
        f"/api/registrations/{response.json['registration_id']}", headers=organiser_headers
    ).json
    assert registration["status"] == "cancelled"
    assert [e["data"]["email"] for e in events(app, "invitation.withdrawn")] == ["sg@example.org"]
    again = client.post(f"/api/invitations/{created['id']}/withdraw", headers=organiser_headers)
    assert again.status_code == 200 and len(events(app, "invitation.withdrawn")) == 1


def test_a_withdrawn_invitation_says_so_and_refuses_answers(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers).json[0]
    client.post(f"/api/invitations/{created['id']}/withdraw", headers=organiser_headers)
    path = rsvp_path(app, created["id"])
    page = client.get(path).get_data(as_text=True)
    assert "Cette invitation a été retirée" in page and 'name="accept"' not in page
    assert client.post(path, data={"answer": "accept"}).status_code == 409
    by_staff = client.post(
        f"/api/invitations/{created['id']}/answer",
        json={"answer": "accept"},
        headers=organiser_headers,
    )
    assert (by_staff.status_code, by_staff.json["code"]) == (409, "invitation_withdrawn")


def test_a_draft_is_removed_not_withdrawn(client, ceremony, organiser_headers):
    draft = drafts(client, ceremony, organiser_headers)[0]
    url = f"/api/invitations/{draft['id']}"
    refused = client.post(url + "/withdraw", headers=organiser_headers)
    assert (refused.status_code, refused.json["code"]) == (409, "invitation_not_sent")
    assert client.delete(url, headers=organiser_headers).status_code == 204
    assert client.get(url, headers=organiser_headers).status_code == 404


def test_a_sent_invitation_cannot_be_removed(client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json[0]
    response = client.delete(f"/api/invitations/{created['id']}", headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (409, "invitation_sent")


def test_an_answer_by_letter_keeps_how_it_came_in_the_trail(
    app, client, ceremony, organiser_headers
):
    created = invite(client, ceremony, organiser_headers).json[1]
    response = client.post(
        f"/api/invitations/{created['id']}/answer",
        json={"answer": "accept", "via": "letter", "note": "Letter of 3 May"},
        headers=organiser_headers,
    )
    assert (response.json["status"], response.json["answered_by"]) == ("accepted", "organiser")
    with app.extensions["ceremony"].database.transaction() as session:
        after = session.execute(
            select(audit.c.after).where(audit.c.action == "invitation.answered_by_staff")
        ).scalar_one()
    assert after == {"answer": "accept", "via": "letter", "note": "Letter of 3 May"}


def test_an_unknown_channel_is_refused(client, ceremony, organiser_headers):
    created = invite(client, ceremony, organiser_headers).json[1]
    response = client.post(
        f"/api/invitations/{created['id']}/answer",
        json={"answer": "accept", "via": "pigeon"},
        headers=organiser_headers,
    )
    assert (response.status_code, list(response.json["errors"]["json"])) == (422, ["via"])


def test_sending_and_withdrawing_need_an_organiser(client, ceremony, staff_headers):
    assert send(client, ceremony, staff_headers, {"all_drafts": True}).status_code == 403
    assert remind(client, ceremony, staff_headers, {"all_pending": True}).status_code == 403
