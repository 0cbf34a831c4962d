"""A guest's corrected details and a resent confirmation: the badge as it is now, and the one
calendar entry updated (same UID, SEQUENCE that grows), never a second entry."""

from __future__ import annotations

from icalendar import Calendar

from services.notifications.handlers import BADGE_REDRAW_SECONDS
from tests.notifications.bus_events import as_event
from tests.notifications.fake_badges import decode_badge


def calendar_event(message):
    """The VEVENT of the message's .ics attachment."""
    [ics] = [part for part in message.iter_attachments() if part.get_filename() == "invite.ics"]
    return Calendar.from_ical(ics.get_content()).walk("VEVENT")[0]


def badge_code(message) -> str:
    [badge] = [part for part in message.iter_attachments() if part.get_filename() == "badge.pdf"]
    return decode_badge(badge.get_content())


def correct(service, registration, revision: int, **changes):
    """The registration service's event after an organiser corrected the guest's details."""
    data = {**registration, **changes, "revision": revision, "changed": sorted(changes)}
    event = as_event("registration.updated", data)
    service.feed(event)
    return event


def redraw(service, registration, code: str) -> None:
    """The badges service's redrawn badge, served from now on."""
    service.badges.add(registration["registration_id"], service.ceremony_id, code)


def deliver_after_redraw(service) -> int:
    service.clock.advance(BADGE_REDRAW_SECONDS + 1)
    return service.deliver()


def test_a_correction_sends_the_redrawn_badge_and_updates_the_same_calendar_entry(
    service, smtp_server
):
    registration = service.confirm(language="fr")
    service.deliver()
    correct(service, registration, 1, full_name="Amina Diallo-Ba")
    redraw(service, registration, "CODE-REDRAWN")
    deliver_after_redraw(service)

    confirmation, update = (message.parsed() for message in smtp_server.received)
    assert update["Subject"].startswith("Mise à jour de vos informations")
    assert "Amina Diallo-Ba" in update["To"]
    assert badge_code(update) == "CODE-REDRAWN"
    before, after = calendar_event(confirmation), calendar_event(update)
    assert str(after["UID"]) == str(before["UID"])
    assert after["SEQUENCE"] > before["SEQUENCE"]
    [delivery] = service.log(template="details_updated")
    assert (delivery.status, delivery.language_used) == ("sent", "fr")


def test_the_update_waits_for_the_badge_to_be_redrawn(service, smtp_server):
    registration = service.confirm()
    service.deliver()
    correct(service, registration, 1, organisation="Ministry of Justice")

    assert service.deliver() == 0
    assert deliver_after_redraw(service) == 1


def test_each_correction_outranks_the_last_and_a_ceremony_change_outranks_both(
    service, smtp_server
):
    registration = service.confirm()
    service.deliver()
    correct(service, registration, 1, honorific="Dr")
    deliver_after_redraw(service)
    correct(service, registration, 2, honorific="Prof.")
    deliver_after_redraw(service)
    service.update_ceremony(sequence=1, title="Closing Ceremony, 2030")
    service.deliver()

    events = [calendar_event(message.parsed()) for message in smtp_server.received]
    assert len({str(event["UID"]) for event in events}) == 1
    sequences = [event["SEQUENCE"] for event in events]
    assert sequences == sorted(set(sequences))


def test_a_redelivered_correction_sends_one_email(service, smtp_server):
    registration = service.confirm()
    service.deliver()
    event = correct(service, registration, 1, full_name="Amina Ba")
    service.feed(event)
    deliver_after_redraw(service)

    assert len(service.log(template="details_updated")) == 1


def test_a_waitlisted_guest_is_not_written_to_about_a_correction(service):
    registration = service.register("waitlisted")
    service.deliver()
    correct(service, registration, 1, full_name="Amina Ba")
    deliver_after_redraw(service)

    assert service.log(template="details_updated") == []


def test_a_correction_keeps_the_projection_up_to_date(service):
    registration = service.confirm()
    correct(service, registration, 3, job_title="Ambassador")

    [guest] = [row for row in service.log(template="details_updated")]
    assert guest.recipient == registration["email"]
    assert guest.details["revision"] == 3


def test_a_resent_confirmation_is_a_new_email_with_the_same_calendar_entry(service, smtp_server):
    registration = service.confirm()
    service.deliver()
    service.feed(as_event("registration.confirmation_resent", registration))
    service.deliver()

    first, again = (message.parsed() for message in smtp_server.received)
    assert first["Message-ID"] != again["Message-ID"]
    assert str(calendar_event(again)["UID"]) == str(calendar_event(first)["UID"])
    assert badge_code(again) == f"CODE-{registration['registration_id']}"
    assert [d.status for d in service.log(template="confirmation")] == ["sent", "sent"]


def test_no_confirmation_is_resent_to_a_cancelled_guest(service):
    registration = service.confirm()
    service.deliver()
    service.cancel(registration)
    cancelled = {**registration, "status": "cancelled", "previous_status": "confirmed"}
    service.feed(as_event("registration.confirmation_resent", cancelled))

    assert len(service.log(template="confirmation")) == 1
