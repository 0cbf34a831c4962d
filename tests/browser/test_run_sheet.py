"""The master of ceremonies' run sheet in headless Chromium: it and the printing page pass
axe-core at phone and desktop size, and a speaker admitted at the door shows on the open page,
with an alert, without reloading it."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from services.registration.console import run_sheet
from shared.sessions import SESSION_COOKIE
from tests.browser.guest_harness import DESKTOP, PHONE, GuestBrowser
from tests.console.harness import ConsoleWorld
from tests.console.test_run_sheet_pages import build_hall, record_arrival

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = ConsoleWorld(tmp_path_factory.mktemp("run-sheet"), capacity=50)
    build_hall(world)
    server = make_server("127.0.0.1", 0, world.apps["registration"], threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    world.url = f"http://127.0.0.1:{server.server_port}/console/ceremonies/{world.ceremony_id}"
    yield world
    server.shutdown()
    server.server_close()
    world.close()


@pytest.fixture(scope="module")
def person(module_chromium, world, axe_source) -> GuestBrowser:
    person = GuestBrowser(module_chromium, "", axe_source)
    person.open(world.url.split("/console")[0] + "/healthz")
    module_chromium.add_cookie({"name": SESSION_COOKIE, "value": world.token, "path": "/"})
    return person


def live_text(person, css: str) -> str:
    """The text of a part of the page that htmx replaces every second (read in one go)."""
    return person.driver.execute_script(
        "return document.querySelector(arguments[0]).innerText", css
    )


@pytest.mark.parametrize("size", ["phone", "desktop"])
def test_the_run_sheet_and_the_printing_page_pass_axe_and_fit_the_screen(world, person, size):
    person.resize(PHONE if size == "phone" else DESKTOP)
    for path in ("/run-sheet", "/printing", "/place-cards.pdf?size=A3"):
        person.open(world.url + path)
        WebDriverWait(person.driver, 10).until(lambda d: "Ceremony console" in d.title)
        person.check("en")


def test_a_speakers_arrival_appears_on_the_open_run_sheet_with_an_alert(world, person, monkeypatch):
    monkeypatch.setattr(run_sheet, "REFRESH_SECONDS", 1)
    person.resize(DESKTOP)
    person.open(world.url + "/run-sheet")
    WebDriverWait(person.driver, 10).until(lambda d: "Run sheet" in d.title)
    marker = person.driver.execute_script(
        "window.polls = 0;"
        "document.body.addEventListener('htmx:afterSwap', () => { window.polls += 1; });"
        "return (window.unchanged = 'same page')"
    )
    assert "not yet arrived" in live_text(person, "#item-3")
    record_arrival(world, "rashid", datetime(2026, 12, 16, 14, 3, tzinfo=UTC))

    WebDriverWait(person.driver, 15).until(
        lambda d: "arrived at 15:03" in live_text(person, "#item-3")
    )
    alert = person.find("#run-sheet-alerts")
    assert "has arrived (at 15:03)" in alert.text and "محمد بن راشد" in alert.text
    assert alert.get_attribute("aria-live") == "assertive"
    assert person.driver.execute_script("return window.unchanged") == marker  # not reloaded
    awaited = live_text(person, "ul.awaited")
    assert "محمد بن راشد" not in awaited and "Amina Diallo" in awaited
    # The next polls name him as known: the alert is not repeated.
    seen = person.driver.execute_script("return window.polls")
    WebDriverWait(person.driver, 10).until(
        lambda d: d.execute_script("return window.polls") >= seen + 2
    )
    polled = person.driver.execute_script(
        "return document.getElementById('run-sheet-live').getAttribute('hx-get')"
    )
    assert world.ids["rashid"] in polled
    assert len(person.find_all("#run-sheet-alerts p")) == 1
    # Polling paused, so that axe reads a page that holds still.
    person.driver.execute_script(
        "document.body.addEventListener('htmx:beforeRequest', (e) => e.preventDefault())"
    )
    person.check("en")
