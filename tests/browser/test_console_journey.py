"""An organiser's whole journey through the console in headless Chromium, the three services
under one origin as the front proxy routes them (tests/browser/journey_router.py): signing in,
creating a ceremony and its programme, importing invitations from a workbook and sending them,
a guest accepting from the real email, correcting that guest's name and badge, printing, a door
device's scan arriving live, and an announcement."""

from __future__ import annotations

import io
import re
import uuid
from datetime import UTC, datetime, timedelta

import pypdfium2
import pytest
import requests
import zxingcpp
from openpyxl import Workbook
from PIL import Image
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select, WebDriverWait

from services.registration.credential_events import set_role
from shared.sessions import SESSION_COOKIE
from tests.browser.guest_harness import DESKTOP, GuestBrowser
from tests.browser.journey_router import JourneySuite
from tests.conftest import wait_for
from tests.notifications.smtp_server import SmtpTestServer

pytestmark = pytest.mark.browser

EMAIL = "olga.organiser@example.org"
PASSWORD = "correct horse battery staple"
GUESTS = [
    ["Name", "Email", "Organisation"],
    ["王小明", "wang@example.cn", "外交部"],
    ["José Müller-Núñez", "jose@example.org", "Université de Genève"],
    ["Helen Marsh", "helen@example.org", "Ministry of Culture"],
]


@pytest.fixture(scope="module")
def smtp():
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def suite(tmp_path_factory, smtp):
    suite = JourneySuite(tmp_path_factory.mktemp("journey"), smtp.url)
    yield suite
    suite.close()
    assert not suite.errors, suite.errors


@pytest.fixture(scope="module")
def account(suite) -> str:
    """An account with a password, allowed to create ceremonies (a suite administrator)."""
    admin = {"Authorization": f"Bearer {suite.signer.issue_token('admin')}"}
    body = {
        "email": EMAIL,
        "display_name": "Olga Organiser",
        "language": "en",
        "password": PASSWORD,
    }
    created = suite.client("registration").post("/api/accounts", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    with suite.database("registration").transaction() as session:
        set_role(session, created.json["id"], "*", "admin")
    return created.json["id"]


def workbook() -> bytes:
    book = Workbook()
    for row in GUESTS:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


#: The printing form posted from the page as its "Print the ticked" button does, one guest ticked.
PRINT_TICKED = """
const [registration, done] = [arguments[0], arguments[arguments.length - 1]];
const form = new FormData(document.getElementById("print-form"));
form.append("registration_id", registration);
form.append("print", "ticked");
fetch(location.href, {method: "POST", body: form})
  .then(answer => done([answer.status, answer.headers.get("Content-Type")]));
"""


class Organiser(GuestBrowser):
    def type_into(self, name: str, value: str) -> None:
        element = self.driver.find_element(By.NAME, name)
        element.clear()
        element.send_keys(value)

    def set_value(self, name: str, value: str) -> None:
        """A date or time field: its picker is drawn outside the page, so the value is set as
        the picker would and the field told it changed."""
        element = self.driver.find_element(By.NAME, name)
        self.driver.execute_script(
            "arguments[0].value = arguments[1];"
            "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
            "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
            element,
            value,
        )

    def submit(self, css: str = "main form[method=post] button[type=submit]") -> None:
        self.follow(self.find(css).click)


def test_an_organiser_runs_a_ceremony_from_the_console(
    module_chromium, suite, smtp, account, axe_source, tmp_path
):
    person = Organiser(module_chromium, suite.url, axe_source)
    person.resize(DESKTOP)
    wait = WebDriverWait(module_chromium, 10, poll_frequency=0.05)

    # 1. Signing in with the email and password.
    person.open("/sign-in")
    person.type_into("email", EMAIL)
    person.type_into("password", PASSWORD)
    person.submit("form.card button[type=submit]")
    person.open("/console")
    assert "Ceremony console" in module_chromium.title
    assert "New ceremony" in person.text()

    # 2. A ceremony created in the form, and its programme.
    person.follow(module_chromium.find_element(By.LINK_TEXT, "New ceremony").click)
    day = datetime.now(UTC).date() + timedelta(days=30)
    person.type_into("title", "Graduation of the Sixth Course")
    person.set_value("date", day.isoformat())
    person.set_value("start_time", "18:30")
    person.set_value("end_time", "20:00")
    person.type_into("timezone", "Europe/Paris")
    person.type_into("venue_name", "Grand Hall")
    person.type_into("venue_address", "1 Avenue de la Paix")
    person.type_into("capacity", "120")
    person.submit("main form[method=post] button[type=submit]")
    assert "The ceremony Graduation of the Sixth Course is created." in person.text()
    ceremony_id = re.search(r"/console/ceremonies/([0-9a-f-]{36})", module_chromium.current_url)[1]
    base = f"/console/ceremonies/{ceremony_id}"

    person.open(base + "/programme")
    for title, starts in (("Opening address", "18:30"), ("Award of the diplomas", "19:00")):
        person.type_into("title", title)
        person.set_value("start_time", starts)
        person.submit("form[action$='/programme'] button[type=submit]")
        assert f"{title} is added to the programme." in person.text()
    programme = person.text()
    assert programme.index("18:30 Opening address") < programme.index("19:00 Award of the diplomas")

    # 3. Invitations imported from a workbook: upload, mapping, preview, import as drafts.
    book = tmp_path / "guests.xlsx"
    book.write_bytes(workbook())
    person.open(base + "/invitations/import")
    person.find("input[name=file]").send_keys(str(book))
    person.submit()
    assert "An Excel workbook" in person.text()
    for column, field in (("col0", "full_name"), ("col1", "email"), ("col2", "organisation")):
        Select(person.find(f"select[name={column}]")).select_by_value(field)
    person.submit("main form[method=get] button[type=submit]")
    preview = person.text()
    assert "王小明" in preview and "Université de Genève" in preview
    person.find("input[name=send][value='0']").click()
    person.submit()
    drafts = person.text()
    assert all(row[0] in drafts for row in GUESTS[1:])

    # 4. The drafts sent.
    person.submit("button[name=scope][value=all][formaction$='/send']")
    wait.until(lambda d: len(smtp.received) >= 3)
    invited = {m.rcpt_tos[0]: m.parsed() for m in smtp.received}
    assert set(invited) == {row[1] for row in GUESTS[1:]}

    # 5. Wang accepts from the link in the email they received.
    letter = invited["wang@example.cn"].get_body(("plain",)).get_content()
    rsvp = re.search(r"https?://\S+/rsvp/\S+", letter)[0]
    assert rsvp.startswith(suite.url + "/rsvp/")
    module_chromium.get(rsvp)
    person.follow(person.find("button[name=accept]").click)
    assert person.find("[data-status]").get_attribute("data-status") == "accepted"

    # 6. Their name corrected on their page, and their badge redrawn with it.
    person.open(base + "/guests")
    person.follow(module_chromium.find_element(By.PARTIAL_LINK_TEXT, "王小明").click)
    guest_id = module_chromium.current_url.rstrip("/").rsplit("/", 1)[1]
    http = requests.Session()
    http.cookies.set(SESSION_COOKIE, module_chromium.get_cookie(SESSION_COOKIE)["value"])
    badge_url = f"{suite.url}/api/registrations/{guest_id}/badge"

    def badge() -> dict | None:
        """The guest's badge as the badges service has it, once issued from the bus."""
        answer = http.get(badge_url, timeout=10)
        return answer.json() if answer.ok else None

    code = wait_for(badge)["code"]
    name = person.find("#f-full_name")
    name.clear()
    name.send_keys("王晓明")
    person.follow(person.find("form[novalidate] button[type=submit]").click)
    assert "王晓明" in person.text()
    redrawn = wait_for(lambda: (b := badge()) and b["full_name"] == "王晓明" and b)
    assert redrawn["code"] == code  # the code does not change
    png = http.get(badge_url + ".png", timeout=10)
    assert png.headers["Content-Type"] == "image/png"
    decoded = zxingcpp.read_barcodes(Image.open(io.BytesIO(png.content)))
    assert [found.text for found in decoded] == [code]

    # 7. A sheet printed from the badges page.
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    module_chromium.execute_cdp_cmd(
        "Page.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
    )
    person.open(f"/console/badges/{ceremony_id}")
    person.find("button[name=print][value=not_printed]").click()
    sheet = wait_for(lambda: [p for p in downloads.glob("*.pdf")], timeout=10)[0]
    wait_for(lambda: sheet.stat().st_size > 0 and not list(downloads.glob("*.crdownload")))
    assert sheet.read_bytes().startswith(b"%PDF-")
    document = pypdfium2.PdfDocument(sheet.read_bytes())
    text = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "王晓明" in text
    # The same form asked again for the ticked guest's sheet: the answer is a PDF.
    answer = module_chromium.execute_async_script(PRINT_TICKED, guest_id)
    assert answer == [200, "application/pdf"]

    # 8. A door device enrolled from the devices page; its scan appears live on attendance.
    person.open(base + "/devices")
    person.type_into("gate", "North")
    person.type_into("name", "Steward's phone")
    person.submit("form[action$='/devices'] button[type=submit]")
    enrol = person.find("#enrolment-link").text
    assert enrol.startswith(suite.url + "/enrol/")
    module_chromium.get(enrol)
    person.follow(person.find("button[name=enrol]").click)
    door = wait.until(
        lambda d: d.execute_script("return JSON.parse(sessionStorage.getItem('ceremony-door'))")
    )
    assert door["token"].startswith("d.")
    person.open(f"/console/badges/{ceremony_id}/attendance")
    assert "王晓明" not in person.find("#arrivals").text
    module_chromium.execute_script("window.notReloaded = true")
    scan = requests.post(
        f"{suite.url}/api/checkins",
        json={"code": code, "direction": "in", "nonce": uuid.uuid4().hex, "gate": "North"},
        headers={"Authorization": f"Bearer {door['token']}"},
        timeout=10,
    )
    assert (scan.status_code, scan.json()["result"]) == (201, "admitted"), scan.text
    wait.until(lambda d: "王晓明" in d.find_element(By.ID, "arrivals").text)
    assert "North" in person.find("#arrivals").text
    assert module_chromium.execute_script("return window.notReloaded") is True

    # 9. An announcement written, previewed, tested on myself, and sent.
    subject = "Doors open at 18:00"
    person.open(f"/console/emails/{ceremony_id}/announcements")

    def write() -> None:
        person.type_into("subject_en", subject)
        person.type_into("body_en", "Please come early: the doors of the Grand Hall open at 18:00.")

    write()
    person.submit("button[name=action][value=preview]")
    assert "the doors of the Grand Hall open at 18:00" in person.text()
    person.type_into("test_address", EMAIL)
    person.submit("button[name=action][value=test]")

    def received(address: str) -> list:
        return [
            m.parsed()
            for m in smtp.received
            if address in m.rcpt_tos and subject in str(m.parsed()["Subject"])
        ]

    wait.until(lambda d: received(EMAIL))
    assert not received("wang@example.cn")
    # The test's page keeps what was typed, to be sent as it is.
    assert "The test email is on its way." in person.text()
    assert person.find("#f-subject_en").get_attribute("value") == subject
    person.submit("button[name=action][value=send]")
    [announcement] = wait.until(lambda d: received("wang@example.cn"))
    assert (
        "the doors of the Grand Hall open at 18:00"
        in announcement.get_body(("plain",)).get_content()
    )
    assert len(received(EMAIL)) == 1
    assert not received("jose@example.org")  # who has not accepted is not told
