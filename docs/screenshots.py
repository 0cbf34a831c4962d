"""Draw the README's screenshots of the console: a sample ceremony in the suite run in this
process (the three services under one origin, as the front proxy serves them), shown in
headless Chromium at desktop size and, for the door's attendance page, at phone size.

    .venv/bin/python docs/screenshots.py      (writes docs/screenshots/*.png)

It needs what the browser tests need (Chromium, chromedriver, npm ci).
"""

from __future__ import annotations

import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from services.registration.credential_events import set_role  # noqa: E402
from services.registration.models import Account  # noqa: E402
from shared.sessions import SESSION_COOKIE  # noqa: E402
from tests.browser.door_harness import chromium  # noqa: E402
from tests.browser.journey_router import JourneySuite  # noqa: E402
from tests.notifications.smtp_server import SmtpTestServer  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
DESKTOP = {"width": 1280, "height": 860, "deviceScaleFactor": 1, "mobile": False}
PHONE = {"width": 390, "height": 844, "deviceScaleFactor": 2, "mobile": True}

GUESTS = [
    ("H.E. Amina Diallo", "amina@example.sn", "Ministry of Foreign Affairs", "dignitary", 1),
    ("Prof. Helen Marsh", "helen@example.org", "University of Geneva", "speaker", 2),
    ("王小明", "wang@example.cn", "外交部", "press", 20),
    ("Élise Fernández", "elise@example.org", "Université de Lausanne", "guest", 30),
    ("محمد بن راشد", "mohammed@example.ae", "Embassy of the UAE", "dignitary", 3),
    ("José Müller-Núñez", "jose@example.org", "Ministry of Culture", "guest", 31),
]
INVITEES = [
    ("Dr Li Wei", "li@example.cn", "dignitary"),
    ("Ivan Petrov", "ivan@example.ru", "speaker"),
    ("Sofía Romero", "sofia@example.es", "dignitary"),
]


def seed(suite: JourneySuite) -> tuple[str, str]:
    """A ceremony with guests, invitations, arrivals and an announcement; the owner's session."""
    admin = {"Authorization": f"Bearer {suite.signer.issue_token('admin')}"}
    registration = suite.client("registration")
    starts = datetime.now(UTC).replace(minute=0, second=0, microsecond=0) + timedelta(days=9)
    body = {
        "title": "Closing Ceremony of the Diplomatic Training Course",
        "starts_at": starts.isoformat(),
        "ends_at": (starts + timedelta(hours=2)).isoformat(),
        "timezone": "Europe/Zurich",
        "venue": {"name": "Grand Hall", "address": "1 Avenue de la Paix, Geneva"},
        "capacity": 120,
        "languages": ["en", "fr", "zh"],
        "protocol_contact_email": "protocol@example.org",
        "registration_mode": "open",
        "gates": ["Main entrance", "VIP entrance"],
        "programme": [
            {"starts_at": starts.isoformat(), "title": "Arrival of the guests"},
            {
                "starts_at": (starts + timedelta(minutes=30)).isoformat(),
                "title": "Opening address",
            },
        ],
    }
    created = registration.post("/api/ceremonies", json=body, headers=admin)
    assert created.status_code == 201, created.get_json()
    ceremony = created.json["id"]
    ids = []
    for name, email, organisation, category, precedence in GUESTS:
        answer = registration.post(
            f"/api/ceremonies/{ceremony}/registrations",
            json={
                "full_name": name,
                "email": email,
                "organisation": organisation,
                "category": category,
                "precedence": precedence,
            },
            headers=admin,
        )
        assert answer.status_code == 201, answer.get_json()
        ids.append(answer.json["id"])
    invitees = [{"full_name": n, "email": e, "category": c} for n, e, c in INVITEES]
    invited = registration.post(
        f"/api/ceremonies/{ceremony}/invitations", json={"invitees": invitees}, headers=admin
    )
    assert invited.status_code == 201, invited.get_json()
    account = uuid.uuid4()
    with suite.database("registration").transaction() as session:
        session.add(
            Account(
                id=account,
                email="olga@example.org",
                email_key="olga@example.org",
                display_name="Olga Organiser",
                language="en",
            )
        )
        session.flush()
        set_role(session, str(account), ceremony, "owner")
    suite.step()  # the workers' round at once: badges drawn, emails sent
    badges = suite.client("badges")
    door = {"Authorization": f"Bearer {suite.signer.issue_token('admin')}"}
    for registration_id, gate in ((ids[0], "VIP entrance"), (ids[2], "Main entrance")):
        code = badges.get(f"/api/registrations/{registration_id}/badge", headers=door).json["code"]
        badges.post("/api/checkins", json={"code": code, "gate": gate}, headers=door)
    suite.step()
    return ceremony, suite.signer.issue_session(str(account), name="Olga Organiser")


def main() -> int:
    OUT.mkdir(parents=True, exist_ok=True)
    smtp = SmtpTestServer()
    smtp.start()
    with tempfile.TemporaryDirectory() as scratch:
        suite = JourneySuite(Path(scratch) / "var", smtp.url)
        driver = chromium(Path(scratch) / "profile")
        try:
            ceremony, session = seed(suite)
            driver.get(suite.url + "/sign-in")
            driver.add_cookie({"name": SESSION_COOKIE, "value": session, "path": "/"})
            shots = [
                ("dashboard", f"/console/ceremonies/{ceremony}", DESKTOP),
                ("guests", f"/console/ceremonies/{ceremony}/guests", DESKTOP),
                ("invitations", f"/console/ceremonies/{ceremony}/invitations", DESKTOP),
                ("badges", f"/console/badges/{ceremony}", DESKTOP),
                ("announcements", f"/console/emails/{ceremony}/announcements", DESKTOP),
                ("attendance-phone", f"/console/badges/{ceremony}/attendance", PHONE),
            ]
            for name, path, size in shots:
                driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", size)
                driver.get(suite.url + path)
                # The dashboard's tiles and the attendance stream arrive after the page's load
                # event, with nothing to wait on from here; a picture needs no more than a second.
                time.sleep(1.0)
                driver.save_screenshot(str(OUT / f"{name}.png"))
                print(OUT / f"{name}.png")
        finally:
            driver.quit()
            suite.close()
            smtp.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
