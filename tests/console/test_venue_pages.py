"""The console pages of the venue: the hall as a grid or a CSV of seats, kept layouts, blocks,
the seat of honour, and the zones and gates with their door hours on the ceremony's clock."""

from __future__ import annotations

import io
import json
import re
import uuid

import pytest
from sqlalchemy import select

from services.registration.models import Ceremony, VenueLayout, outbox
from tests.console.harness import ConsoleWorld, error_beside, text_of
from tests.registration.conftest import ceremony_body

GRID = {
    "layout_name": "Grand Hall",
    "stage": "Stage",
    "sections.0.name": "A",
    "sections.0.kind": "rows",
    "sections.0.rows": "2",
    "sections.0.seats": "6",
    "sections.0.aisles": "3",
    "sections.0.accessible": "1:1, 2:6",
    "sections.1.name": "Dinner",
    "sections.1.kind": "tables",
    "sections.1.rows": "2",
    "sections.1.seats": "4",
    "sections.1.aisles": "",
    "sections.1.accessible": "",
}


@pytest.fixture
def world(tmp_path):
    world = ConsoleWorld(tmp_path, gates=["Main Gate", "VIP Door"], capacity=20)
    c = world.ceremony_id
    world.venue = f"/console/ceremonies/{c}/venue"
    world.access = f"/console/ceremonies/{c}/access"
    yield world
    world.close()


def stored(world) -> Ceremony:
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        ceremony = session.get(Ceremony, uuid.UUID(world.ceremony_id))
        session.expunge(ceremony)
        return ceremony


def kept(world) -> list[str]:
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        return list(session.scalars(select(VenueLayout.name)))


def session_of(world, role: str) -> tuple[str, str]:
    """A signed-in person holding ``role`` on the ceremony, and their CSRF token."""
    account = str(uuid.uuid4())
    world.grant(account, role)
    token = world.signer.issue_session(account, name=f"A {role}")
    return token, world.signer.csrf_token(world.signer.verify_token(token))


def save_grid(world, **changes):
    return world.browser("registration").post(
        world.venue + "/layout", data=world.form(**{**GRID, **changes})
    )


# -- the grid ------------------------------------------------------------------------------------


def test_the_grid_becomes_the_halls_layout(world):
    answer = save_grid(world)

    assert answer.status_code == 303
    layout = stored(world).layout
    assert [s["name"] for s in layout["sections"]] == ["A", "Dinner"]
    assert layout["sections"][0]["aisles_after"] == [3]
    seats = {(s["section"], s["row"], s["number"]): s["accessible"] for s in layout["seats"]}
    assert len(seats) == 2 * 6 + 2 * 4
    assert seats[("A", "1", 1)] and seats[("A", "2", 6)] and not seats[("A", "1", 2)]
    assert ("Dinner", "1", 4) in seats and ("Dinner", "2", 1) in seats
    page = text_of(world.browser("registration").get(world.venue).text)
    assert "The hall Grand Hall has 20 seats in 2 sections." in page


def test_the_stored_layout_is_shown_again_in_the_grid(world):
    save_grid(world)
    page = world.browser("registration").get(world.venue).text
    assert 'name="sections.0.rows" type="number" value="2"' in page
    assert 'name="sections.0.accessible" type="text" value="1:1, 2:6"' in page
    assert 'name="sections.1.seats" type="number" value="4"' in page


def test_adding_and_removing_a_section_redraws_the_form_and_saves_nothing(world):
    browser = world.browser("registration")
    added = browser.post(world.venue + "/layout", data=world.form(**GRID, add="sections"))
    removed = browser.post(world.venue + "/layout", data=world.form(**GRID, remove="sections.0"))

    assert added.status_code == 200 and 'name="sections.2.name"' in added.text
    assert removed.status_code == 200
    assert 'name="sections.1.name"' not in removed.text
    assert 'name="sections.0.name" type="text" value="Dinner"' in removed.text
    assert stored(world).layout is None


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"sections.0.rows": "0"}, "sections.0.rows", "Give a whole number from 1 to 999."),
        ({"sections.0.seats": "many"}, "sections.0.seats", "Give a whole number from 1 to 999."),
        ({"sections.0.aisles": "3, x"}, "sections.0.aisles", "seat numbers separated by commas"),
        ({"sections.0.accessible": "1-1"}, "sections.0.accessible", "row:seat pairs"),
        ({"sections.0.accessible": "3:1"}, "sections.0.accessible", "no seat 3:1"),
        ({"sections.0.name": "A:B"}, "sections.0.name", "colon"),
        ({"layout_name": ""}, "layout_name", "Must not be blank."),
    ],
)
def test_a_bad_grid_is_named_beside_its_field_and_nothing_is_saved(world, changes, field, message):
    answer = save_grid(world, **changes)

    assert answer.status_code == 422
    assert message.casefold() in (error_beside(answer.text, field) or "").casefold()
    assert f'name="{field}"' in answer.text
    typed = changes[field]
    assert f'value="{typed}"' in answer.text  # what was typed is kept
    assert stored(world).layout is None


def test_two_sections_of_one_name_are_refused_whole(world):
    answer = save_grid(world, **{"sections.1.name": "a"})
    assert answer.status_code == 422
    assert "Two sections are named a." in text_of(answer.text)
    assert stored(world).layout is None


def test_a_layout_that_would_strand_a_seated_guest_is_refused(world):
    save_grid(world)
    guest = world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/registrations",
        json={"full_name": "Amina Diallo", "email": "amina@example.sn"},
    ).json
    seated = world.browser("registration").post(
        f"/console/ceremonies/{world.ceremony_id}/seating/move",
        data=world.form(registration_id=guest["id"], seat="A:2:6", action="move"),
    )
    assert seated.status_code == 303

    answer = save_grid(world, **{"sections.0.rows": "1", "sections.0.accessible": "1:1"})

    assert answer.status_code == 409
    assert "A:2:6" in text_of(answer.text)
    assert len(stored(world).layout["seats"]) == 20


# -- the CSV of seats ---------------------------------------------------------------------------


def upload(world, content: str, name: str = "Small Hall"):
    return world.browser("registration").post(
        world.venue + "/csv",
        data=world.form(csv_name=name, seats_csv=(io.BytesIO(content.encode()), "seats.csv")),
        content_type="multipart/form-data",
    )


def test_a_csv_of_seats_becomes_the_layout(world):
    answer = upload(world, "section,row,seat,accessible\nA,1,1,yes\nA,1,2,\nB,1,1,\n")

    assert answer.status_code == 303
    layout = stored(world).layout
    assert layout["name"] == "Small Hall"
    assert [(s["section"], s["number"], s["accessible"]) for s in layout["seats"]] == [
        ("A", 1, True),
        ("A", 2, False),
        ("B", 1, False),
    ]


def test_a_csv_with_a_seat_twice_is_refused_beside_the_file_and_nothing_is_saved(world):
    answer = upload(world, "section,row,seat\nA,1,1\nA,1,2\nA,1,1\n")

    assert answer.status_code == 422
    said = error_beside(answer.text, "seats_csv") or ""
    assert "listed twice" in said and "line 2" in said
    assert 'value="Small Hall"' in answer.text
    assert stored(world).layout is None


def test_a_csv_without_its_columns_or_a_file_is_refused(world):
    missing = upload(world, "section,seat\nA,1\n")
    browser = world.browser("registration")
    empty = browser.post(world.venue + "/csv", data=world.form(csv_name="Hall"))

    assert missing.status_code == 422
    assert "row" in (error_beside(missing.text, "seats_csv") or "")
    assert empty.status_code == 422
    assert error_beside(empty.text, "seats_csv") == "Choose a CSV file of seats."
    assert stored(world).layout is None


# -- kept layouts ----------------------------------------------------------------------------------


def test_a_layout_is_kept_and_applied_to_another_ceremony(world):
    save_grid(world)
    browser = world.browser("registration")
    keep = browser.post(world.venue + "/saved", data=world.form(kept_name="Grand Hall, 2 rows"))
    other = world.api("POST", "/api/ceremonies", json=ceremony_body(title="Opening Day")).json["id"]
    world.grant(world.account_id, "owner", other)
    page = browser.get(f"/console/ceremonies/{other}/venue").text
    (layout_id,) = [entry for entry in _options(page, "layout_id") if entry]

    applied = browser.post(
        f"/console/ceremonies/{other}/venue/saved/apply",
        data=world.form(layout_id=layout_id),
    )

    assert keep.status_code == 303 and kept(world) == ["Grand Hall, 2 rows"]
    assert applied.status_code == 303
    shown = text_of(browser.get(f"/console/ceremonies/{other}/venue").text)
    assert "The hall Grand Hall has 20 seats in 2 sections." in shown


def _options(page: str, name: str) -> list[str]:
    select_ = re.search(rf'<select id="f-{name}" name="{name}".*?</select>', page, re.S)
    return re.findall(r'<option value="([^"]*)"', select_.group(0)) if select_ else []


def test_keeping_without_a_layout_or_a_name_is_refused(world):
    browser = world.browser("registration")
    no_layout = browser.post(world.venue + "/saved", data=world.form(kept_name="Hall"))
    save_grid(world)
    no_name = browser.post(world.venue + "/saved", data=world.form(kept_name=" "))
    unknown = browser.post(
        world.venue + "/saved/apply", data=world.form(layout_id=str(uuid.uuid4()))
    )

    assert no_layout.status_code == 409
    assert "no layout to save" in text_of(no_layout.text)
    assert no_name.status_code == 422
    assert unknown.status_code == 422
    assert kept(world) == []


# -- blocks and the seat of honour -----------------------------------------------------------------


def test_blocks_are_saved_in_their_order(world):
    save_grid(world)
    answer = world.browser("registration").post(
        world.venue + "/blocks",
        data=world.form(
            **{
                "blocks.0.name": "Dignitaries",
                "blocks.0.categories": ["dignitary", "speaker"],
                "blocks.0.section": "A",
                "blocks.0.rows": "1",
                "blocks.0.seats": "",
                "blocks.1.name": "Guests",
                "blocks.1.categories": "guest",
                "blocks.1.section": "A",
                "blocks.1.rows": "2",
                "blocks.1.seats": "",
            }
        ),
    )

    assert answer.status_code == 303
    blocks = stored(world).blocks
    assert [(b["name"], b["categories"], b["rows"]) for b in blocks] == [
        ("Dignitaries", ["dignitary", "speaker"], ["1"]),
        ("Guests", ["guest"], ["2"]),
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"blocks.0.rows": "9"}, "blocks.0.rows", "No row 9 in section A."),
        ({"blocks.0.categories": []}, "blocks.0.categories", "categories or named people"),
        ({"blocks.0.section": "", "blocks.0.seats": "Z:1:1"}, "blocks.0.seats", "No seat Z:1:1"),
    ],
)
def test_a_bad_block_is_named_beside_its_field_and_nothing_is_saved(world, changes, field, message):
    save_grid(world)
    fields = {
        "blocks.0.name": "Dignitaries",
        "blocks.0.categories": "dignitary",
        "blocks.0.section": "A",
        "blocks.0.rows": "1",
        "blocks.0.seats": "",
        **changes,
    }
    answer = world.browser("registration").post(world.venue + "/blocks", data=world.form(**fields))

    assert answer.status_code == 422
    assert message in (error_beside(answer.text, field) or text_of(answer.text))
    assert 'value="Dignitaries"' in answer.text
    assert stored(world).blocks == []


def register(world, full_name: str, email: str, category: str = "guest") -> str:
    return world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/registrations",
        json={"full_name": full_name, "email": email, "category": category},
    ).json["id"]


def test_a_block_for_named_guests_takes_their_emails_and_shows_them_again(world):
    save_grid(world)
    amina = register(world, "Amina Diallo", "amina@example.org")
    jose = register(world, "José Fernández", "jose@example.org", "press")
    browser = world.browser("registration")
    answer = browser.post(
        world.venue + "/blocks",
        data=world.form(
            **{
                "blocks.0.name": "Family of the laureate",
                "blocks.0.section": "A",
                "blocks.0.rows": "1",
                "blocks.0.people": " JOSE@example.org, amina@example.org ,jose@example.org",
            }
        ),
    )

    assert answer.status_code == 303
    [block] = stored(world).blocks
    assert (block["categories"], block["people"]) == ([], [jose, amina])
    page = browser.get(world.venue)
    assert 'value="jose@example.org, amina@example.org"' in page.text


def test_saving_the_blocks_keeps_the_named_guests_a_block_was_given_through_the_api(world):
    save_grid(world)
    amina = register(world, "Amina Diallo", "amina@example.org")
    world.api(
        "PUT",
        f"/api/ceremonies/{world.ceremony_id}/blocks",
        json={"blocks": [{"name": "Family", "section": "A", "rows": ["1"], "people": [amina]}]},
    )
    browser = world.browser("registration")
    page = browser.get(world.venue)
    shown = re.search(r'name="blocks\.0\.people"[^>]*value="([^"]*)"', page.text)
    assert shown and shown.group(1) == "amina@example.org"

    # Sent back as shown, with a category added: the named guest is still there.
    answer = browser.post(
        world.venue + "/blocks",
        data=world.form(
            **{
                "blocks.0.name": "Family",
                "blocks.0.categories": "guest",
                "blocks.0.section": "A",
                "blocks.0.rows": "1",
                "blocks.0.people": shown.group(1),
            }
        ),
    )
    assert answer.status_code == 303
    [block] = stored(world).blocks
    assert (block["categories"], block["people"]) == (["guest"], [amina])


def test_an_email_that_is_no_guest_of_the_ceremony_is_named_beside_the_field(world):
    save_grid(world)
    register(world, "Amina Diallo", "amina@example.org")
    answer = world.browser("registration").post(
        world.venue + "/blocks",
        data=world.form(
            **{
                "blocks.0.name": "Family",
                "blocks.0.section": "A",
                "blocks.0.people": "amina@example.org, nobody@example.org",
            }
        ),
    )

    assert answer.status_code == 422
    assert error_beside(answer.text, "blocks.0.people") == (
        "No guest of this ceremony has the email nobody@example.org."
    )
    assert "amina@example.org, nobody@example.org" in answer.text  # kept as typed
    assert stored(world).blocks == []


def test_the_seat_of_honour_at_the_hosts_right_needs_a_host(world):
    host = world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/registrations",
        json={"full_name": "Dr Host", "email": "host@example.org", "category": "dignitary"},
    ).json["id"]
    browser = world.browser("registration")
    refused = browser.post(world.venue + "/rules", data=world.form(seat_of_honour="host_right"))
    saved = browser.post(
        world.venue + "/rules",
        data=world.form(seat_of_honour="host_right", host_registration_id=host),
    )

    assert refused.status_code == 422
    assert "Required" in (error_beside(refused.text, "host_registration_id") or "")
    assert saved.status_code == 303
    assert stored(world).seating_rules == {
        "seat_of_honour": "host_right",
        "host_registration_id": host,
    }


# -- zones and gates ---------------------------------------------------------------------------

ACCESS = {
    "zones.0.name": "Hall",
    "zones.0.categories": ["guest", "participant", "dignitary"],
    "zones.1.name": "VIP lounge",
    "zones.1.categories": ["dignitary", "speaker"],
    "gates.0.gate": "Main Gate",
    "gates.0.zones": "Hall",
    "gates.0.opens_at": "2027-01-10T13:30",
    "gates.0.closes_at": "2027-01-10T18:00",
    "gates.1.gate": "VIP Door",
    "gates.1.zones": "VIP lounge, Hall",
    "gates.1.opens_at": "",
    "gates.1.closes_at": "",
}


def save_access(world, **changes):
    return world.browser("registration").post(
        world.access, data=world.form(**{**ACCESS, **changes})
    )


def test_zones_and_gates_are_saved_with_door_hours_on_the_ceremonys_clock(world):
    answer = save_access(world)

    assert answer.status_code == 303
    ceremony = stored(world)
    assert ceremony.zones[1] == {"name": "VIP lounge", "categories": ["dignitary", "speaker"]}
    main = ceremony.gate_rules[0]
    # 13:30 in Paris in January is 12:30 UTC.
    assert main["gate"] == "Main Gate" and main["opens_at"].startswith("2027-01-10T12:30:00")
    assert ceremony.gate_rules[1]["zones"] == ["VIP lounge", "Hall"]
    page = world.browser("registration").get(world.access).text
    assert 'value="2027-01-10T13:30"' in page and 'value="2027-01-10T18:00"' in page
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        bodies = session.scalars(
            select(outbox.c.body).where(outbox.c.event_type == "ceremony.updated")
        ).all()
    assert json.loads(bodies[-1])["data"]["zones"][0]["name"] == "Hall"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"gates.0.closes_at": "2027-01-10T12:00"},
            "gates.0.closes_at",
            "The door must close after it opens.",
        ),
        ({"gates.0.opens_at": "soon"}, "gates.0.opens_at", "Not a date and time"),
        ({"gates.1.zones": "Hall, Garden"}, "gates.1.zones", "No zone is named Garden."),
        ({"zones.0.categories": []}, "zones.0.categories", "Shorter than minimum length 1."),
    ],
)
def test_bad_access_is_named_beside_its_field_and_nothing_is_saved(world, changes, field, message):
    answer = save_access(world, **changes)

    assert answer.status_code == 422
    assert message in (error_beside(answer.text, field) or "")
    assert 'value="VIP lounge"' in answer.text
    assert stored(world).zones == []


def test_a_zone_no_gate_leads_into_is_refused(world):
    answer = save_access(world, **{"gates.1.zones": "Hall"})

    assert answer.status_code == 422
    assert "No gate leads into the zone VIP lounge." in text_of(answer.text)
    assert stored(world).zones == [] and stored(world).gate_rules == []


def test_a_summer_time_gap_is_refused_beside_the_door_hour(world):
    answer = save_access(world, **{"gates.0.opens_at": "2027-03-28T02:30"})
    assert answer.status_code == 422
    assert "does not exist" in (error_beside(answer.text, "gates.0.opens_at") or "")


# -- roles ---------------------------------------------------------------------------------------


def test_a_viewer_reads_the_venue_and_access_but_cannot_change_them(world):
    save_grid(world)
    token, csrf = session_of(world, "viewer")
    viewer = world.browser("registration", token)
    page = viewer.get(world.venue)
    access = viewer.get(world.access)
    changed = viewer.post(world.venue + "/layout", data={"csrf_token": csrf, **GRID})
    zoned = viewer.post(world.access, data={"csrf_token": csrf, **ACCESS})

    assert page.status_code == 200 and access.status_code == 200
    assert "Your role lets you read the venue, not change it." in text_of(page.text)
    assert "<fieldset disabled>" in page.text or "disabled>" in page.text
    assert "Save the hall" not in page.text
    assert changed.status_code == 403 and zoned.status_code == 403
    assert stored(world).zones == []


def test_the_door_role_cannot_see_the_venue(world):
    token, _ = session_of(world, "door")
    door = world.browser("registration", token)
    assert door.get(world.venue).status_code == 403
    assert door.get(world.access).status_code == 403


def test_a_change_without_the_forms_token_is_refused(world):
    answer = world.browser("registration").post(world.venue + "/layout", data=GRID)
    assert answer.status_code == 403
    assert stored(world).layout is None
