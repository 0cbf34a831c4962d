"""Guests' seats through the API: automatic seating, by hand, swaps, locks, the announcement,
late acceptances, freed seats and the seat list; each change's ``seating.assigned`` event."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import func, select

from services.registration.ceremonies import get_ceremony
from services.registration.models import Registration, SeatAssignment, outbox
from services.registration.seat_assignments import set_locked
from services.registration.seat_changes import apply_seats
from shared.errors import DomainError
from tests.registration.test_venue import HALL, outbox_events, url, with_venue

#: (name, precedence) of the dignitaries, front row A:1 has five seats, A:1:1 accessible.
DIGNITARIES = [("Minister Ama", 1), ("Ambassador Bo", 2), ("Director Cy", 3)]


def add_guest(client, ceremony, headers, name, email, **fields) -> dict:
    response = client.post(
        url(ceremony, "registrations"),
        json={"full_name": name, "email": email, **fields},
        headers=headers,
    )
    assert response.status_code == 201, response.json
    return response.json


@pytest.fixture
def people(client, ceremony, organiser_headers) -> dict[str, dict]:
    with_venue(client, ceremony, organiser_headers)
    found = {}
    for name, rank in DIGNITARIES:
        email = f"{name.split()[1].lower()}@example.org"
        found[name] = add_guest(
            client, ceremony, organiser_headers, name, email, category="dignitary", precedence=rank
        )
    return found


@pytest.fixture
def protocol_headers(signer, ceremony) -> dict:
    token = signer.issue_token("protocol", ceremony_id=ceremony["id"])
    return {"Authorization": f"Bearer {token}"}


def seats(client, ceremony, headers) -> dict[str, str | None]:
    view = client.get(url(ceremony, "seating"), headers=headers).json
    return {guest["full_name"]: guest["seat_id"] for guest in view["guests"]}


def assigned(app) -> list[dict]:
    return [event["data"] for event in outbox_events(app, "seating.assigned")]


def stored_seats(app) -> dict[str, str]:
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.scalars(select(SeatAssignment)).all()
        return {str(row.registration_id): row.seat_id for row in rows}


def auto(client, ceremony, headers):
    response = client.post(url(ceremony, "seating/auto"), headers=headers)
    assert response.status_code == 200, response.json
    return response.json


# Automatic seating


def test_automatic_seating_follows_precedence_and_publishes_each_seat(
    app, client, ceremony, people, protocol_headers
):
    result = auto(client, ceremony, protocol_headers)
    assert len(result["changed"]) == 3
    assert seats(client, ceremony, protocol_headers) == {
        "Minister Ama": "A:1:3",
        "Ambassador Bo": "A:1:4",
        "Director Cy": "A:1:2",
    }
    first = next(e for e in assigned(app) if e["registration_id"] == people["Minister Ama"]["id"])
    assert first["seat"] == {
        "id": "A:1:3",
        "section": "A",
        "kind": "rows",
        "row": "1",
        "number": 3,
        "block": "Dignitaries",
    }
    assert first["reason"] == "precedence 1, block Dignitaries"
    assert (first["previous_seat"], first["announce"]) == (None, False)


def test_seating_again_changes_nothing_and_publishes_nothing(
    app, client, ceremony, people, protocol_headers
):
    auto(client, ceremony, protocol_headers)
    before = len(assigned(app))
    assert auto(client, ceremony, protocol_headers)["changed"] == []
    assert len(assigned(app)) == before


def test_a_guest_who_needs_it_gets_the_accessible_seat(
    app, client, ceremony, people, organiser_headers
):
    guest = add_guest(
        client,
        ceremony,
        organiser_headers,
        "Envoy Wheel",
        "wheel@example.org",
        category="dignitary",
        precedence=4,
        accessible_seat=True,
    )
    assert guest["accessible_seat"] is True
    auto(client, ceremony, organiser_headers)
    assert seats(client, ceremony, organiser_headers)["Envoy Wheel"] == "A:1:1"
    event = next(e for e in assigned(app) if e["registration_id"] == guest["id"])
    assert event["accessible_seat"] is True
    assert event["reason"] == "precedence 4, accessible seat, block Dignitaries"


def test_a_locked_seat_is_kept_by_automatic_seating(client, ceremony, people, protocol_headers):
    cy = people["Director Cy"]["id"]
    response = client.put(
        url(ceremony, f"seating/{cy}"),
        json={"seat_id": "A:1:3", "locked": True},
        headers=protocol_headers,
    )
    assert response.status_code == 200, response.json
    assert response.json["locked"] is True
    auto(client, ceremony, protocol_headers)
    assert seats(client, ceremony, protocol_headers) == {
        "Minister Ama": "A:1:4",
        "Ambassador Bo": "A:1:2",
        "Director Cy": "A:1:3",
    }


def test_the_host_takes_the_centre_and_the_first_in_rank_their_right(
    client, ceremony, people, organiser_headers
):
    host = add_guest(
        client,
        ceremony,
        organiser_headers,
        "Director General",
        "dg@example.org",
        category="dignitary",
        precedence=9,
    )
    rules = {"seat_of_honour": "host_right", "host_registration_id": host["id"]}
    client.put(url(ceremony, "seating-rules"), json=rules, headers=organiser_headers)
    auto(client, ceremony, organiser_headers)
    assert seats(client, ceremony, organiser_headers) == {
        "Minister Ama": "A:1:4",
        "Ambassador Bo": "A:1:2",
        "Director Cy": "A:1:5",
        "Director General": "A:1:3",
    }


def test_seating_needs_a_layout(client, ceremony, organiser_headers):
    response = client.post(url(ceremony, "seating/auto"), headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (409, "no_layout")


# By hand


def test_a_seat_that_does_not_exist_is_a_422_naming_seat_id_and_nothing_changes(
    app, client, ceremony, people, protocol_headers
):
    auto(client, ceremony, protocol_headers)
    before, events = stored_seats(app), len(assigned(app))
    response = client.put(
        url(ceremony, f"seating/{people['Minister Ama']['id']}"),
        json={"seat_id": "A:9:9"},
        headers=protocol_headers,
    )
    assert response.status_code == 422
    assert response.json["code"] == "unknown_seat"
    assert response.json["errors"]["seat_id"] == ["No seat A:9:9 in the layout."]
    assert (stored_seats(app), len(assigned(app))) == (before, events)


def test_two_people_in_one_seat_is_a_409_naming_who_sits_there(
    app, client, ceremony, people, protocol_headers
):
    auto(client, ceremony, protocol_headers)
    before = stored_seats(app)
    response = client.put(
        url(ceremony, f"seating/{people['Director Cy']['id']}"),
        json={"seat_id": "A:1:3"},
        headers=protocol_headers,
    )
    assert response.status_code == 409
    assert response.json["code"] == "seat_taken"
    assert response.json["errors"]["seat_id"] == ["Held by Minister Ama."]
    assert stored_seats(app) == before


def test_the_unique_seat_holds_even_when_the_check_is_passed(app, ceremony, people):
    ids = [uuid.UUID(people[name]["id"]) for name, _ in DIGNITARIES[:2]]
    database = app.extensions["ceremony"].database
    with pytest.raises(DomainError) as refused, database.transaction() as session:
        found = get_ceremony(session, uuid.UUID(ceremony["id"]))
        regs = {key: session.get(Registration, key) for key in ids}
        # Two guests sent to one seat in a single change: the database refuses the second.
        apply_seats(session, found, regs, {ids[0]: ("A:1:1", "x"), ids[1]: ("A:1:1", "x")})
    assert refused.value.code == "seat_taken"
    assert stored_seats(app) == {}


def test_a_guest_placed_by_hand_says_so_and_a_swap_exchanges_two_seats(
    app, client, ceremony, people, protocol_headers
):
    auto(client, ceremony, protocol_headers)
    ama, bo = people["Minister Ama"]["id"], people["Ambassador Bo"]["id"]
    response = client.post(
        url(ceremony, "seating/swap"), json={"first": ama, "second": bo}, headers=protocol_headers
    )
    assert response.status_code == 200, response.json
    assert [row["seat_id"] for row in response.json] == ["A:1:4", "A:1:3"]
    last = assigned(app)[-2:]
    assert {(e["registration_id"], e["seat"]["id"], e["previous_seat"]["id"]) for e in last} == {
        (ama, "A:1:4", "A:1:3"),
        (bo, "A:1:3", "A:1:4"),
    }
    assert {e["reason"] for e in last} == {"swapped by protocol"}
    # The chart warns that the precedence is now inverted.
    view = client.get(url(ceremony, "seating"), headers=protocol_headers).json
    assert [(w["kind"], w["registration_ids"]) for w in view["warnings"]] == [
        ("precedence_inverted", [bo, ama])
    ]


def test_a_swap_with_a_guest_without_a_seat_is_a_409_naming_them(
    client, ceremony, people, protocol_headers
):
    ama, bo = people["Minister Ama"]["id"], people["Ambassador Bo"]["id"]
    client.put(url(ceremony, f"seating/{ama}"), json={"seat_id": "A:1:1"}, headers=protocol_headers)
    response = client.post(
        url(ceremony, "seating/swap"), json={"first": ama, "second": bo}, headers=protocol_headers
    )
    assert (response.status_code, response.json["code"]) == (409, "not_seated")
    assert "second" in response.json["errors"]


def test_unseating_frees_the_seat_with_an_event(app, client, ceremony, people, protocol_headers):
    auto(client, ceremony, protocol_headers)
    ama = people["Minister Ama"]["id"]
    response = client.delete(url(ceremony, f"seating/{ama}"), headers=protocol_headers)
    assert response.status_code == 204
    assert assigned(app)[-1]["seat"] is None
    assert assigned(app)[-1]["previous_seat"]["id"] == "A:1:3"
    view = client.get(url(ceremony, "seating"), headers=protocol_headers).json
    ama_row = next(g for g in view["guests"] if g["registration_id"] == ama)
    assert ama_row["seat_id"] is None
    assert ama_row["unseated_because"] == "not seated yet"


def test_a_viewer_sees_the_chart_but_may_not_seat_anyone(client, ceremony, people, viewer_headers):
    assert client.get(url(ceremony, "seating"), headers=viewer_headers).status_code == 200
    response = client.post(url(ceremony, "seating/auto"), headers=viewer_headers)
    assert response.status_code == 403


# Announcing the seats, and late acceptances


def test_announcing_tells_every_seated_guest_then_each_change_at_once(
    app, client, ceremony, people, protocol_headers
):
    auto(client, ceremony, protocol_headers)
    response = client.post(url(ceremony, "seating/announce"), headers=protocol_headers)
    assert response.status_code == 200, response.json
    assert response.json["told"] == 3
    told = assigned(app)[-3:]
    assert all(event["announce"] for event in told)
    assert {event["seat"]["id"] for event in told} == {"A:1:2", "A:1:3", "A:1:4"}
    cy = people["Director Cy"]["id"]
    client.put(url(ceremony, f"seating/{cy}"), json={"seat_id": "A:2:1"}, headers=protocol_headers)
    moved = assigned(app)[-1]
    assert (moved["registration_id"], moved["announce"]) == (cy, True)
    assert (moved["seat"]["id"], moved["previous_seat"]["id"]) == ("A:2:1", "A:1:2")
    view = client.get(url(ceremony, "seating"), headers=protocol_headers).json
    assert next(g for g in view["guests"] if g["registration_id"] == cy)["told_seat_id"] == "A:2:1"


def test_a_late_acceptance_is_proposed_a_seat_without_moving_anyone_told(
    app, client, ceremony, people, organiser_headers, protocol_headers
):
    auto(client, ceremony, protocol_headers)
    client.post(url(ceremony, "seating/announce"), headers=protocol_headers)
    before = stored_seats(app)
    late = add_guest(
        client,
        ceremony,
        organiser_headers,
        "Prime Minister",
        "pm@example.org",
        category="dignitary",
        precedence=0,
    )
    # The rules would give the late first in rank the centre; no one told is moved for it.
    assert auto(client, ceremony, protocol_headers)["changed"] == [late["id"]]
    assert {k: v for k, v in stored_seats(app).items() if k in before} == before
    client.delete(url(ceremony, f"seating/{late['id']}"), headers=protocol_headers)
    found = client.get(url(ceremony, "seating/proposals"), headers=protocol_headers).json
    assert [(p["registration_id"], p["seat_id"]) for p in found["proposals"]] == [
        (late["id"], "A:1:5")
    ]
    accepted = client.post(
        url(ceremony, "seating/proposals/accept"),
        json={"registration_ids": [late["id"]]},
        headers=protocol_headers,
    )
    assert accepted.status_code == 200, accepted.json
    assert stored_seats(app)[late["id"]] == "A:1:5"
    assert assigned(app)[-1]["announce"] is True
    assert {k: v for k, v in stored_seats(app).items() if k in before} == before


def test_accepting_a_proposal_there_is_not_is_a_409_and_nothing_is_seated(
    app, client, ceremony, people, protocol_headers
):
    auto(client, ceremony, protocol_headers)
    before = stored_seats(app)
    response = client.post(
        url(ceremony, "seating/proposals/accept"),
        json={"registration_ids": [people["Minister Ama"]["id"]]},
        headers=protocol_headers,
    )
    assert (response.status_code, response.json["code"]) == (409, "no_proposal")
    assert response.json["errors"]["registration_ids"] == {
        "0": ["No seat is proposed for this guest."]
    }
    assert stored_seats(app) == before


# Freed seats


def test_a_cancellation_frees_the_seat(app, client, ceremony, people, organiser_headers):
    auto(client, ceremony, organiser_headers)
    ama = people["Minister Ama"]["id"]
    response = client.post(f"/api/registrations/{ama}/cancel", headers=organiser_headers)
    assert response.status_code == 200, response.json
    event = assigned(app)[-1]
    assert (event["registration_id"], event["seat"], event["previous_seat"]["id"]) == (
        ama,
        None,
        "A:1:3",
    )
    assert ama not in stored_seats(app)


def test_a_declined_invitation_frees_the_seat(app, client, ceremony, organiser_headers):
    with_venue(client, ceremony, organiser_headers)
    invitation = client.post(
        url(ceremony, "invitations"),
        json={"invitees": [{"full_name": "Amina Diallo", "email": "sg@example.org"}]},
        headers=organiser_headers,
    ).json[0]
    answer = f"/api/invitations/{invitation['id']}/answer"
    accepted = client.post(answer, json={"answer": "accept"}, headers=organiser_headers).json
    auto(client, ceremony, organiser_headers)
    assert stored_seats(app) == {accepted["registration_id"]: "A:1:3"}
    client.post(answer, json={"answer": "decline"}, headers=organiser_headers)
    assert stored_seats(app) == {}
    assert assigned(app)[-1]["seat"] is None


def test_a_layout_that_drops_a_held_seat_is_refused_naming_it(
    app, client, ceremony, people, organiser_headers
):
    auto(client, ceremony, organiser_headers)
    smaller = {**HALL, "seats": [s for s in HALL["seats"] if s["number"] != 4]}
    response = client.put(url(ceremony, "venue"), json=smaller, headers=organiser_headers)
    assert (response.status_code, response.json["code"]) == (409, "seats_in_use")
    assert response.json["errors"]["seats"] == ["A:1:4"]


# The seat list


def test_the_seat_list_is_a_csv_excel_reads_as_utf8(client, ceremony, people, organiser_headers):
    auto(client, ceremony, organiser_headers)
    response = client.get(url(ceremony, "seating/seats.csv"), headers=organiser_headers)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    text = response.get_data().decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith('"seat","section","row","number","block","name"')
    assert lines[1] == (
        '"Section A · Row 1 · Seat 2","A","1","2","Dignitaries","Director Cy","","dignitary",'
        '"3","no","precedence 3, block Dignitaries"'
    )
    assert len(lines) == 4


def test_nothing_is_written_for_a_bad_request_body(app, client, ceremony, people, protocol_headers):
    with app.extensions["ceremony"].database.transaction() as session:
        before = session.execute(select(func.count()).select_from(outbox)).scalar_one()
    response = client.put(
        url(ceremony, f"seating/{people['Minister Ama']['id']}"),
        json={"locked": "maybe"},
        headers=protocol_headers,
    )
    assert response.status_code == 422
    assert set(response.json["errors"]["json"]) == {"seat_id", "locked"}
    with app.extensions["ceremony"].database.transaction() as session:
        assert session.execute(select(func.count()).select_from(outbox)).scalar_one() == before


# The need for an accessible seat


def test_the_need_for_an_accessible_seat_is_corrected_and_seating_follows_it(
    app, client, ceremony, people, organiser_headers
):
    bo = people["Ambassador Bo"]
    assert bo["accessible_seat"] is False
    response = client.patch(
        f"/api/registrations/{bo['id']}", json={"accessible_seat": True}, headers=organiser_headers
    )
    assert response.status_code == 200, response.json
    assert response.json["accessible_seat"] is True
    auto(client, ceremony, organiser_headers)
    assert seats(client, ceremony, organiser_headers)["Ambassador Bo"] == "A:1:1"


@pytest.mark.parametrize(
    ("method", "path"),
    [("POST", "registrations"), ("PATCH", "registration")],
    ids=["on registration", "by correction"],
)
def test_an_accessible_seat_that_is_not_a_boolean_is_a_422_naming_it(
    app, client, ceremony, people, organiser_headers, method, path
):
    target = (
        url(ceremony, "registrations")
        if path == "registrations"
        else f"/api/registrations/{people['Minister Ama']['id']}"
    )
    body = {"full_name": "Ada Guest", "email": "ada@example.org", "accessible_seat": "maybe"}
    response = client.open(target, method=method, json=body, headers=organiser_headers)
    assert response.status_code == 422
    assert "accessible_seat" in response.json["errors"]["json"]


def test_a_seat_held_by_someone_no_longer_confirmed_goes_back_to_the_rules(
    app, client, ceremony, people, organiser_headers
):
    auto(client, ceremony, organiser_headers)
    ama = uuid.UUID(people["Minister Ama"]["id"])
    with app.extensions["ceremony"].database.transaction() as session:
        # As an erasure leaves it: the registration is no longer among the confirmed guests.
        session.get(Registration, ama).status = "waitlisted"
    auto(client, ceremony, organiser_headers)
    assert str(ama) not in stored_seats(app)
    assert assigned(app)[-1]["reason"] == "no longer a confirmed guest"


def test_a_seat_locked_and_unlocked_is_kept_then_given_back_to_the_rules(
    app, client, ceremony, people, organiser_headers
):
    cy = people["Director Cy"]["id"]
    client.put(url(ceremony, f"seating/{cy}"), json={"seat_id": "A:2:5"}, headers=organiser_headers)
    database = app.extensions["ceremony"].database
    with database.transaction() as session:
        found = get_ceremony(session, uuid.UUID(ceremony["id"]))
        assert set_locked(session, found, uuid.UUID(cy), True).locked is True
    auto(client, ceremony, organiser_headers)
    assert stored_seats(app)[cy] == "A:2:5"
    with database.transaction() as session:
        found = get_ceremony(session, uuid.UUID(ceremony["id"]))
        set_locked(session, found, uuid.UUID(cy), False)
    auto(client, ceremony, organiser_headers)
    assert stored_seats(app)[cy] == "A:1:2"


def test_the_guests_own_page_shows_the_seat_once_it_was_announced(
    client, ceremony, people, protocol_headers
):
    page = people["Minister Ama"]["manage_url"].split("://", 1)[1].split("/", 1)[1]
    auto(client, ceremony, protocol_headers)
    # Seated but not told: the plan may still change, so the guest's page does not show it.
    assert "data-seat" not in client.get("/" + page).text
    assert (
        client.post(url(ceremony, "seating/announce"), headers=protocol_headers).status_code == 200
    )
    shown = client.get("/" + page + "?lang=fr").text
    assert "Votre place" in shown and "Section A · Rang 1 · Siège 3" in shown
