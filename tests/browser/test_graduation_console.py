"""The graduation in headless Chromium: the console page at phone and desktop size passes
axe-core with no WCAG 2.x A/AA violation, an organiser sets a result (htmx swaps the section),
uploads a real PNG signature and sees it, uploads a text file and sees the error beside the
field; a graduate gives how their name sounds on their own page, which passes axe too."""

from __future__ import annotations

import threading
import uuid
from urllib.parse import urlsplit

import pytest
from PIL import Image
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from services.registration.graduation import get_course, graduation_of, set_phonetic
from shared.sessions import SESSION_COOKIE
from tests.browser.door_harness import WAIT_SECONDS
from tests.browser.guest_harness import DESKTOP, PHONE, GuestBrowser
from tests.console.harness import ConsoleWorld

pytestmark = pytest.mark.browser

COURSE = {
    "title": "Protocol Officers' Course",
    "starts_on": "2026-10-19",
    "ends_on": "2026-11-27",
    "hours": "240",
    "organisations.0.name": "Institute of Protocol",
    "signatories.0.name": "Amina Diallo",
    "signatories.0.title": "Director General",
}


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = ConsoleWorld(tmp_path_factory.mktemp("graduation"), capacity=20)
    c = world.ceremony_id
    people = [
        {"full_name": "Helen Marsh", "email": "helen@example.org", "category": "participant"},
        {"full_name": "王建国", "email": "wang@example.cn", "category": "participant"},
        {"full_name": "Kenji Sato", "email": "kenji@example.org", "category": "speaker"},
    ]
    world.created = [
        world.api("POST", f"/api/ceremonies/{c}/registrations", json=p).json for p in people
    ]
    saved = world.browser("registration").post(
        f"/console/ceremonies/{c}/graduation/course", data=world.form(**COURSE)
    )
    assert saved.status_code == 303
    server = make_server("127.0.0.1", 0, world.apps["registration"], threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    world.url = f"http://127.0.0.1:{server.server_port}"
    world.page = f"{world.url}/console/ceremonies/{c}/graduation"
    yield world
    server.shutdown()
    server.server_close()
    world.close()


@pytest.fixture(scope="module")
def organiser(module_chromium, world, axe_source) -> GuestBrowser:
    person = GuestBrowser(module_chromium, "", axe_source)
    person.open(world.url + "/healthz")
    module_chromium.add_cookie({"name": SESSION_COOKIE, "value": world.token, "path": "/"})
    return person


def database(world):
    return world.apps["registration"].extensions["ceremony"].database


def by_id(element_id: str) -> str:
    """A CSS selector for an id with dots in it."""
    return f'[id="{element_id}"]'


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_graduation_page_passes_axe_and_fits_the_screen(world, organiser, size):
    organiser.resize(PHONE if size == "phone" else DESKTOP)

    organiser.open(world.page)

    WebDriverWait(organiser.driver, WAIT_SECONDS).until(lambda d: "Graduation" in d.title)
    organiser.check("en")
    assert organiser.find('.menu a[aria-current="page"]').text == "Graduation"


def test_a_result_set_in_the_table_is_saved_in_place(world, organiser):
    organiser.resize(DESKTOP)
    organiser.open(world.page)
    helen = world.created[0]["id"]

    Select(organiser.find(by_id(f"f-result.{helen}"))).select_by_value("distinction")
    organiser.find(by_id(f"f-group.{helen}")).send_keys("Group A")
    organiser.find("#results button[type=submit]").click()

    WebDriverWait(organiser.driver, WAIT_SECONDS).until(
        # Read in the page: htmx swaps the section for a new one when the save is answered.
        lambda d: (
            "The results are saved"
            in d.execute_script("return document.getElementById('results').innerText")
        )
    )
    with database(world).transaction() as session:
        record = graduation_of(session, uuid.UUID(helen))
    assert (record["result"], record["group"]) == ("distinction", "Group A")
    assert organiser.driver.current_url == world.page  # swapped in place, not a new page
    organiser.check("en")


def test_an_uploaded_signature_is_shown(world, organiser, tmp_path):
    organiser.resize(PHONE)
    organiser.open(world.page)
    picture = tmp_path / "signature.png"
    Image.new("RGBA", (600, 200), (10, 10, 90, 255)).save(picture, format="PNG")

    organiser.find(by_id("f-signatories.0.signature")).send_keys(str(picture))
    organiser.follow(organiser.find("#signatories-0 button[type=submit]").click)

    image = organiser.find('img[data-image="signatories.0.signature"]')
    WebDriverWait(organiser.driver, WAIT_SECONDS).until(
        lambda d: d.execute_script("return arguments[0].complete", image)
    )
    assert organiser.driver.execute_script("return arguments[0].naturalWidth", image) == 600
    assert image.get_attribute("alt") == "Signature of Amina Diallo"
    with database(world).transaction() as session:
        assert get_course(session, uuid.UUID(world.ceremony_id))["signatories"][0]["has_signature"]
    organiser.check("en")


def test_a_text_file_is_refused_beside_the_upload_field(world, organiser, tmp_path):
    organiser.resize(DESKTOP)
    organiser.open(world.page)
    text = tmp_path / "logo.txt"
    text.write_text("this is not an image\n", encoding="utf-8")

    organiser.find(by_id("f-organisations.0.logo")).send_keys(str(text))
    organiser.follow(organiser.find("#organisations-0 button[type=submit]").click)

    error = organiser.find(by_id("error-organisations.0.logo"))
    assert error.text.startswith("The file is not an image")
    field = organiser.find(by_id("f-organisations.0.logo"))
    assert field.get_attribute("aria-invalid") == "true"
    assert "error-organisations.0.logo" in field.get_attribute("aria-describedby")
    organiser.check("en")


# -- the graduate's own page -------------------------------------------------------------------


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_graduate_gives_how_their_name_sounds_on_a_page_that_passes_axe(world, organiser, size):
    organiser.resize(PHONE if size == "phone" else DESKTOP)
    wang = world.created[1]
    organiser.open(world.url + urlsplit(wang["manage_url"]).path)
    organiser.check("en")

    field = organiser.find("#phonetic-field")
    field.clear()
    field.send_keys("ah-MEE\u202enah")  # a right-to-left override, which no name needs
    organiser.follow(organiser.find("#phonetic button[type=submit]").click)
    error = organiser.find("#phonetic-error").text
    assert error == "Remove the line breaks and invisible characters."
    assert organiser.find("#phonetic-field").get_attribute("value") == "ah-MEE\u202enah"
    organiser.check("en")

    field = organiser.find("#phonetic-field")
    field.clear()
    field.send_keys("wahng jyen-GWOH")
    organiser.follow(organiser.find("#phonetic button[type=submit]").click)

    assert "will read your name this way" in organiser.find("#phonetic [role=status]").text
    organiser.check("en")
    with database(world).transaction() as session:
        assert graduation_of(session, uuid.UUID(wang["id"]))["phonetic"] == "wahng jyen-GWOH"


def test_the_console_roll_shows_the_spelling_a_graduate_gave(world, organiser):
    wang = world.created[1]["id"]
    with database(world).transaction() as session:
        set_phonetic(session, uuid.UUID(wang), "wahng jyen-GWOH")
    organiser.resize(DESKTOP)

    organiser.open(world.page)

    row = organiser.find(f'[data-roll="{wang}"]')
    assert "王建国" in row.text and "wahng jyen-GWOH" in row.text
