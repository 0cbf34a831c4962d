"""The door page in a real headless Chromium, against the badges app served on loopback.

Used by the browser tests and by ``benchmarks/door.py``: a live server thread, a ceremony and
badges made through the badges service's own event handlers, and a page object for the door.
"""

from __future__ import annotations

import os
import shutil
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import requests
from selenium import webdriver
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.chrome.service import Service as DriverService
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait
from werkzeug.serving import make_server

from services.badges.app import create_app
from shared.auth import Signer
from shared.config import Settings
from tests.badges.fixtures import Feed, ceremony_envelope

CHROMIUM = os.environ.get("CEREMONY_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"
WAIT_SECONDS = 15
HEADLESS_ARGS = (
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--window-size=1024,768",
)


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile of ``values`` (nearest rank)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def missing_browser() -> str | None:
    """What is missing to run Chromium under chromedriver, or None."""
    if not Path(CHROMIUM).is_file():
        return f"Chromium at {CHROMIUM}"
    if not Path(CHROMEDRIVER).is_file():
        return "chromedriver"
    return None


class LiveBadges:
    """The badges app on a free loopback port, served by a thread until ``close``."""

    def __init__(self, settings: Settings):
        self.app = create_app(settings)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    @property
    def database(self):
        """The app's database, for seeding through the badges handlers."""
        return self.app.extensions["ceremony"].database

    def close(self) -> None:
        """Stop serving and release the database."""
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.database.dispose()


class Ceremony:
    """A ceremony known to the badges service, with guests confirmed through its handlers."""

    def __init__(self, live: LiveBadges, settings: Settings, secret: str):
        self.live = live
        self.signer = Signer(secret)
        self.feed = Feed(settings, live.database)
        self.id = uuid.uuid4()
        self.feed.deliver(ceremony_envelope(self.id))
        self.http = requests.Session()

    def guest(self, full_name: str, **fields) -> uuid.UUID:
        """A confirmed registration (its badge is issued); returns its id."""
        return self.feed.confirm(self.id, full_name=full_name, **fields)

    def cancel(self, registration_id: uuid.UUID) -> None:
        """Cancel a registration, revoking its badge."""
        self.feed.cancel(registration_id)

    def _organiser(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.signer.issue_token('admin')}"}

    def code(self, registration_id: uuid.UUID) -> str:
        """The signed code on a registration's badge, from the badges API."""
        url = f"{self.live.url}/api/registrations/{registration_id}/badge"
        response = self.http.get(url, headers=self._organiser(), timeout=10)
        response.raise_for_status()
        return response.json()["code"]

    def badge_png(self, registration_id: uuid.UUID) -> bytes:
        """The printed badge as the API renders it."""
        url = f"{self.live.url}/api/registrations/{registration_id}/badge.png"
        response = self.http.get(url, headers=self._organiser(), timeout=30)
        response.raise_for_status()
        return response.content

    def staff_token(self, gate: str | None = "North") -> str:
        """A staff token bound to this ceremony and ``gate``."""
        return self.signer.issue_token("staff", ceremony_id=str(self.id), gate=gate)

    def check_in(self, code: str, gate: str) -> str:
        """Scan a code at another door, through the API; returns the result."""
        headers = {"Authorization": f"Bearer {self.staff_token(gate)}"}
        url = f"{self.live.url}/api/checkins"
        response = self.http.post(url, json={"code": code}, headers=headers, timeout=10)
        return response.json()["result"]

    def attendance(self) -> dict:
        """The attendance figures, as the API gives them."""
        url = f"{self.live.url}/api/ceremonies/{self.id}/attendance"
        response = self.http.get(url, headers=self._organiser(), timeout=10)
        response.raise_for_status()
        return response.json()

    def close(self) -> None:
        """Release the HTTP session and the feed's worker."""
        self.http.close()
        self.feed.close()


def chromium(profile: Path, *extra_args: str) -> webdriver.Chrome:
    """A headless Chromium with a fresh profile, driven by the system chromedriver."""
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (*HEADLESS_ARGS, f"--user-data-dir={profile}", *extra_args):
        options.add_argument(argument)
    return webdriver.Chrome(options=options, service=DriverService(executable_path=CHROMEDRIVER))


@dataclass(frozen=True)
class Verdict:
    """What the verdict element showed: its result, and the scan-to-verdict time."""

    result: str
    ms: float
    offline: bool
    attention: bool
    text: str


class DoorPage:
    """The door page as staff use it: sign in, then scan with a (simulated) USB scanner."""

    def __init__(self, driver: webdriver.Chrome, base_url: str):
        self.driver = driver
        self.base_url = base_url
        # The page redraws its parts as it goes: an element found just before a redraw is
        # looked for again, not a failure.
        self.wait = WebDriverWait(
            driver,
            WAIT_SECONDS,
            poll_frequency=0.05,
            ignored_exceptions=(StaleElementReferenceException,),
        )

    def sign_in(self, token: str, lang: str | None = None) -> None:
        """Open /scan (in ``lang`` when given), sign in, and wait until the offline bundle is
        loaded."""
        self.driver.get(f"{self.base_url}/scan" + (f"?lang={lang}" if lang else ""))
        self.driver.find_element(By.NAME, "token").send_keys(token, Keys.ENTER)
        self.wait.until(lambda d: self.network.get_attribute("data-ready") == "true")

    @property
    def network(self):
        """The network status line."""
        return self.driver.find_element(By.ID, "network")

    @property
    def verdict_element(self):
        """The full-screen verdict."""
        return self.driver.find_element(By.ID, "verdict")

    def focused_name(self) -> str:
        """The name of the field that has the focus."""
        return self.driver.switch_to.active_element.get_attribute("name") or ""

    def type_and_enter(self, text: str) -> None:
        """Type like a USB scanner: keys into whatever has the focus, then Enter."""
        ActionChains(self.driver).send_keys(text + Keys.ENTER).perform()

    def next_verdict(self, action) -> Verdict:
        """Run ``action`` (a scan) and return the verdict it brings, once painted."""
        seq = int(self.verdict_element.get_attribute("data-seq"))
        action()

        def painted(driver):
            element = self.verdict_element
            fresh = int(element.get_attribute("data-seq")) > seq
            return element if fresh and element.get_attribute("data-ms") else None

        element = self.wait.until(painted)
        return Verdict(
            result=element.get_attribute("data-result"),
            ms=float(element.get_attribute("data-ms")),
            offline=element.get_attribute("data-offline") == "true",
            attention=element.get_attribute("data-attention") == "true",
            text=element.get_attribute("textContent"),
        )

    def scan(self, code: str) -> Verdict:
        """Scan a code as a USB scanner does and return the verdict."""
        return self.next_verdict(lambda: self.type_and_enter(code))

    def scan_entered(self, code: str) -> Verdict:
        """Put a code in the focused field at once, then press Enter; returns the verdict.

        The time is measured from the Enter key, so this measures what ``scan`` does, without
        WebDriver's slow typing of 152 keys before it.
        """
        set_value = "document.activeElement.value = arguments[0]"
        return self.next_verdict(
            lambda: (
                self.driver.execute_script(set_value, code),
                ActionChains(self.driver).send_keys(Keys.ENTER).perform(),
            )
        )

    def set_offline(self, offline: bool) -> None:
        """Cut or restore the page's network (DevTools network emulation)."""
        self.driver.execute_cdp_cmd("Network.enable", {})
        conditions = {"offline": offline, "latency": 0, "downloadThroughput": -1}
        self.driver.execute_cdp_cmd(
            "Network.emulateNetworkConditions", {**conditions, "uploadThroughput": -1}
        )
