"""Programme items name the registration of the person who speaks, and the run sheet follows
the link: the name as announced, the seat, the door's status, and the VIPs still awaited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from services.registration.models import Ceremony, SeatAssignment
from services.registration.printing.run_sheet import build_run_sheet
from tests.registration.conftest import ceremony_body, register


@pytest.fixture
def speaker(client, ceremony, organiser_headers) -> dict:
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={
            "full_name": "Amina Diallo",
            "honorific": "H.E. Ms",
            "job_title": "Director General",
            "email": "amina@example.sn",
            "category": "speaker",
            "precedence": 1,
        },
        headers=organiser_headers,
    )
    assert response.status_code == 201, response.json
    return response.json


def set_programme(client, ceremony, headers, *items):
    return client.patch(
        f"/api/ceremonies/{ceremony['id']}", json={"programme": list(items)}, headers=headers
    )


def test_an_item_names_the_registration_of_its_speaker(
    client, ceremony, speaker, organiser_headers
):
    response = set_programme(
        client,
        ceremony,
        organiser_headers,
        {"title": "Welcome"},
        {"title": "Opening address", "registration_id": speaker["id"]},
    )
    assert response.status_code == 200, response.json
    assert response.json["programme"][1]["registration_id"] == speaker["id"]


@pytest.mark.parametrize("whose", ["another ceremony's", "nobody's"])
def test_a_registration_of_another_ceremony_or_none_is_refused_and_nothing_is_saved(
    client, ceremony, organiser_headers, whose
):
    if whose == "nobody's":
        registration = str(uuid.uuid4())
    else:
        other = client.post(
            "/api/ceremonies", json=ceremony_body(title="Other"), headers=organiser_headers
        ).json
        registration = register(client, other["id"], "ada@example.org").json["id"]
    response = set_programme(
        client,
        ceremony,
        organiser_headers,
        {"title": "Welcome"},
        {"title": "Opening address", "registration_id": registration},
    )
    assert response.status_code == 422
    assert response.json["code"] == "unknown_speaker"
    assert response.json["errors"] == {
        "programme": {"1": {"registration_id": ["Not a registration of this ceremony."]}}
    }
    stored = client.get(f"/api/ceremonies/{ceremony['id']}", headers=organiser_headers).json
    assert stored["programme"] == [] and stored["sequence"] == ceremony["sequence"]


def test_a_registration_id_that_is_not_an_id_is_refused_by_the_schema(
    client, ceremony, organiser_headers
):
    response = set_programme(
        client, ceremony, organiser_headers, {"title": "Welcome", "registration_id": "guest-1"}
    )
    assert response.status_code == 422
    assert response.json["errors"]["json"]["programme"]["0"]["registration_id"] == [
        "Not a valid UUID."
    ]


def test_a_new_ceremony_cannot_name_a_registration_of_another(client, speaker, organiser_headers):
    body = ceremony_body(programme=[{"title": "Opening", "registration_id": speaker["id"]}])
    response = client.post("/api/ceremonies", json=body, headers=organiser_headers)
    assert response.status_code == 422
    assert response.json["errors"]["programme"]["0"] == {
        "registration_id": ["Not a registration of this ceremony."]
    }


def test_both_links_wrong_are_told_in_one_answer(client, ceremony, organiser_headers):
    wrong = str(uuid.uuid4())
    response = set_programme(
        client,
        ceremony,
        organiser_headers,
        {"title": "Opening", "registration_id": wrong, "invitation_id": wrong},
    )
    assert response.status_code == 422
    assert response.json["errors"]["programme"]["0"] == {
        "invitation_id": ["Not an invitation of this ceremony."],
        "registration_id": ["Not a registration of this ceremony."],
    }


def sheet_of(app, ceremony_id: str, language: str = "en"):
    with app.extensions["ceremony"].database.transaction() as session:
        return build_run_sheet(session, session.get(Ceremony, uuid.UUID(ceremony_id)), language)


def test_the_run_sheet_announces_the_speaker_with_their_seat_and_door_status(
    app, client, ceremony, speaker, organiser_headers
):
    set_programme(
        client,
        ceremony,
        organiser_headers,
        {"title": "Opening address", "registration_id": speaker["id"], "speaker": "Typed name"},
        {"title": "Anthem", "speaker": "The choir"},
    )
    with app.extensions["ceremony"].database.transaction() as session:
        row = session.get(Ceremony, uuid.UUID(ceremony["id"]))
        row.layout = {
            "name": "Hall",
            "sections": [{"name": "A"}],
            "seats": [{"section": "A", "row": "1", "number": 5}],
        }
        session.add(
            SeatAssignment(
                ceremony_id=row.id, registration_id=uuid.UUID(speaker["id"]), seat_id="A:1:5"
            )
        )
    opening, anthem = sheet_of(app, ceremony["id"], "fr").items
    assert opening.speaker.name == "H.E. Ms Amina Diallo"  # the ceremony's language
    assert opening.speaker.title == "Director General"
    assert opening.speaker.seat == "Section A · Rang 1 · Siège 5"  # the reader's language
    assert opening.speaker.arrived_at is None
    assert anthem.speaker.name == "The choir" and anthem.speaker.registration_id is None
    assert [person.name for person in sheet_of(app, ceremony["id"]).awaited] == [
        "H.E. Ms Amina Diallo"
    ]


def test_an_arrived_speaker_is_no_longer_awaited(app, client, ceremony, speaker, organiser_headers):
    set_programme(
        client, ceremony, organiser_headers, {"title": "Opening", "registration_id": speaker["id"]}
    )
    from services.registration.registrations import note_arrival

    at = datetime(2026, 12, 16, 13, 52, tzinfo=UTC)
    with app.extensions["ceremony"].database.transaction() as session:
        note_arrival(session, uuid.UUID(speaker["id"]), at)
    sheet = sheet_of(app, ceremony["id"])
    assert sheet.items[0].speaker.arrived_at == at and sheet.awaited == []
    assert list(sheet.arrived_speakers) == [uuid.UUID(speaker["id"])]


def test_a_cancelled_speaker_is_announced_by_the_typed_name_without_door_status(
    app, client, ceremony, speaker, organiser_headers
):
    set_programme(
        client,
        ceremony,
        organiser_headers,
        {"title": "Opening", "registration_id": speaker["id"], "speaker": "Amina Diallo"},
    )
    response = client.post(
        f"/api/registrations/{speaker['id']}/cancel",
        headers=organiser_headers,
    )
    assert response.status_code < 300, response.json
    (item,) = sheet_of(app, ceremony["id"]).items
    assert item.speaker.name == "Amina Diallo" and item.speaker.registration_id is None


def test_an_item_naming_an_invitee_follows_the_registration_their_acceptance_created(
    app, client, ceremony, speaker, organiser_headers
):
    from services.registration.models import Invitation

    invited = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{"full_name": "Amina Diallo", "email": "amina@example.sn"}]},
        headers=organiser_headers,
    )
    assert invited.status_code == 201, invited.json
    invitation_id = invited.json[0]["id"]
    with app.extensions["ceremony"].database.transaction() as session:
        invitation = session.get(Invitation, uuid.UUID(invitation_id))
        invitation.registration_id = uuid.UUID(speaker["id"])  # as an acceptance leaves it
    set_programme(
        client, ceremony, organiser_headers, {"title": "Opening", "invitation_id": invitation_id}
    )
    (item,) = sheet_of(app, ceremony["id"]).items
    assert item.speaker.registration_id == uuid.UUID(speaker["id"])
    assert item.speaker.name == "H.E. Ms Amina Diallo"
