"""The seating chart in headless Chromium: a protocol officer drags a guest onto another seat
and the chart, the stored seat and the ``seating.assigned`` event follow; the keyboard does the
same without a pointer; the venue, zones and seating pages pass axe at phone and desktop size.

``seated_world`` and ``officer`` are meant to be reused by tests that follow the seat further
(the badge, the email, the door)."""

from __future__ import annotations

import json
import uuid

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select

from services.registration.models import SeatAssignment, outbox
from shared.sessions import SESSION_COOKIE
from tests.browser.door_harness import WAIT_SECONDS
from tests.browser.guest_harness import DESKTOP, PHONE, GuestBrowser
from tests.console.test_seating_pages import build_world

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def seated_world(tmp_path_factory):
    """The small hall of the console's seating tests with its three guests, every service
    served on loopback; Amina Diallo sits in A:1:2."""
    world = build_world(tmp_path_factory.mktemp("seating"))
    answer = world.browser("registration").post(
        world.chart + "/move",
        data=world.form(registration_id=world.guests["Amina Diallo"], seat="A:1:2"),
    )
    assert answer.status_code == 303
    world.serve()
    yield world
    world.close()


@pytest.fixture(scope="module")
def officer(module_chromium, seated_world, axe_source) -> GuestBrowser:
    """The ceremony's owner, signed in, on the seating chart."""
    officer = GuestBrowser(module_chromium, seated_world.urls["registration"], axe_source)
    officer.open("/healthz")
    module_chromium.add_cookie({"name": SESSION_COOKIE, "value": seated_world.token, "path": "/"})
    return officer


def stored_seat(world, name: str) -> str | None:
    database = world.apps["registration"].extensions["ceremony"].database
    with database.transaction() as session:
        return session.scalar(
            select(SeatAssignment.seat_id).where(
                SeatAssignment.registration_id == uuid.UUID(world.guests[name])
            )
        )


def last_assigned(world) -> dict:
    database = world.apps["registration"].extensions["ceremony"].database
    query = (
        select(outbox.c.body)
        .where(outbox.c.event_type == "seating.assigned")
        .order_by(outbox.c.id.desc())
        .limit(1)
    )
    with database.transaction() as session:
        return json.loads(session.scalar(query))["data"]


def seat(officer: GuestBrowser, ident: str):
    element = officer.find(f'[data-seat="{ident}"]')
    officer.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)
    return element


def wait_for_person(officer: GuestBrowser, ident: str, person: str) -> None:
    WebDriverWait(officer.driver, WAIT_SECONDS).until(
        lambda d: (
            d.execute_script(
                "return document.querySelector(`[data-seat='${arguments[0]}']`)?.dataset.person",
                ident,
            )
            == person
        )
    )


def test_dragging_a_guest_to_another_seat_moves_them(seated_world, officer):
    world = seated_world
    officer.resize(DESKTOP)
    officer.open(world.chart)
    amina = world.guests["Amina Diallo"]
    assert seat(officer, "A:1:2").get_attribute("data-person") == amina

    source, target = seat(officer, "A:1:2"), seat(officer, "A:2:3")
    ActionChains(officer.driver).click_and_hold(source).move_by_offset(10, 10).move_to_element(
        target
    ).release().perform()

    wait_for_person(officer, "A:2:3", amina)
    assert seat(officer, "A:1:2").get_attribute("data-person") is None
    assert "Amina Diallo" in seat(officer, "A:2:3").get_attribute("aria-label")
    assert officer.find("#seating .notice").text == "The guest is seated."
    assert stored_seat(world, "Amina Diallo") == "A:2:3"
    event = last_assigned(world)
    assert event["registration_id"] == amina
    assert event["seat"]["id"] == "A:2:3" and event["previous_seat"]["id"] == "A:1:2"


def test_dragging_a_guest_from_the_list_seats_them(seated_world, officer):
    world = seated_world
    officer.resize(DESKTOP)
    officer.open(world.chart)
    li = world.guests["H.E. Li Wei"]
    listed = officer.find(f'.unseated [data-person="{li}"]')
    target = seat(officer, "Dinner:1:1")

    ActionChains(officer.driver).click_and_hold(listed).move_by_offset(10, 10).move_to_element(
        target
    ).release().perform()

    wait_for_person(officer, "Dinner:1:1", li)
    assert not officer.find_all(f'.unseated [data-person="{li}"]')
    assert stored_seat(world, "H.E. Li Wei") == "Dinner:1:1"


def test_the_keyboard_picks_a_guest_then_a_seat(seated_world, officer):
    world = seated_world
    officer.resize(DESKTOP)
    officer.open(world.chart)
    elise = world.guests["Élise Fernández"]
    listed = officer.find(f'.unseated [data-person="{elise}"]')
    listed.send_keys(Keys.ENTER)
    assert listed.get_attribute("aria-pressed") == "true"
    assert "Élise Fernández" in officer.find("#chart-status").get_attribute("textContent")

    seat(officer, "A:2:1").send_keys(Keys.ENTER)

    wait_for_person(officer, "A:2:1", elise)
    assert stored_seat(world, "Élise Fernández") == "A:2:1"


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_venue_zones_and_seating_pages_pass_axe(seated_world, officer, size):
    officer.resize(PHONE if size == "phone" else DESKTOP)
    c = seated_world.ceremony_id
    for path in (
        f"/console/ceremonies/{c}/venue",
        f"/console/ceremonies/{c}/access",
        f"/console/ceremonies/{c}/seating",
    ):
        officer.open(path)
        WebDriverWait(officer.driver, WAIT_SECONDS).until(lambda d: "Ceremony console" in d.title)
        officer.check("en")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_move_refused_shows_its_error_beside_the_seat_and_passes_axe(seated_world, officer, size):
    officer.resize(PHONE if size == "phone" else DESKTOP)
    officer.open(seated_world.chart)
    officer.find("#f-seat")
    officer.driver.execute_script(
        "document.getElementById('f-registration_id').value = arguments[0];"
        "document.getElementById('f-seat').value = '';",
        seated_world.guests["Amina Diallo"],
    )
    officer.find('#move-form button[value="move"]').click()

    WebDriverWait(officer.driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return !!document.getElementById('error-seat')")
    )
    assert officer.find("#error-seat").text == "Choose a seat."
    assert officer.find("#f-seat").get_attribute("aria-invalid") == "true"
    officer.check("en")


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_bad_grid_shows_its_error_beside_the_field_and_passes_axe(seated_world, officer, size):
    officer.resize(PHONE if size == "phone" else DESKTOP)
    officer.open(f"/console/ceremonies/{seated_world.ceremony_id}/venue")
    rows = officer.find("#f-sections\\.0\\.rows")
    rows.clear()
    rows.send_keys("0")
    # Enter saves the hall (it does not remove the first section).
    officer.follow(lambda: rows.send_keys(Keys.ENTER))

    assert officer.find("#error-sections\\.0\\.rows").text == "Give a whole number from 1 to 999."
    assert officer.find("#f-sections\\.0\\.rows").get_attribute("value") == "0"
    officer.check("en")
