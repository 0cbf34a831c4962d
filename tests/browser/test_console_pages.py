"""Every page of the organiser console in headless Chromium, at phone and desktop size: axe-core
finds no WCAG 2.x A/AA violation, the page names its language and fits the screen — pages of
all three services, signed in once with the suite's session cookie, a form shown with its
errors included."""

from __future__ import annotations

import uuid

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from services.registration.models import Account
from shared.console.languages import LANGUAGE_COOKIE
from shared.sessions import SESSION_COOKIE
from tests.browser.guest_harness import DESKTOP, PHONE, GuestBrowser
from tests.console.harness import ConsoleWorld

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = ConsoleWorld(tmp_path_factory.mktemp("console"), capacity=50)
    with world.apps["registration"].extensions["ceremony"].database.transaction() as session:
        session.add(
            Account(
                id=uuid.UUID(world.account_id),
                email="olga@example.org",
                email_key="olga@example.org",
                display_name="Olga Organiser",
                language="en",
            )
        )
    people = [
        {
            "full_name": "Élise Fernández",
            "email": "elise@example.org",
            "organisation": "Université",
        },
        {"full_name": "王小明", "email": "wang@example.cn", "category": "press"},
        {"full_name": "H.E. Li Wei", "email": "li@example.cn", "category": "dignitary"},
    ]
    world.guest_ids = [
        world.api("POST", f"/api/ceremonies/{world.ceremony_id}/registrations", json=p).json["id"]
        for p in people
    ]
    world.api(
        "POST",
        f"/api/ceremonies/{world.ceremony_id}/invitations",
        json={"invitees": [{"full_name": "Amina Diallo", "email": "amina@example.sn"}]},
    )
    # A hall and a block kept for a named guest: the venue page draws its block's fields.
    seats = [{"section": "A", "row": str(row), "number": n} for row in (1, 2) for n in (1, 2, 3)]
    layout = {"name": "Grand Hall", "stage": "Stage", "sections": [{"name": "A"}], "seats": seats}
    block = {"name": "Family", "section": "A", "rows": ["1"], "people": [world.guest_ids[0]]}
    for tail, body in (("venue", layout), ("blocks", {"blocks": [block]})):
        answer = world.api("PUT", f"/api/ceremonies/{world.ceremony_id}/{tail}", json=body)
        assert answer.status_code == 200, answer.json
    world.serve()
    yield world
    world.close()


@pytest.fixture(scope="module")
def person(module_chromium, world, axe_source) -> GuestBrowser:
    """The ceremony's owner, signed in (the cookie is the host's, whatever the port)."""
    person = GuestBrowser(module_chromium, "", axe_source)
    person.open(world.urls["registration"] + "/healthz")
    module_chromium.add_cookie({"name": SESSION_COOKIE, "value": world.token, "path": "/"})
    return person


def pages(world) -> list[tuple[str, str]]:
    c, g = world.ceremony_id, world.guest_ids[0]
    return [
        ("registration", "/console"),
        ("registration", f"/console/ceremonies/{c}"),
        ("registration", f"/console/ceremonies/{c}/edit"),
        ("registration", f"/console/ceremonies/{c}/programme"),
        ("registration", f"/console/ceremonies/{c}/words"),
        ("registration", f"/console/ceremonies/{c}/guests"),
        ("registration", f"/console/ceremonies/{c}/guests/{g}"),
        ("registration", f"/console/ceremonies/{c}/guests/new"),
        ("registration", f"/console/ceremonies/{c}/approvals"),
        ("registration", f"/console/ceremonies/{c}/invitations"),
        ("registration", f"/console/ceremonies/{c}/invitations/new"),
        ("registration", f"/console/ceremonies/{c}/invitations/import"),
        ("registration", f"/console/ceremonies/{c}/devices"),
        ("registration", f"/console/ceremonies/{c}/team"),
        ("registration", f"/console/ceremonies/{c}/audit"),
        ("registration", f"/console/ceremonies/{c}/venue"),
        ("registration", f"/console/ceremonies/{c}/access"),
        ("registration", f"/console/ceremonies/{c}/seating"),
        ("registration", f"/console/ceremonies/{c}/printing"),
        ("registration", f"/console/ceremonies/{c}/run-sheet"),
        ("registration", f"/console/ceremonies/{c}/graduation"),
        ("registration", "/console/account"),
        ("badges", f"/console/badges/{c}"),
        ("badges", f"/console/badges/{c}/attendance"),
        ("badges", f"/console/badges/{c}/certificates"),
        ("notifications", f"/console/emails/{c}"),
        ("notifications", f"/console/emails/{c}/templates"),
        ("notifications", f"/console/emails/{c}/announcements"),
    ]


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_every_console_page_passes_axe_and_fits_the_screen(world, person, size):
    person.resize(PHONE if size == "phone" else DESKTOP)
    checked = []
    for service, path in pages(world):
        person.open(world.urls[service] + path)
        WebDriverWait(person.driver, 10).until(lambda d: "Ceremony console" in d.title)
        try:
            person.check("en")
        except AssertionError as error:
            widest = person.driver.execute_script(
                "let w=null;for(const e of document.querySelectorAll('body *')){"
                "const r=e.getBoundingClientRect();if(r.right>window.innerWidth+1&&"
                "(!w||r.width<w.r.width))w={r:r,t:e.outerHTML.slice(0,200)}}return w&&w.t"
            )
            raise AssertionError(f"{size} {path}: {error} {widest}") from None
        checked.append(path)
    assert len(checked) == len(pages(world))


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_a_correction_with_errors_passes_axe_with_each_error_beside_its_field(world, person, size):
    person.resize(PHONE if size == "phone" else DESKTOP)
    person.open(
        f"{world.urls['registration']}/console/ceremonies/{world.ceremony_id}"
        f"/guests/{world.guest_ids[0]}"
    )
    name = person.find("#f-full_name")
    name.clear()
    precedence = person.find("#f-precedence")
    precedence.clear()
    precedence.send_keys("-5")
    person.follow(person.find("form[novalidate] button[type=submit]").click)
    assert person.find("#error-full_name").text and person.find("#error-precedence").text
    assert person.find("#f-precedence").get_attribute("value") == "-5"
    assert person.find("#f-full_name").get_attribute("aria-invalid") == "true"
    person.check("en")


def test_the_guest_search_updates_as_one_types(world, person):
    person.resize(DESKTOP)
    person.open(f"{world.urls['registration']}/console/ceremonies/{world.ceremony_id}/guests")
    person.find("#f-q").send_keys("universite")
    WebDriverWait(person.driver, 10).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, "#results tbody tr")) == 1
    )
    assert "Élise Fernández" in person.find("#results").text
    assert "q=universite" in person.driver.current_url  # the search is in the address


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_arabic_dashboard_reads_right_to_left_and_passes_axe(world, person, size):
    person.resize(PHONE if size == "phone" else DESKTOP)
    person.open(f"{world.urls['registration']}/console/ceremonies/{world.ceremony_id}?lang=ar")
    WebDriverWait(person.driver, 10).until(lambda d: "وحدة التحكم في الحفل" in d.title)

    person.check("ar")
    assert person.find("html").get_attribute("dir") == "rtl"
    brand = person.find(".brand").rect
    first, second = (item.rect for item in person.find_all(".menu li")[:2])
    # Mirrored: the console's name starts at the right edge, the menu runs right to left.
    assert brand["x"] + brand["width"] > person.width / 2
    if first["y"] == second["y"]:
        assert first["x"] > second["x"]
    assert person.find(".languages a[aria-current]").text == "العربية"
    # The choice is remembered; the other tests read the console in English.
    person.driver.delete_cookie(LANGUAGE_COOKIE)
