"""The console's seating chart: the hall drawn on the server, guests moved by a plain form (the
same action the chart's dragging sends), locks, automatic seating, announcing the seats, the
moves proposed for late acceptances, and the warnings marked on the seats."""

from __future__ import annotations

import json
import re
import uuid

import pytest
from sqlalchemy import select

from services.registration.console.seating import Occupant, draw_chart, short_name
from services.registration.models import SeatAssignment, outbox
from tests.console.harness import ConsoleWorld, error_beside, text_of

HTMX = {"HX-Request": "true"}
#: Two rows of four seats with an aisle after seat 2, and a dinner table of four.
GRID = {
    "layout_name": "Grand Hall",
    "stage": "Podium",
    "sections.0.name": "A",
    "sections.0.kind": "rows",
    "sections.0.rows": "2",
    "sections.0.seats": "4",
    "sections.0.aisles": "2",
    "sections.0.accessible": "2:4",
    "sections.1.name": "Dinner",
    "sections.1.kind": "tables",
    "sections.1.rows": "1",
    "sections.1.seats": "4",
}
#: Dignitaries in the front row, everyone else behind.
BLOCKS = {
    "blocks.0.name": "Dignitaries",
    "blocks.0.categories": ["dignitary", "speaker"],
    "blocks.0.section": "A",
    "blocks.0.rows": "1",
    "blocks.1.name": "Guests",
    "blocks.1.categories": ["guest", "participant", "press", "staff"],
    "blocks.1.section": "A",
    "blocks.1.rows": "2",
}
GUESTS = [
    {
        "full_name": "H.E. Li Wei",
        "email": "li@example.cn",
        "category": "dignitary",
        "precedence": 1,
    },
    {
        "full_name": "Amina Diallo",
        "email": "amina@example.sn",
        "category": "dignitary",
        "precedence": 2,
    },
    {"full_name": "Élise Fernández", "email": "elise@example.org", "category": "guest"},
]


def build_world(tmp_path) -> ConsoleWorld:
    """A ceremony with a small hall and three confirmed guests, none seated; reused by the
    browser test of the chart."""
    world = ConsoleWorld(tmp_path, capacity=20)
    c = world.ceremony_id
    world.chart = f"/console/ceremonies/{c}/seating"
    answer = world.browser("registration").post(
        f"/console/ceremonies/{c}/venue/layout", data=world.form(**GRID)
    )
    assert answer.status_code == 303
    blocks = world.browser("registration").post(
        f"/console/ceremonies/{c}/venue/blocks", data=world.form(**BLOCKS)
    )
    assert blocks.status_code == 303
    world.guests = {
        guest["full_name"]: world.api(
            "POST", f"/api/ceremonies/{c}/registrations", json=guest
        ).json["id"]
        for guest in GUESTS
    }
    return world


@pytest.fixture
def world(tmp_path):
    world = build_world(tmp_path)
    yield world
    world.close()


def seats(world) -> dict[str, str]:
    """Registration id → seat id, as stored."""
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        rows = session.scalars(select(SeatAssignment))
        return {str(row.registration_id): row.seat_id for row in rows}


def assigned(world) -> list[dict]:
    database = world.apps["registration"].extensions["ceremony"].database
    query = (
        select(outbox.c.body).where(outbox.c.event_type == "seating.assigned").order_by(outbox.c.id)
    )
    with database.transaction() as session:
        return [json.loads(body)["data"] for body in session.scalars(query)]


def move(world, name: str, seat: str, action: str = "move", headers=None, token=None, csrf=None):
    fields = {"registration_id": world.guests.get(name, name), "seat": seat, "action": action}
    data = {"csrf_token": csrf, **fields} if csrf else world.form(**fields)
    return world.browser("registration", token).post(
        world.chart + "/move", data=data, headers=headers or {}
    )


def seat_element(page: str, ident: str) -> str:
    found = re.search(rf'<g class="[^"]*"[^>]*data-seat="{re.escape(ident)}".*?</g>', page, re.S)
    assert found, ident
    return found.group(0)


def session_of(world, role: str) -> tuple[str, str]:
    account = str(uuid.uuid4())
    world.grant(account, role)
    token = world.signer.issue_session(account, name=f"A {role}")
    return token, world.signer.csrf_token(world.signer.verify_token(token))


# -- the drawing ---------------------------------------------------------------------------------


def test_the_chart_draws_every_seat_and_lists_the_unseated(world):
    page = world.browser("registration").get(world.chart).text

    assert page.count("data-seat=") == 12
    assert '<text class="stage-name"' in page and ">Podium</text>" in page
    assert 'aria-label="Section A · Row 2 · Seat 4 · accessible seat · free"' in page
    assert 'aria-label="Table 1 · Seat 3 · free"' in page
    unseated = text_of(page.split('id="unseated-heading"')[1])
    assert "H.E. Li Wei" in unseated and "Élise Fernández" in unseated
    assert 'id="move-form"' in page and "seating.js" in page


def test_rows_run_from_the_stage_and_an_aisle_is_a_gap():
    layout = {
        "name": "Hall",
        "sections": [{"name": "A", "kind": "rows", "aisles_after": [2]}],
        "seats": [
            {"section": "A", "row": row, "number": n, "accessible": False}
            for row in ("1", "2")
            for n in (1, 2, 3)
        ],
    }
    drawing = str(draw_chart(layout, {}, {}))
    places = {
        ident: (float(x), float(y))
        for ident, x, y in re.findall(
            r'data-seat="([^"]+)".*?<rect x="([\d.]+)" y="([\d.]+)"', drawing
        )
    }
    assert places["A:1:1"][1] < places["A:2:1"][1]  # the first row nearest the stage
    step = places["A:1:2"][0] - places["A:1:1"][0]
    assert places["A:1:3"][0] - places["A:1:2"][0] > step  # the aisle after seat 2


def test_tables_are_rings_of_seats_and_names_are_escaped():
    layout = {
        "name": "Dinner",
        "sections": [{"name": "T", "kind": "tables"}],
        "seats": [{"section": "T", "row": "1", "number": n} for n in range(1, 7)],
    }
    person = Occupant(str(uuid.uuid4()), "<b>Bad</b> & Co", 3, "precedence 3", locked=True)
    drawing = str(draw_chart(layout, {"T:1:1": person}, {"T:1:1": "Precedence inverted."}))

    assert drawing.count('<circle class="table"') == 1 and drawing.count("<circle cx=") == 6
    assert "<b>" not in drawing and "&lt;b&gt;Bad&lt;/b&gt; &amp; Co" in drawing
    assert 'class="seat taken locked warned"' in drawing
    assert "precedence 3 · precedence 3 · locked · Precedence inverted." in drawing


def test_a_short_name_fits_a_seat():
    assert short_name("H.E. Li Wei") == "Wei"
    assert short_name("王小明") == "王小明"
    assert short_name("Maximiliane Oberhollenzer") == "Oberhollenzer"


# -- moving people -------------------------------------------------------------------------------


def test_a_guest_put_in_a_seat_by_the_plain_form_is_stored_and_published(world):
    answer = move(world, "Amina Diallo", "A:1:2")

    assert answer.status_code == 303
    assert seats(world) == {world.guests["Amina Diallo"]: "A:1:2"}
    (event,) = assigned(world)
    assert event["seat"]["id"] == "A:1:2" and event["reason"] == "placed by protocol"
    page = world.browser("registration").get(world.chart).text
    seat = seat_element(page, "A:1:2")
    assert "taken" in seat and ">Diallo</text>" in seat
    assert f'data-person="{world.guests["Amina Diallo"]}"' in seat
    assert "<title>Section A · Row 1 · Seat 2 · Amina Diallo · precedence 2" in seat


def test_htmx_gets_the_chart_fragment_with_the_result(world):
    answer = move(world, "H.E. Li Wei", "Dinner:1:1", headers=HTMX)

    assert answer.status_code == 200
    assert "<html" not in answer.text
    assert 'id="seating"' in answer.text and "The guest is seated." in answer.text
    assert ">Wei</text>" in seat_element(answer.text, "Dinner:1:1")


def test_moving_onto_a_seated_guest_swaps_them(world):
    move(world, "H.E. Li Wei", "A:1:1")
    move(world, "Amina Diallo", "A:1:2")

    answer = move(world, "Amina Diallo", "A:1:1", headers=HTMX)

    assert answer.status_code == 200 and "The two guests have changed seats." in answer.text
    assert seats(world) == {
        world.guests["H.E. Li Wei"]: "A:1:2",
        world.guests["Amina Diallo"]: "A:1:1",
    }
    assert [e["reason"] for e in assigned(world)[-2:]] == ["swapped by protocol"] * 2


def test_two_people_in_one_seat_is_refused_beside_the_seat(world):
    move(world, "H.E. Li Wei", "A:1:1")

    answer = move(world, "Élise Fernández", "A:1:1")

    assert answer.status_code == 409
    assert "H.E. Li Wei sits in A:1:1" in (error_beside(answer.text, "seat") or "")
    assert seats(world) == {world.guests["H.E. Li Wei"]: "A:1:1"}
    assert len(assigned(world)) == 1


@pytest.mark.parametrize(
    ("name", "seat", "status", "field", "message"),
    [
        ("Amina Diallo", "A:9:9", 422, "seat", "There is no seat A:9:9"),
        ("Amina Diallo", "nonsense", 422, "seat", "There is no seat nonsense"),
        ("Amina Diallo", "", 422, "seat", "Choose a seat."),
        ("not-a-guest", "A:1:1", 422, "registration_id", "Choose a guest."),
        (str(uuid.uuid4()), "A:1:1", 422, "registration_id", "No registration"),
    ],
)
def test_a_bad_move_is_named_beside_its_field_and_nothing_changes(
    world, name, seat, status, field, message
):
    answer = move(world, name, seat)

    assert answer.status_code == status
    assert message in (error_beside(answer.text, field) or "")
    assert seats(world) == {} and assigned(world) == []


def test_a_locked_seat_is_marked_and_kept_by_automatic_seating(world):
    move(world, "Élise Fernández", "A:1:2")
    locked = move(world, "Élise Fernández", "", action="lock", headers=HTMX)

    assert locked.status_code == 200 and "The seat is locked." in locked.text
    assert "locked" in seat_element(locked.text, "A:1:2").split(">")[0]
    seated = world.browser("registration").post(
        world.chart + "/auto", data=world.form(), headers=HTMX
    )
    assert seated.status_code == 200
    assert seats(world)[world.guests["Élise Fernández"]] == "A:1:2"
    assert len(seats(world)) == 3
    unlocked = move(world, "Élise Fernández", "", action="unlock")
    assert unlocked.status_code == 303
    page = world.browser("registration").get(world.chart).text
    assert "locked" not in seat_element(page, "A:1:2").split(">")[0]


def test_locking_someone_without_a_seat_is_refused(world):
    answer = move(world, "Amina Diallo", "", action="lock")
    assert answer.status_code == 409
    assert "has no seat to lock" in (error_beside(answer.text, "registration_id") or "")


def test_a_guest_taken_out_of_their_seat_is_listed_unseated_again(world):
    move(world, "Amina Diallo", "A:1:2")
    answer = move(world, "Amina Diallo", "", action="unseat", headers=HTMX)

    assert answer.status_code == 200 and seats(world) == {}
    assert assigned(world)[-1]["seat"] is None
    assert "free" in seat_element(answer.text, "A:1:2")


# -- seating by the rules, announcing, proposals, warnings --------------------------------------


def test_automatic_seating_then_announcing_tells_every_guest(world):
    browser = world.browser("registration")
    seated = browser.post(world.chart + "/auto", data=world.form())
    told = browser.post(world.chart + "/announce", data=world.form(), headers=HTMX)

    assert seated.status_code == 303 and len(seats(world)) == 3
    assert told.status_code == 200 and "Guests told their seats: 3." in told.text
    assert [event["announce"] for event in assigned(world)] == [False] * 3 + [True] * 3
    assert "Not yet seated" in told.text and "Every confirmed guest has a seat." in told.text


def test_a_late_acceptance_is_proposed_a_seat_and_the_officer_accepts_it(world):
    browser = world.browser("registration")
    browser.post(world.chart + "/auto", data=world.form())
    browser.post(world.chart + "/announce", data=world.form())
    late = world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/registrations",
        json={"full_name": "Kofi Mensah", "email": "kofi@example.gh"},
    ).json["id"]
    before = dict(seats(world))

    page = text_of(browser.get(world.chart).text)
    assert "Proposed moves" in page and "Kofi Mensah:" in page
    assert "Accept the proposed moves (1)" in page
    accepted = browser.post(world.chart + "/proposals", data=world.form(), headers=HTMX)

    assert accepted.status_code == 200 and "Guests seated as proposed: 1." in accepted.text
    after = seats(world)
    assert late in after and {k: v for k, v in after.items() if k != late} == before
    assert "Proposed moves" not in accepted.text


def test_precedence_inverted_is_warned_above_the_chart_and_on_the_seats(world):
    blocks = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/venue/blocks",
        data=world.form(
            **{
                "blocks.0.name": "Dignitaries",
                "blocks.0.categories": "dignitary",
                "blocks.0.section": "A",
                "blocks.0.rows": "1, 2",
                "blocks.0.seats": "",
            }
        ),
    )
    assert blocks.status_code == 303
    # Precedence 2 in the front row, precedence 1 behind.
    move(world, "Amina Diallo", "A:1:2")
    move(world, "H.E. Li Wei", "A:2:2")

    page = world.browser("registration").get(world.chart).text

    warnings = text_of(page.split('id="warnings-heading"')[1].split("</section>")[0])
    assert "precedence" in warnings.casefold()
    assert "warned" in seat_element(page, "A:1:2").split(">")[0]


# -- roles ---------------------------------------------------------------------------------------


def test_a_viewer_sees_the_chart_but_cannot_move_anyone(world):
    move(world, "Amina Diallo", "A:1:2")
    token, csrf = session_of(world, "viewer")
    page = world.browser("registration", token).get(world.chart)

    answer = move(world, "Amina Diallo", "A:1:1", token=token, csrf=csrf)
    auto = world.browser("registration", token).post(
        world.chart + "/auto", data={"csrf_token": csrf}
    )

    assert page.status_code == 200 and ">Diallo</text>" in page.text
    assert 'id="move-form"' not in page.text and "Seat automatically" not in page.text
    assert answer.status_code == 403 and auto.status_code == 403
    assert seats(world) == {world.guests["Amina Diallo"]: "A:1:2"}


def test_a_protocol_officer_may_move_guests(world):
    token, csrf = session_of(world, "protocol")
    answer = move(world, "Amina Diallo", "A:1:1", token=token, csrf=csrf)
    assert answer.status_code == 303
    assert seats(world) == {world.guests["Amina Diallo"]: "A:1:1"}


def test_the_door_role_cannot_see_the_chart(world):
    token, _ = session_of(world, "door")
    assert world.browser("registration", token).get(world.chart).status_code == 403


def test_a_move_without_the_forms_token_is_refused(world):
    answer = world.browser("registration").post(
        world.chart + "/move",
        data={"registration_id": world.guests["Amina Diallo"], "seat": "A:1:1"},
    )
    assert answer.status_code == 403 and seats(world) == {}


def test_a_ceremony_without_a_hall_says_so(tmp_path):
    world = ConsoleWorld(tmp_path)
    try:
        page = world.browser("registration").get(f"/console/ceremonies/{world.ceremony_id}/seating")
        assert page.status_code == 200
        assert "The ceremony has no hall yet." in text_of(page.text)
    finally:
        world.close()


def test_the_guests_export_lists_each_guests_seat(world):
    import csv
    import io

    assert move(world, "Amina Diallo", "A:1:2").status_code == 303
    path = f"/console/ceremonies/{world.ceremony_id}/exports/guests.csv"
    answer = world.browser("registration").get(path)
    rows = list(csv.reader(io.StringIO(answer.data.decode("utf-8-sig"))))
    seat_of = {row[1]: row[rows[0].index("Seat")] for row in rows[1:]}
    assert seat_of["Amina Diallo"] == "Section A · Row 1 · Seat 2"
    assert seat_of["Élise Fernández"] == ""  # not seated yet
