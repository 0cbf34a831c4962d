"""Each email as the guest's mail server receives it: parts, calendar file, attached badge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from icalendar import Calendar

from tests.notifications.bus_events import STARTS_AT
from tests.notifications.fake_badges import decode_badge


def received(smtp_server, number: int = -1):
    return smtp_server.received[number].parsed()


def subject(message) -> str:
    return message["Subject"]


def body_types(message) -> list[str]:
    return [part.get_content_type() for part in message.walk() if not part.is_multipart()]


def calendar_of(message) -> Calendar:
    [part] = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    return Calendar.from_ical(part.get_content())


def vevent(message):
    return calendar_of(message).walk("VEVENT")[0]


def badge_of(message) -> bytes:
    [part] = [p for p in message.iter_attachments() if p.get_filename() == "badge.pdf"]
    return part.get_content()


def confirmed_email(service, smtp_server):
    registration = service.confirm()
    service.deliver()
    return registration, received(smtp_server)


def test_confirmation_is_text_and_html_with_calendar_and_badge(service, smtp_server):
    _, message = confirmed_email(service, smtp_server)

    assert message.get_content_type() == "multipart/mixed"
    assert body_types(message) == [
        "text/plain",
        "text/html",
        "text/calendar",
        "application/ics",
        "application/pdf",
    ]


def test_confirmation_subject_names_the_ceremony(service, smtp_server):
    _, message = confirmed_email(service, smtp_server)

    assert subject(message) == (
        "Registration confirmed: Closing Ceremony of the International Protocol Course"
    )


def test_confirmation_calendar_starts_at_the_right_time_in_the_ceremonys_timezone(
    service, smtp_server
):
    _, message = confirmed_email(service, smtp_server)

    start = vevent(message)["DTSTART"].dt
    assert start == STARTS_AT
    assert (start.hour, str(start.tzinfo)) == (17, "Europe/Zurich")


def test_confirmation_calendar_is_a_request_with_the_registrations_uid(service, smtp_server):
    registration, message = confirmed_email(service, smtp_server)

    assert calendar_of(message)["METHOD"] == "REQUEST"
    uid = f"registration-{registration['registration_id']}@ceremony.example.org"
    assert (str(vevent(message)["UID"]), vevent(message)["SEQUENCE"]) == (uid, 0)


def test_attached_badge_decodes_to_the_badges_code(service, smtp_server):
    registration = service.register("confirmed")
    badge = service.issue_badge(registration)
    service.deliver()

    assert decode_badge(badge_of(received(smtp_server))) == badge.data["code"]


def test_promoted_guest_gets_the_promotion_email_with_badge(service, smtp_server):
    promoted = service.promote(service.register("waitlisted"))
    badge = service.issue_badge(promoted)
    service.deliver()

    message = received(smtp_server, -1)
    assert subject(message).startswith("A seat is now available")
    assert decode_badge(badge_of(message)) == badge.data["code"]


def test_waitlisted_email_is_text_and_html_only(service, smtp_server):
    service.register("waitlisted")
    service.deliver()

    message = received(smtp_server)
    assert message.get_content_type() == "multipart/alternative"
    assert body_types(message) == ["text/plain", "text/html"]


def test_cancellation_removes_the_calendar_entry_it_had_added(service, smtp_server):
    registration, invite = confirmed_email(service, smtp_server)
    service.cancel(registration)
    service.deliver()

    cancel = received(smtp_server)
    assert calendar_of(cancel)["METHOD"] == "CANCEL"
    assert str(vevent(cancel)["UID"]) == str(vevent(invite)["UID"])
    assert vevent(cancel)["SEQUENCE"] > vevent(invite)["SEQUENCE"]


def test_cancelling_from_the_waitlist_sends_no_calendar_file(service, smtp_server):
    service.cancel(service.register("waitlisted"))
    service.deliver()

    assert body_types(received(smtp_server)) == ["text/plain", "text/html"]


def test_ceremony_change_updates_the_same_calendar_entry_with_a_higher_sequence(
    service, smtp_server
):
    _, invite = confirmed_email(service, smtp_server)
    later = STARTS_AT + timedelta(hours=1)
    service.update_ceremony(starts_at=later, ends_at=later + timedelta(hours=2), sequence=1)
    service.deliver()

    update = received(smtp_server)
    assert subject(update).startswith("Updated arrangements")
    assert str(vevent(update)["UID"]) == str(vevent(invite)["UID"])
    assert vevent(update)["SEQUENCE"] > vevent(invite)["SEQUENCE"]
    assert vevent(update)["DTSTART"].dt == datetime(2030, 6, 13, 16, 0, tzinfo=UTC)


def test_announcement_is_text_and_html_under_the_organisers_subject(service, smtp_server):
    service.confirm()
    service.deliver()
    service.announce(subject="Dress code", body="Business attire, please.")
    service.deliver()

    message = received(smtp_server)
    assert (subject(message), body_types(message)) == ("Dress code", ["text/plain", "text/html"])


def test_a_body_line_starting_with_from_arrives_unchanged(service, smtp_server):
    service.confirm()
    service.deliver()
    service.announce(subject="Arrival", body="From 16:30, doors are open.")
    service.deliver()

    text = received(smtp_server).get_body(("plain",)).get_content()
    assert text.startswith("From 16:30, doors are open.")


@pytest.mark.parametrize(
    ("template", "status"),
    [("confirmation", "confirmed"), ("waitlisted", "waitlisted")],
)
def test_every_email_carries_its_deterministic_message_id(service, smtp_server, template, status):
    registration = service.confirm() if status == "confirmed" else service.register(status)
    service.deliver()

    [delivery] = service.log(template=template)
    assert received(smtp_server)["Message-ID"] == delivery.message_id
    assert delivery.registration_id == registration["registration_id"]
