"""Invitations across the whole suite: email, RSVP link, protocol seat, badge, door, arrival alert.

Three services on PostgreSQL and RabbitMQ, mail to a real SMTP server; the RSVP links are taken
from the emails and followed as a mail client and its user would.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from icalendar import Calendar
from sqlalchemy import func, select

from services.notifications.models import inbox
from shared.db import Database
from tests.conftest import wait_for
from tests.integration.suite import LiveSuite
from tests.notifications.fake_badges import decode_badge
from tests.registration.conftest import ceremony_body

pytestmark = pytest.mark.integration

INVITEES = [
    {
        "full_name": "Li Wei",
        "honorific": "H.E. Mr",
        "email": "li.wei@example.org",
        "organisation": "Ministry of Foreign Affairs",
        "job_title": "Director General",
        "language": "en",
        "precedence": 1,
    },
    {
        "full_name": "Amélie Laurent",
        "honorific": "Mme",
        "email": "amelie.laurent@example.org",
        "organisation": "Consulat général de France",
        "job_title": "Consule générale",
        "language": "fr",
        "precedence": 2,
    },
    {
        "full_name": "王芳",
        "honorific": "王女士",
        "email": "wang.fang@example.org",
        "organisation": "国际合作司",
        "job_title": "司长",
        "language": "zh",
        "precedence": 3,
    },
]
RSVP_LINK = re.compile(r"(http://\S+/rsvp/[^\s?]+)\?answer=accept")


@pytest.fixture
def suite(tmp_path, amqp_url, postgres_databases, smtp_server):
    suite = LiveSuite(tmp_path / "var", amqp_url, postgres_databases, smtp_server.url)
    yield suite
    suite.close()


def mail_to(smtp_server, address: str, subject_start: str = "") -> list:
    return [
        message
        for message in (m.parsed() for m in smtp_server.received)
        if message["To"].addresses[0].addr_spec == address
        and message["Subject"].startswith(subject_start)
    ]


def one_mail(smtp_server, address: str, subject_start: str = ""):
    [message] = wait_for(lambda: mail_to(smtp_server, address, subject_start), timeout=60)
    return message


def rsvp_link(message) -> str:
    return RSVP_LINK.search(message.get_body(("plain",)).get_content()).group(1)


def calendar_start(message) -> datetime:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content()).walk("VEVENT")[0].decoded("dtstart")


def badge_pdf(message) -> bytes:
    [part] = [p for p in message.iter_attachments() if p.get_filename() == "badge.pdf"]
    return part.get_content()


def test_invited_dignitaries_answer_by_link_and_the_protocol_contact_hears_of_arrival(
    suite, smtp_server
):
    organiser = suite.organiser()
    programme = [
        {"title": "Welcome address", "speaker": "Dr Helena Marsh", "role": "Chair"},
        {"title": "Keynote", "speaker": "H.E. Mr Li Wei", "role": "Director General"},
    ]
    ceremony = suite.call(
        "POST",
        "registration",
        "/api/ceremonies",
        json=ceremony_body(capacity=1, programme=programme),
        headers=organiser,
    ).json()
    ceremony_id = ceremony["id"]
    seats = f"/api/ceremonies/{ceremony_id}/registrations"
    first = suite.call("POST", "registration", seats, json={"full_name": "A", "email": "a@x.org"})
    second = suite.call("POST", "registration", seats, json={"full_name": "B", "email": "b@x.org"})
    # The public capacity is full.
    assert (first.json()["status"], second.json()["status"]) == ("confirmed", "waitlisted")

    invited = suite.call(
        "POST",
        "registration",
        f"/api/ceremonies/{ceremony_id}/invitations",
        json={"invitees": INVITEES},
        headers=organiser,
    )
    assert invited.status_code == 201
    by_email = {i["email"]: i for i in invited.json()}

    # Three invitations, each in its invitee's language, with an RSVP link and a calendar file.
    title = ceremony["title"]
    en = one_mail(smtp_server, "li.wei@example.org", f"Invitation: {title}")
    fr = one_mail(smtp_server, "amelie.laurent@example.org", f"Invitation : {title}")
    zh = one_mail(smtp_server, "wang.fang@example.org", f"邀请函：{title}")
    starts_at = datetime.fromisoformat(ceremony["starts_at"])
    for message in (en, fr, zh):
        assert calendar_start(message) == starts_at
    assert "Dr Helena Marsh" in en.get_body(("plain",)).get_content()

    # Opening the link (as a mail scanner or the invitee does) shows the invitation only.
    page = suite.http.get(f"{rsvp_link(en)}?answer=accept", timeout=10)
    assert page.status_code == 200
    assert "Li Wei" in page.text
    listing = suite.call(
        "GET", "registration", f"/api/ceremonies/{ceremony_id}/invitations", headers=organiser
    ).json()
    assert [i["status"] for i in listing] == ["pending", "pending", "pending"]
    # Protocol order: by precedence.
    assert [i["email"] for i in listing] == [i["email"] for i in INVITEES]

    # Accepting gives a confirmed dignitary on a protocol seat, though the public seats are full.
    answered = suite.http.post(rsvp_link(en), data={"answer": "accept"}, timeout=10)
    assert answered.status_code == 200  # after the redirect to the page
    accepted = suite.call(
        "GET",
        "registration",
        f"/api/invitations/{by_email['li.wei@example.org']['id']}",
        headers=organiser,
    ).json()
    assert accepted["status"] == "accepted"
    registration = suite.call(
        "GET",
        "registration",
        f"/api/registrations/{accepted['registration_id']}",
        headers=organiser,
    ).json()
    assert (registration["status"], registration["category"]) == ("confirmed", "dignitary")

    # ... then a badge, and a confirmation email that carries it.
    confirmation = one_mail(smtp_server, "li.wei@example.org", "Attendance confirmed")
    badge = suite.call(
        "GET", "badges", f"/api/registrations/{registration['id']}/badge", headers=organiser
    ).json()
    assert decode_badge(badge_pdf(confirmation)) == badge["code"]

    # Declining is recorded, and seats nobody.
    declined = suite.http.post(rsvp_link(fr), data={"answer": "decline"}, timeout=10)
    assert declined.status_code == 200
    statuses = {
        i["email"]: i["status"]
        for i in suite.call(
            "GET", "registration", f"/api/ceremonies/{ceremony_id}/invitations", headers=organiser
        ).json()
    }
    assert statuses == {
        "li.wei@example.org": "accepted",
        "amelie.laurent@example.org": "declined",
        "wang.fang@example.org": "pending",
    }

    # A tampered link gets a page that says so, not an error.
    link = rsvp_link(zh)
    tampered = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
    refused = suite.http.get(tampered, timeout=10)
    assert refused.status_code == 404
    assert "text/html" in refused.headers["Content-Type"]

    # A reminder reaches only the invitee it is for.
    reminded = suite.call(
        "POST",
        "registration",
        f"/api/invitations/{by_email['wang.fang@example.org']['id']}/remind",
        headers=organiser,
    )
    assert reminded.status_code == 200
    reminder = one_mail(smtp_server, "wang.fang@example.org", "提醒")
    assert rsvp_link(reminder) == rsvp_link(zh)
    reminders = suite.call(
        "GET",
        "notifications",
        "/api/deliveries",
        params={"template": "invitation_reminder"},
        headers=organiser,
    ).json()
    assert [d["recipient"] for d in reminders] == ["wang.fang@example.org"]

    # At the door: the dignitary is admitted, and the protocol contact told at once.
    door = suite.staff(ceremony_id, "North Gate")
    scan = {"code": badge["code"], "gate": "North Gate"}
    assert suite.call("POST", "badges", "/api/checkins", json=scan, headers=door).status_code == 201
    alert = one_mail(smtp_server, "protocol@example.org", "VIP arrival: H.E. Mr Li Wei, North Gate")
    assert "Director General" in alert.get_body(("plain",)).get_content()

    # A second scan, then out and back in: still one alert.
    again = suite.call("POST", "badges", "/api/checkins", json=scan, headers=door)
    assert again.json()["result"] == "already_admitted"
    out = suite.call(
        "POST", "badges", "/api/checkins", json={**scan, "direction": "out"}, headers=door
    )
    assert out.json()["result"] == "exited"
    back = suite.call("POST", "badges", "/api/checkins", json=scan, headers=door)
    assert back.json()["result"] == "admitted"
    notifications = Database(suite.settings["notifications"].database_url)
    try:

        def admissions_seen() -> bool:
            query = select(func.count()).where(inbox.c.event_type == "checkin.recorded")
            with notifications.sessions() as session:
                return session.execute(query).scalar() == 2

        wait_for(admissions_seen, timeout=30)
    finally:
        notifications.dispose()
    alerts = suite.call(
        "GET",
        "notifications",
        "/api/deliveries",
        params={"template": "vip_arrival"},
        headers=organiser,
    ).json()
    assert len(alerts) == 1
    assert len(mail_to(smtp_server, "protocol@example.org", "VIP arrival")) == 1
    # The attendance's VIP list has the dignitary with the arrival time.
    attendance = suite.call(
        "GET", "badges", f"/api/ceremonies/{ceremony_id}/attendance", headers=organiser
    ).json()
    assert [v["full_name"] for v in attendance["vips"]] == ["Li Wei"]
    assert attendance["vips"][0]["arrived_at"] is not None
    assert (
        timedelta(0)
        <= datetime.now(starts_at.tzinfo)
        - datetime.fromisoformat(attendance["vips"][0]["arrived_at"])
        < timedelta(minutes=5)
    )
