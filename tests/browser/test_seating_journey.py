"""A seat moved on the chart reaches the guest: in headless Chromium a protocol officer drags a
guest whose seat was announced onto another seat, and the badge, the email from the real SMTP
server and the door's verdict all give the new seat — the three services under one origin,
their events carried by the workers' round (tests/browser/journey_router.py)."""

from __future__ import annotations

import uuid

import pypdfium2
import pytest
import requests
from selenium.webdriver.common.action_chains import ActionChains

from services.registration.credential_events import set_role
from shared.sessions import SESSION_COOKIE
from tests.browser.guest_harness import DESKTOP, GuestBrowser
from tests.browser.journey_router import JourneySuite
from tests.conftest import wait_for
from tests.notifications.smtp_server import SmtpTestServer
from tests.registration.conftest import ceremony_body

pytestmark = pytest.mark.browser

LAYOUT = {
    "name": "Grand Hall",
    "stage": "Stage",
    "sections": [{"name": "A"}],
    "seats": [{"section": "A", "row": str(row), "number": n} for row in (1, 2) for n in (1, 2, 3)],
}
BLOCKS = {"blocks": [{"name": "Guests", "categories": ["guest", "dignitary"], "section": "A"}]}
HELEN = {"full_name": "Helen Marsh", "email": "helen@example.org", "precedence": 1}
#: Seat letters wait for the badge to be redrawn (BADGE_REDRAW_SECONDS) before they go.
LETTER_SECONDS = 60
#: The events' round trip through the workers' thread, on a loaded machine.
CARRIED_SECONDS = 30
JOSE = {"full_name": "José Núñez", "email": "jose@example.org", "language": "es"}


@pytest.fixture(scope="module")
def smtp():
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def suite(tmp_path_factory, smtp):
    suite = JourneySuite(tmp_path_factory.mktemp("seating-journey"), smtp.url)
    yield suite
    suite.close()
    assert not suite.errors, suite.errors


def letters_to(smtp, address: str) -> list:
    return [m.parsed() for m in smtp.received if address in m.rcpt_tos]


def test_a_guest_dragged_to_another_seat_gets_it_on_the_badge_in_the_email_and_at_the_door(
    module_chromium, suite, smtp, axe_source
):
    admin = {"Authorization": f"Bearer {suite.signer.issue_token('admin')}"}
    api = requests.Session()
    api.headers.update(admin)
    base = suite.url + "/api"
    ceremony = api.post(f"{base}/ceremonies", json=ceremony_body(capacity=10), timeout=10)
    assert ceremony.status_code == 201, ceremony.text
    c = ceremony.json()["id"]
    assert api.put(f"{base}/ceremonies/{c}/venue", json=LAYOUT, timeout=10).status_code == 200
    assert api.put(f"{base}/ceremonies/{c}/blocks", json=BLOCKS, timeout=10).status_code == 200
    helen = api.post(f"{base}/ceremonies/{c}/registrations", json=HELEN, timeout=10).json()["id"]
    api.post(f"{base}/ceremonies/{c}/registrations", json=JOSE, timeout=10)
    assert api.post(f"{base}/ceremonies/{c}/seating/auto", timeout=10).status_code == 200
    assert api.post(f"{base}/ceremonies/{c}/seating/announce", timeout=10).status_code == 200

    # Precedence 1 has the seat of honour, the middle of the front row; she is told so.
    first = wait_for(
        lambda: [m for m in letters_to(smtp, HELEN["email"]) if "seat" in m["Subject"]],
        timeout=LETTER_SECONDS,
    )
    assert "Section A · Row 1 · Seat 2" in first[0].get_body(("plain",)).get_content()
    badge_url = f"{base}/registrations/{helen}/badge"
    badge = wait_for(
        lambda: (b := api.get(badge_url, timeout=10)).ok and b.json(), timeout=CARRIED_SECONDS
    )
    assert badge["seat"]["id"] == "A:1:2"

    # The officer drags her to the back row's first seat.
    account = str(uuid.uuid4())
    with suite.database("registration").transaction() as session:
        set_role(session, account, c, "protocol")
    officer = GuestBrowser(module_chromium, suite.url, axe_source)
    officer.open("/sign-in")
    module_chromium.add_cookie(
        {"name": SESSION_COOKIE, "value": suite.signer.issue_session(account), "path": "/"}
    )
    officer.resize(DESKTOP)
    officer.open(f"/console/ceremonies/{c}/seating")
    source = officer.find('[data-seat="A:1:2"]')
    target = officer.find('[data-seat="A:2:1"]')
    assert source.get_attribute("data-person") == helen
    ActionChains(module_chromium).click_and_hold(source).move_by_offset(10, 10).move_to_element(
        target
    ).release().perform()
    # Read in the page: the chart is swapped for a new one when the move is answered.
    wait_for(
        lambda: (
            module_chromium.execute_script(
                "return document.querySelector('[data-seat=\"A:2:1\"]')?.dataset.person"
            )
            == helen
        ),
        timeout=CARRIED_SECONDS,
    )

    # The email: the new seat and the old one, in text and HTML.
    changed = wait_for(
        lambda: [m for m in letters_to(smtp, HELEN["email"]) if "changed" in m["Subject"]],
        timeout=LETTER_SECONDS,
    )[0]
    text = changed.get_body(("plain",)).get_content()
    assert "Your new seat: Section A · Row 2 · Seat 1" in text
    assert "Previous seat: Section A · Row 1 · Seat 2" in text
    assert "Section A · Row 2 · Seat 1" in changed.get_body(("html",)).get_content()

    # The badge: its record and the printed badge.
    moved = wait_for(
        lambda: (b := api.get(badge_url, timeout=10).json())["seat"]["id"] == "A:2:1" and b,
        timeout=CARRIED_SECONDS,
    )
    pdf = api.get(badge_url + ".pdf", timeout=10)
    document = pypdfium2.PdfDocument(pdf.content)
    printed = " ".join(page.get_textpage().get_text_range() for page in document)
    document.close()
    assert "Row 2" in printed and "Seat 1" in printed and "Row 1 · Seat 2" not in printed

    # The door: the verdict seats her in the back row.
    door = {"Authorization": f"Bearer {suite.signer.issue_token('door', ceremony_id=c)}"}
    scan = requests.post(
        f"{base}/checkins",
        json={"code": moved["code"], "direction": "in", "nonce": uuid.uuid4().hex},
        headers=door,
        timeout=10,
    )
    assert (scan.status_code, scan.json()["result"]) == (201, "admitted"), scan.text
    assert scan.json()["seat"]["id"] == "A:2:1"
    assert scan.json()["seat"]["usher"] == "usher to Section A, row 2"
