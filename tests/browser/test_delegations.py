"""Delegations in headless Chromium, in French and in Arabic: an invitee follows the link in the
real invitation email, accepts with two named companions, and three people get a badge and a
confirmation each in their language; another names a representative, who is registered and
confirmed in their place. The three services run behind one origin, their events carried in
the background (badges' events to notifications too)."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from selenium.webdriver.common.by import By
from sqlalchemy import select

from services.badges.models import outbox as badge_outbox
from shared.events import parse_envelope
from tests.browser.guest_harness import PHONE, GuestBrowser
from tests.browser.journey_router import JourneySuite
from tests.conftest import wait_for
from tests.notifications.smtp_server import SmtpTestServer

pytestmark = pytest.mark.browser

#: Words each language's pages and letters must show.
WORDS = {
    "fr": {"title": "Cérémonie de clôture", "accepted": "Confirmation de votre présence"},
    "ar": {"title": "حفل الختام", "accepted": "تأكيد الحضور"},
}


class DelegationSuite(JourneySuite):
    """The journey's suite, with the badges service's events carried to notifications too: a
    confirmation waits for its badge."""

    def __init__(self, *args, **kwargs):
        self._badge_events = 0
        super().__init__(*args, **kwargs)

    def pump(self) -> int:
        carried = super().pump()
        with self.database("badges").transaction() as session:
            rows = session.execute(
                select(badge_outbox.c.id, badge_outbox.c.body)
                .where(badge_outbox.c.id > self._badge_events)
                .order_by(badge_outbox.c.id)
            ).all()
        worker = self.workers["notifications"]
        for row in rows:
            event = parse_envelope(json.loads(row.body))
            handler = worker.handlers.get(event.type)
            if handler is not None:
                worker.handle(event, handler)
            self._badge_events = row.id
        return carried + len(rows)


@pytest.fixture(scope="module")
def smtp():
    server = SmtpTestServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def suite(tmp_path_factory, smtp):
    suite = DelegationSuite(tmp_path_factory.mktemp("delegations"), smtp.url)
    yield suite
    suite.close()
    assert not suite.errors, suite.errors


@pytest.fixture(scope="module")
def admin(suite) -> dict:
    return {"Authorization": f"Bearer {suite.signer.issue_token('admin')}"}


@pytest.fixture(scope="module")
def ceremony(suite, admin) -> str:
    starts = (datetime.now(UTC) + timedelta(days=20)).replace(microsecond=0)
    body = {
        "title": "Closing Ceremony",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "timezone": "Europe/Zurich",
        "venue": {"name": "Palais des Nations"},
        "capacity": 50,
        "languages": ["en", "fr", "ar"],
        "registration_mode": "open",
        "translations": {language: {"title": w["title"]} for language, w in WORDS.items()},
    }
    answer = suite.client("registration").post("/api/ceremonies", json=body, headers=admin)
    assert answer.status_code == 201, answer.get_json()
    return answer.json["id"]


def invite(suite, admin, ceremony: str, **invitee) -> dict:
    answer = suite.client("registration").post(
        f"/api/ceremonies/{ceremony}/invitations",
        json={"invitees": [{"category": "dignitary", **invitee}]},
        headers=admin,
    )
    assert answer.status_code == 201, answer.get_json()
    return answer.json[0]


def mail_to(smtp, address: str, words: str):
    """The first message to ``address`` whose subject holds ``words``, once it arrived."""

    def found():
        for message in smtp.received:
            parsed = message.parsed()
            if address in message.rcpt_tos and words in parsed["Subject"]:
                return parsed
        return None

    return wait_for(found, timeout=30)


def rsvp_link(smtp, address: str, title: str) -> str:
    letter = mail_to(smtp, address, title).get_body(("plain",)).get_content()
    return re.search(r"https?://\S+/rsvp/\S+", letter)[0]


def registrations(suite, admin, ceremony: str) -> dict[str, dict]:
    answer = suite.client("registration").get(
        f"/api/ceremonies/{ceremony}/registrations", headers=admin
    )
    return {person["email"]: person for person in answer.json}


def badge_of(suite, admin, registration_id: str) -> dict | None:
    answer = suite.client("badges").get(
        f"/api/registrations/{registration_id}/badge", headers=admin
    )
    return answer.json if answer.status_code == 200 else None


def fill(guest: GuestBrowser, values: dict[str, str]) -> None:
    for name, value in values.items():
        element = guest.driver.find_element(By.NAME, name)
        if element.tag_name == "select":
            element.find_element(By.CSS_SELECTOR, f"option[value='{value}']").click()
        else:
            element.clear()
            element.send_keys(value)


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_a_head_of_delegation_accepts_with_two_companions(
    module_chromium, axe_source, suite, smtp, admin, ceremony, language
):
    tag = uuid.uuid4().hex[:6]
    head = f"head-{tag}@example.org"
    companions = [f"first-{tag}@example.org", f"second-{tag}@example.org"]
    invite(
        suite,
        admin,
        ceremony,
        honorific="H.E.",
        given_name="Amina",
        family_name="Diallo",
        email=head,
        language=language,
        companions_allowed=2,
        precedence=1,
    )
    guest = GuestBrowser(module_chromium, suite.url, axe_source)
    guest.resize(PHONE)

    module_chromium.get(rsvp_link(smtp, head, WORDS[language]["title"]))
    assert WORDS[language]["title"] in guest.text()
    guest.check(language)
    fill(
        guest,
        {
            "companions-0-given_name": "Moussa",
            "companions-0-family_name": "Diallo",
            "companions-0-email": companions[0],
            "companions-0-language": language,
            "companions-1-given_name": "Awa",
            "companions-1-family_name": "Ndiaye",
            "companions-1-email": companions[1],
            "companions-1-language": "en",
        },
    )
    guest.follow(guest.find("button[name=accept]").click)
    page = guest.text()
    assert "Moussa Diallo" in page and "Awa Ndiaye" in page
    guest.check(language)

    people = wait_for(
        lambda: (
            (found := registrations(suite, admin, ceremony))
            and all(address in found for address in [head, *companions])
            and found
        ),
        timeout=30,
    )
    delegation = [people[address] for address in [head, *companions]]
    assert [p["status"] for p in delegation] == ["confirmed"] * 3
    badges = [wait_for(lambda p=p: badge_of(suite, admin, p["id"]), timeout=30) for p in delegation]
    assert len({badge["code"] for badge in badges}) == 3
    # Each is confirmed in their language: the head by the letter of acceptance.
    assert mail_to(smtp, head, WORDS[language]["accepted"])["Content-Language"] == language
    assert mail_to(smtp, companions[0], WORDS[language]["title"])["Content-Language"] == language
    assert mail_to(smtp, companions[1], "Closing Ceremony")["Content-Language"] == "en"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_an_invitee_names_a_representative(
    module_chromium, axe_source, suite, smtp, admin, ceremony, language
):
    tag = uuid.uuid4().hex[:6]
    invitee = f"minister-{tag}@example.org"
    deputy = f"deputy-{tag}@example.org"
    invite(
        suite,
        admin,
        ceremony,
        honorific="H.E.",
        full_name="Li Wei",
        email=invitee,
        language=language,
        representative_allowed=True,
        precedence=2,
    )
    guest = GuestBrowser(module_chromium, suite.url, axe_source)
    guest.resize(PHONE)

    module_chromium.get(rsvp_link(smtp, invitee, WORDS[language]["title"]))
    fill(
        guest,
        {
            "representative-honorific": "Dr",
            "representative-given_name": "Helen",
            "representative-family_name": "Marsh",
            "representative-email": deputy,
            "representative-language": language,
        },
    )
    guest.follow(guest.find("button[name=represent]").click)
    assert "Helen Marsh" in guest.text()
    guest.check(language)

    people = wait_for(lambda: registrations(suite, admin, ceremony).get(deputy), timeout=30)
    assert people["status"] == "confirmed"
    assert invitee not in registrations(suite, admin, ceremony)
    assert wait_for(lambda: badge_of(suite, admin, people["id"]), timeout=30)
    assert mail_to(smtp, deputy, WORDS[language]["title"])["Content-Language"] == language
