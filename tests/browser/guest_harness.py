"""The guests' pages in a real headless Chromium, against the registration app on loopback.

A live server thread seeded through the app's own API with an organiser token, and a page
object for a guest who uses the pages with the keyboard or with a pointer, and checks what every
guest page must pass: axe-core's WCAG 2.x A/AA rules, no sideways scrolling, the page's language
named on ``<html>``, times in the ceremony's zone.
"""

from __future__ import annotations

import threading
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import requests
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.remote.webdriver import WebDriver
from selenium.webdriver.remote.webelement import WebElement
from selenium.webdriver.support.expected_conditions import staleness_of
from selenium.webdriver.support.ui import Select, WebDriverWait
from werkzeug.serving import make_server

from services.registration.app import create_app
from services.registration.web.translations import PAGE_LANGUAGES
from shared.auth import Signer
from shared.config import Settings
from shared.links import GuestLinks
from tests.browser.door_harness import WAIT_SECONDS

AXE_SCRIPT = Path(__file__).resolve().parents[2] / "node_modules" / "axe-core" / "axe.min.js"
#: axe-core's tags for the success criteria of WCAG 2.0, 2.1 and 2.2 at levels A and AA.
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa")
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 3, "mobile": True}
DESKTOP = {"width": 1280, "height": 800, "deviceScaleFactor": 1, "mobile": False}
#: Every ceremony starts at 08:30 UTC in Tokyo (UTC+9, no summer time): 17:30 on its pages.
TIMEZONE = "Asia/Tokyo"
UTC_TIME, LOCAL_HOURS = "8:30", ("17:30", "5:30")
_RUN_AXE = """
const done = arguments[arguments.length - 1];
axe.run(document, {runOnly: {type: "tag", values: arguments[0]}, resultTypes: ["violations"]})
  .then(result => done(result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help,
    targets: v.nodes.map(n => n.target.join(" ")),
  }))))
  .catch(error => done([{id: "axe-error", impact: "critical", help: String(error), targets: []}]));
"""


class LiveRegistration:
    """The registration app on a free loopback port, served by a thread until ``close``."""

    def __init__(self, settings: Settings, secret: str):
        self.app = create_app(settings)
        self.server = make_server("127.0.0.1", 0, self.app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        signer = Signer(secret)
        self.links = GuestLinks(signer=signer, public_url=self.url, ttl_seconds=3600)
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {signer.issue_token('admin')}"

    def api(self, method: str, path: str, **kwargs) -> requests.Response:
        """Call the app's API as an organiser; fail on an answer that is not a success."""
        response = self.http.request(method, f"{self.url}/api{path}", timeout=10, **kwargs)
        assert response.ok, (response.status_code, response.text)
        return response

    def ceremony(self, title: str, **fields) -> dict:
        """A ceremony in the six languages of the pages, starting in a fortnight in Tokyo."""
        day = datetime.now(UTC).date() + timedelta(days=14)
        starts = datetime(day.year, day.month, day.day, 8, 30, tzinfo=UTC)
        body = {
            "title": title,
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "timezone": TIMEZONE,
            "venue": {"name": "Grand Hall", "address": "1 Avenue de la Paix"},
            "capacity": 50,
            "languages": PAGE_LANGUAGES,
            **fields,
        }
        return self.api("POST", "/ceremonies", json=body).json()

    def register(self, ceremony: dict, language: str) -> str:
        """A guest registers for an open ceremony; returns the path of their own page."""
        created = self._ask(ceremony, language, unique_email())
        assert created.status_code == 201, created.text
        return _path(created.json()["manage_url"])

    def request(self, ceremony: dict, language: str) -> str:
        """A guest asks to register for a ceremony that confirms by email; returns the path of
        the link its email carries."""
        email = unique_email()
        assert self._ask(ceremony, language, email).status_code == 202
        asked = self.api("GET", f"/ceremonies/{ceremony['id']}/registration-requests").json()
        [mine] = [r for r in asked if r["email"] == email]
        until = datetime.fromisoformat(mine["expires_at"])
        return _path(self.links.confirm_url(uuid.UUID(mine["id"]), until=until))

    def _ask(self, ceremony: dict, language: str, email: str) -> requests.Response:
        # As the public asks: an organiser's registration is seated at once, without consent.
        body = {"full_name": "Amina Diallo", "email": email, "language": language}
        url = f"{self.url}/api/ceremonies/{ceremony['id']}/registrations"
        return requests.post(url, json={**body, "consent": True}, timeout=10)

    def invite(self, ceremony: dict, language: str) -> str:
        """Invite a dignitary in ``language``; returns the path of their RSVP page."""
        invitee = {
            "full_name": "Amina Diallo",
            "honorific": "H.E.",
            "email": unique_email(),
            "language": language,
        }
        path = f"/ceremonies/{ceremony['id']}/invitations"
        [invitation] = self.api("POST", path, json={"invitees": [invitee]}).json()
        return _path(invitation["rsvp_url"])

    def close(self) -> None:
        """Stop serving and release the database."""
        self.http.close()
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()
        self.app.extensions["ceremony"].database.dispose()


def unique_email() -> str:
    """A long address no other test uses: long enough to have to wrap on a phone."""
    return f"amina.diallo.{uuid.uuid4().hex[:8]}@ministere-des-affaires-etrangeres.example.org"


def _path(url: str) -> str:
    return "/" + url.split("/", 3)[3]


class GuestBrowser:
    """A guest at one window size: opens pages, checks them, types, tabs, clicks."""

    def __init__(self, driver: WebDriver, base_url: str, axe_source: str):
        self.driver = driver
        self.base_url = base_url
        self.axe_source = axe_source
        self.width = DESKTOP["width"]

    def resize(self, metrics: dict) -> None:
        """Show pages as a device of these metrics does (DevTools device emulation)."""
        self.driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
        self.width = metrics["width"]

    def open(self, path: str) -> None:
        """Open a page of the app and wait until it is loaded."""
        self.driver.get(self.base_url + path)

    def follow(self, action) -> None:
        """Run ``action`` (a click, a key) and wait until the page it leads to is loaded."""
        page = self.driver.find_element(By.TAG_NAME, "html")
        action()
        # While the page changes, chromedriver may answer about the old one with other errors
        # than "stale element": ask again until the old page is gone and the new one loaded.
        changing = WebDriverWait(
            self.driver, WAIT_SECONDS, poll_frequency=0.05, ignored_exceptions=(WebDriverException,)
        )
        changing.until(staleness_of(page))
        changing.until(lambda d: d.execute_script("return document.readyState") == "complete")

    def check(self, lang: str) -> None:
        """What every page must pass: no axe violation, in ``lang``, as wide as the window."""
        # WebDriver's scripts run outside the page's Content-Security-Policy.
        if not self.driver.execute_script("return typeof window.axe === 'object'"):
            self.driver.execute_script(self.axe_source)
        violations = self.driver.execute_async_script(_RUN_AXE, list(WCAG_TAGS))
        assert not violations, f"axe found on {self.driver.current_url}:\n{describe(violations)}"
        assert self.find("html").get_attribute("lang") == lang
        # Arabic reads right to left, and its layout mirrors: the text starts at the right.
        direction = "rtl" if lang == "ar" else "ltr"
        assert self.driver.execute_script("return getComputedStyle(document.body).direction") == (
            direction
        )
        scroll, inner = self.driver.execute_script(
            "return [document.documentElement.scrollWidth, window.innerWidth]"
        )
        # A phone widens its layout viewport to content that does not fit, so the window's
        # width is held to the device's too.
        assert scroll <= inner <= self.width, f"{scroll}px wide in a {self.width}px window"

    def find(self, css: str) -> WebElement:
        """The first element matching a CSS selector."""
        return self.driver.find_element(By.CSS_SELECTOR, css)

    def find_all(self, css: str) -> list[WebElement]:
        """Every element matching a CSS selector."""
        return self.driver.find_elements(By.CSS_SELECTOR, css)

    def text(self) -> str:
        """The text the page shows."""
        return self.find("body").text

    def focused(self) -> WebElement:
        """The element that has the keyboard focus."""
        return self.driver.switch_to.active_element

    def press(self, *keys: str) -> None:
        """Type keys into whatever has the focus."""
        ActionChains(self.driver).send_keys(*keys).perform()

    def tab_to(self, reached, *, values: dict[str, str] | None = None) -> list[str]:
        """Press Tab from where the focus is until ``reached(element)``, typing ``values`` into
        the fields passed on the way (Space ticks a box); returns the names of what was focused.

        Each element focused must show that it has the focus.
        """
        values = values or {}
        seen = []
        for _ in range(40):
            self.press(Keys.TAB)
            element = self.focused()
            seen.append(control_name(element))
            style, width = self.outline(element)
            assert style != "none" and float(width.removesuffix("px")) >= 2, (
                f"{seen[-1]} shows no focus: outline {style} {width}"
            )
            if reached(element):
                return seen
            value = values.get(element.get_attribute("name"))
            if value and element.get_attribute("type") == "checkbox":
                self.press(Keys.SPACE)
            elif value:
                self.replace_text(value)
        raise AssertionError(f"Tab never reached the control: {seen}")

    def fill_by_pointer(self, values: dict[str, str]) -> None:
        """Click each field and type its value; a box is ticked by clicking its label."""
        for name, value in values.items():
            element = self.driver.find_element(By.NAME, name)
            if element.get_attribute("type") == "checkbox":
                self.find(f"label[for='{element.get_attribute('id')}']").click()
            elif element.tag_name == "select":
                # The open list is drawn outside the page: its option is clicked as WebDriver can.
                Select(element).select_by_value(value)
            else:
                element.click()
                self.replace_text(value)

    def replace_text(self, value: str) -> None:
        """Select all the focused field holds and type ``value`` over it."""
        keys = ActionChains(self.driver).key_down(Keys.CONTROL).send_keys("a")
        keys.key_up(Keys.CONTROL).send_keys(value).perform()

    def outline(self, element: WebElement) -> tuple[str, str]:
        """An element's outline style and width, as computed."""
        style = "const s = getComputedStyle(arguments[0]); return [s.outlineStyle, s.outlineWidth]"
        return tuple(self.driver.execute_script(style, element))


def control_name(element: WebElement) -> str:
    """How a focused element is named in a test: its field name, id, class or text."""
    for attribute in ("name", "id", "class"):
        if value := element.get_attribute(attribute):
            return value
    return element.text.strip()


def describe(violations: list[dict]) -> str:
    """The violations, one per line: rule, impact, and the elements it found."""
    return "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {', '.join(v['targets'])}" for v in violations
    )


def contrast(first: str, second: str) -> float:
    """The WCAG contrast ratio of two computed CSS colours (``rgb(...)`` or ``rgba(...)``)."""
    lighter, darker = sorted((_luminance(first), _luminance(second)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def _luminance(colour: str) -> float:
    channels = [float(c) / 255 for c in colour[colour.index("(") + 1 : -1].split(",")[:3]]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]
