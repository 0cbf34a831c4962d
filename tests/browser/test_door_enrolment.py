"""A door device enrolled by its QR code, in headless Chromium against the registration and
badges apps served on loopback: the fake camera shows the enrolment code, the door page's
"Scan an enrolment code" reads it, the enrolment page signs the device in at its gate, and once
the device is revoked its next scan signs it out and wipes what it kept offline.

Events travel between the two services as the bus would carry them: each service's outbox is
handed to the other's handlers.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import threading
from pathlib import Path

import pytest
import requests
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from sqlalchemy import select
from werkzeug.serving import make_server

from services.badges.app import create_app as create_badges_app
from services.badges.door.page import DEFAULT_DECODER
from services.badges.service import SERVICE as BADGES
from services.registration.app import create_app as create_registration_app
from services.registration.service import SERVICE as REGISTRATION
from shared.auth import Signer
from shared.events import parse_envelope
from shared.worker import EventWorker
from tests.badges.fixtures import Feed
from tests.browser.door_harness import WAIT_SECONDS, DoorPage, chromium, missing_browser
from tests.browser.guest_harness import AXE_SCRIPT, DESKTOP, PHONE, GuestBrowser
from tests.conftest import SECRET, make_settings, migrated, wait_for
from tests.registration.conftest import ceremony_body

pytestmark = pytest.mark.browser

STORED = """
const done = arguments[arguments.length - 1];
const request = indexedDB.open("ceremony-door");
request.onsuccess = () => {
  const db = request.result;
  const transaction = db.transaction(["bundles", "scans"]);
  const bundles = transaction.objectStore("bundles").count();
  const scans = transaction.objectStore("scans").count();
  transaction.oncomplete = () => {
    db.close();
    done({bundles: bundles.result, scans: scans.result});
  };
};
"""
KEEP_SCAN = """
const [scan, done] = [arguments[0], arguments[arguments.length - 1]];
const request = indexedDB.open("ceremony-door");
request.onsuccess = () => {
  const transaction = request.result.transaction("scans", "readwrite");
  transaction.objectStore("scans").put(scan);
  transaction.oncomplete = () => { request.result.close(); done(true); };
};
"""


def require(what: str | None) -> None:
    """Skip for want of ``what`` (a browser, ffmpeg, the decoder, axe-core); fail under CI."""
    if what is None:
        return
    message = f"{what} is not installed (bash tests/run installs it)"
    if os.environ.get("CI") == "true":
        pytest.fail(f"{message}; CI runs browser tests, it never skips them", pytrace=False)
    pytest.skip(message)


class LiveApp:
    """A loopback port taken first, so that the app built for it knows its own address."""

    def __init__(self):
        self.app = None
        self.server = make_server("127.0.0.1", 0, self._dispatch, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def _dispatch(self, environ, start_response):
        return self.app(environ, start_response)

    def serve(self, app) -> None:
        self.app = app
        self.thread.start()

    @property
    def database(self):
        return self.app.extensions["ceremony"].database

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.database.dispose()


class Suite:
    """The registration and badges services, each on its own port and database."""

    def __init__(self, var_dir: Path):
        self.registration, self.badges = LiveApp(), LiveApp()
        urls = {
            "registration": self.registration.url,
            "badges": self.badges.url,
            "notifications": "http://127.0.0.1:9",
        }
        registration = make_settings("registration", var_dir / "registration", public_urls=urls)
        badges = make_settings("badges", var_dir / "badges", public_urls=urls)
        self.registration_settings = migrated(REGISTRATION, registration)
        self.registration.serve(create_registration_app(self.registration_settings))
        self.badges.serve(create_badges_app(migrated(BADGES, badges)))
        self.feed = Feed(badges, self.badges.database)
        self.relayed = {"registration": 0, "badges": 0}
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {Signer(SECRET).issue_token('admin')}"

    def api(self, app: LiveApp, method: str, path: str, **kwargs) -> requests.Response:
        response = self.http.request(method, f"{app.url}/api{path}", timeout=10, **kwargs)
        assert response.ok, (response.status_code, response.text)
        return response

    def relay_to_badges(self) -> None:
        """Hand the registration service's new events to the badges service."""
        for envelope in self._new_events(self.registration, REGISTRATION, "registration"):
            self.feed.deliver(envelope)

    def relay_to_registration(self) -> None:
        """Hand the badges service's new events to the registration service."""
        database = self.registration.database
        settings = self.registration_settings
        handlers = REGISTRATION.build_handlers(settings, database)
        worker = EventWorker(REGISTRATION, settings, database, handlers)
        try:
            for envelope in self._new_events(self.badges, BADGES, "badges"):
                event = parse_envelope(envelope)
                if event.type in handlers:
                    worker.handle(event, handlers[event.type])
        finally:
            worker.close()

    def _new_events(self, app: LiveApp, service, name: str) -> list[dict]:
        outbox = service.outbox
        with app.database.transaction() as session:
            bodies = session.scalars(select(outbox.c.body).order_by(outbox.c.id)).all()
        new = [json.loads(body) for body in bodies[self.relayed[name] :]]
        self.relayed[name] = len(bodies)
        return new

    def close(self) -> None:
        self.http.close()
        self.feed.close()
        self.registration.close()
        self.badges.close()


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    suite = Suite(tmp_path_factory.mktemp("var"))
    yield suite
    suite.close()


@pytest.fixture(scope="module")
def ceremony(suite) -> dict:
    created = suite.api(suite.registration, "POST", "/ceremonies", json=ceremony_body(capacity=10))
    return created.json()


@pytest.fixture(scope="module")
def guest_code(suite, ceremony) -> str:
    """A confirmed guest's badge code, issued by the badges service from the bus."""
    body = {"full_name": "Amina Diallo", "email": "amina@example.org"}
    path = f"/ceremonies/{ceremony['id']}/registrations"
    registration = suite.api(suite.registration, "POST", path, json=body).json()
    suite.relay_to_badges()
    badge = suite.api(suite.badges, "GET", f"/registrations/{registration['id']}/badge")
    return badge.json()["code"]


@pytest.fixture(scope="module")
def device(suite, ceremony) -> dict:
    path = f"/ceremonies/{ceremony['id']}/devices"
    return suite.api(suite.registration, "POST", path, json={"gate": "North"}).json()


@pytest.fixture(scope="module")
def camera_video(tmp_path_factory, device) -> Path:
    """A Y4M video of the enrolment QR code the API gave, held up to a 4:3 camera."""
    ffmpeg = shutil.which("ffmpeg")
    require(None if ffmpeg else "ffmpeg")
    folder = tmp_path_factory.mktemp("camera")
    png = folder / "enrolment.png"
    png.write_bytes(base64.b64decode(device["qr_png"].partition(",")[2]))
    video = folder / "enrolment.y4m"
    frame = "scale=-2:960,setsar=1,pad=1280:960:(ow-iw)/2:0:color=white,format=yuv420p"
    command = [ffmpeg, "-v", "error", "-y", "-loop", "1", "-i", str(png), "-vf", frame]
    subprocess.run([*command, "-r", "5", "-frames:v", "2", str(video)], check=True, timeout=60)
    return video


@pytest.fixture(scope="module")
def driver(tmp_path_factory, camera_video):
    """One headless Chromium for the module, its fake camera showing the enrolment code."""
    require(missing_browser())
    require(None if DEFAULT_DECODER.is_file() else "the QR decoder (npm ci)")
    require(None if AXE_SCRIPT.is_file() else "axe-core (npm ci)")
    driver = chromium(
        tmp_path_factory.mktemp("profile"),
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={camera_video}",
    )
    yield driver
    driver.quit()


def stored(driver) -> dict:
    return driver.execute_async_script(STORED)


def test_a_device_enrolled_by_its_qr_code_scans_at_its_gate_until_revoked(
    suite, ceremony, guest_code, device, driver
):
    wait = WebDriverWait(driver, WAIT_SECONDS, poll_frequency=0.05)
    visitor = GuestBrowser(driver, suite.registration.url, AXE_SCRIPT.read_text(encoding="utf-8"))
    door = DoorPage(driver, suite.badges.url)

    driver.get(f"{suite.badges.url}/scan")
    driver.find_element(By.ID, "enrol-scan").click()
    wait.until(lambda d: d.current_url == device["enrol_url"])
    heading = driver.find_element(By.TAG_NAME, "h2").text
    assert heading == f"Sign in this device at gate North of ceremony {ceremony['title']}"
    for size in (PHONE, DESKTOP):
        visitor.resize(size)
        visitor.check("en")
    [button] = driver.find_elements(By.TAG_NAME, "button")

    button.click()
    wait.until(lambda d: d.find_element(By.ID, "gate-name").text.strip() == "North")
    wait.until(lambda d: door.network.get_attribute("data-ready") == "true")
    assert driver.current_url == f"{suite.badges.url}/scan"
    assert ceremony["title"] in driver.find_element(By.ID, "ceremony-title").text
    session = driver.execute_script("return JSON.parse(sessionStorage.getItem('ceremony-door'))")
    assert session["token"].startswith("d.") and session["bound"] is True
    assert door.scan(guest_code).result == "admitted"

    # The device's admission reaches the registration service, which shows when it scanned.
    suite.relay_to_registration()
    path = f"/ceremonies/{ceremony['id']}/devices"
    [listed] = suite.api(suite.registration, "GET", path).json()
    assert listed["status"] == "enrolled" and listed["last_scan_at"]

    waiting = {"nonce": "n-1", "ceremony_id": ceremony["id"], "scanned_at": "2031-06-20T13:00:00Z"}
    driver.execute_async_script(KEEP_SCAN, waiting)
    assert stored(driver) == {"bundles": 1, "scans": 1}
    suite.api(suite.registration, "POST", f"/devices/{device['id']}/revoke")
    suite.relay_to_badges()

    def refused() -> bool:
        answer = requests.get(
            f"{suite.badges.url}/api/door/session",
            headers={"Authorization": f"Bearer {session['token']}"},
            timeout=10,
        )
        return answer.status_code == 401

    # The badges service re-reads its revocations at most a second after it last did.
    wait_for(refused, timeout=5)
    door.type_and_enter(guest_code)
    # The page reloads into its sign-in screen: elements found meanwhile may go stale.
    reloading = WebDriverWait(
        driver, WAIT_SECONDS, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)
    )
    notice = reloading.until(lambda d: d.find_element(By.ID, "signin-notice").text)
    assert driver.find_element(By.ID, "signin").is_displayed()
    assert "This device was signed out" in notice and "revoked" in notice
    assert not driver.find_element(By.ID, "door").is_displayed()
    assert stored(driver) == {"bundles": 0, "scans": 0}
    assert driver.execute_script("return sessionStorage.getItem('ceremony-door')") is None


def test_a_used_enrolment_code_says_so_on_a_phone(suite, ceremony, driver):
    path = f"/ceremonies/{ceremony['id']}/devices"
    device = suite.api(suite.registration, "POST", path, json={"gate": "South"}).json()
    used = requests.post(device["enrol_url"], timeout=10, allow_redirects=False)
    assert used.status_code == 303
    visitor = GuestBrowser(driver, suite.registration.url, AXE_SCRIPT.read_text(encoding="utf-8"))
    visitor.resize(PHONE)
    visitor.open("/" + device["enrol_url"].split("/", 3)[3])
    assert "This enrolment code was already used." in visitor.text()
    visitor.check("en")
