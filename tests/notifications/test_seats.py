"""A guest's seat: kept from ``seating.assigned``, told in its own letters when announced, and
named in every later letter to the guest and in the arrival alert about them."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from marshmallow import ValidationError
from sqlalchemy import select

from services.notifications.handlers import BADGE_REDRAW_SECONDS, RegistrationNotYetKnown
from services.notifications.models import seats
from services.notifications.projections import ceremony_row, items_spoken_by
from services.notifications.service import SERVICE
from shared.dead_letters import list_dead_letters
from shared.events import make_envelope, parse_envelope
from shared.worker import ServiceWorker
from tests.conftest import wait_for
from tests.notifications.bus_events import (
    STARTS_AT,
    as_event,
    registration_data,
    seat_info,
    seating_data,
)
from tests.notifications.fake_badges import decode_badge
from tests.notifications.on_the_bus import publish

FRONT = seat_info("A", "1", 5)
BACK = seat_info("C", "7", 12)


def templates(service) -> list[str]:
    return [delivery.template for delivery in service.log()]


def deliver_after_redraw(service) -> None:
    service.clock.advance(BADGE_REDRAW_SECONDS + 1)
    service.deliver()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def last_email(smtp_server):
    return smtp_server.received[-1].parsed()


def kept_seat(service, registration) -> dict | None:
    query = select(seats.c.seat).where(seats.c.registration_id == registration["registration_id"])
    with service.database.sessions() as session:
        return session.execute(query).scalar()


def test_a_first_seat_is_told_in_your_seat_with_the_badge_and_the_manage_link(service, smtp_server):
    registration = service.confirm()
    service.seat(registration, FRONT)
    service.badges.add(registration["registration_id"], service.ceremony_id, "CODE-SEATED")
    deliver_after_redraw(service)

    message = last_email(smtp_server)
    assert message["Subject"] == (
        "Your seat: Closing Ceremony of the International Protocol Course"
    )
    assert "Your seat: Section A · Row 1 · Seat 5" in text_of(message)
    assert "Section A · Row 1 · Seat 5" in html_of(message)
    assert "/manage/" in text_of(message)
    [badge] = [p for p in message.iter_attachments() if p.get_filename() == "badge.pdf"]
    assert decode_badge(badge.get_content()) == "CODE-SEATED"
    [delivery] = service.log(template="seat_assigned")
    assert delivery.status == "sent"


def test_the_seat_letter_waits_for_the_badge_to_be_redrawn(service):
    registration = service.confirm()
    service.deliver()
    service.seat(registration, FRONT)

    assert service.deliver() == 0
    [delivery] = service.log(template="seat_assigned")
    assert delivery.status == "queued"


def test_a_changed_seat_is_told_with_the_new_seat_and_the_old_one(service, smtp_server):
    registration = service.confirm()
    service.seat(registration, BACK, FRONT)
    deliver_after_redraw(service)

    message = last_email(smtp_server)
    assert message["Subject"].startswith("Your seat has changed: ")
    text = text_of(message)
    assert "Your new seat: Section C · Row 7 · Seat 12" in text
    assert "Previous seat: Section A · Row 1 · Seat 5" in text
    assert any(p.get_filename() == "badge.pdf" for p in message.iter_attachments())


def test_a_seat_freed_while_the_guest_stays_confirmed_is_told(service, smtp_server):
    registration = service.confirm()
    service.seat(registration, None, FRONT)
    deliver_after_redraw(service)

    message = last_email(smtp_server)
    assert message["Subject"].startswith("Your seat is no longer reserved: ")
    assert "Seat no longer reserved: Section A · Row 1 · Seat 5" in text_of(message)
    assert kept_seat(service, registration) is None


def test_a_seat_freed_by_a_cancellation_sends_only_the_cancellation(service):
    registration = service.confirm()
    service.cancel(registration)
    service.seat(registration, None, FRONT)

    assert templates(service) == ["confirmation", "cancelled"]


def test_a_freed_seat_letter_is_skipped_if_the_cancellation_comes_before_it_goes(service):
    registration = service.confirm()
    service.seat(registration, None, FRONT)  # the seating reached here before the cancellation
    service.cancel(registration)
    deliver_after_redraw(service)

    [freed] = service.log(template="seat_released")
    assert freed.status == "skipped"


def test_no_letter_when_the_seating_is_not_announced_but_the_seat_is_kept(service):
    registration = service.confirm()
    service.seat(registration, FRONT, announce=False)

    assert templates(service) == ["confirmation"]
    assert kept_seat(service, registration) == FRONT


def test_the_same_seat_again_is_no_change_to_tell(service):
    registration = service.confirm()
    service.seat(registration, FRONT, FRONT)

    assert templates(service) == ["confirmation"]


def test_a_redelivered_seating_records_one_letter(service):
    registration = service.confirm()
    event = service.seat(registration, FRONT)
    service.feed(event)
    with service.database.transaction() as session:
        service.handlers["seating.assigned"](session, event)  # past the inbox: the log dedupes

    assert templates(service) == ["confirmation", "seat_assigned"]


def test_an_older_seating_does_not_overwrite_a_newer_seat(service):
    registration = service.confirm()
    older = as_event("seating.assigned", seating_data(registration, FRONT))
    newer = as_event("seating.assigned", seating_data(registration, BACK, FRONT))
    service.feed(newer)
    service.feed(older)

    assert kept_seat(service, registration) == BACK
    assert templates(service) == ["confirmation", "seat_changed"]


def test_a_seat_before_its_registration_is_kept_and_named_in_the_confirmation(service, smtp_server):
    registration = registration_data(service.ceremony_id)
    service.feed(as_event("seating.assigned", seating_data(registration, FRONT, announce=False)))
    service.feed(as_event("registration.confirmed", registration))
    service.issue_badge(registration)
    service.deliver()

    assert "Seat:     Section A · Row 1 · Seat 5" in text_of(last_email(smtp_server))


def test_a_seat_to_announce_before_its_registration_is_retried_later(service):
    registration = registration_data(service.ceremony_id)
    early = as_event("seating.assigned", seating_data(registration, FRONT))

    with pytest.raises(RegistrationNotYetKnown):
        service.feed(early)
    assert kept_seat(service, registration) is None  # nothing half-kept: the retry keeps it

    service.confirm(registration_id=registration["registration_id"])
    service.feed(early)
    assert templates(service) == ["confirmation", "seat_assigned"]


def test_the_confirmation_written_after_the_seat_says_the_seat(service, smtp_server):
    registration = service.register("confirmed", language="fr")
    service.seat(registration, FRONT, announce=False)
    service.issue_badge(registration)
    service.deliver()

    message = last_email(smtp_server)
    assert "Place :     Section A · Rang 1 · Siège 5" in text_of(message)
    assert "Section A · Rang 1 · Siège 5" in html_of(message)


def test_a_ceremony_change_tells_a_seated_guest_their_seat(service, smtp_server):
    registration = service.confirm()
    service.seat(registration, FRONT, announce=False)
    service.deliver()
    service.update_ceremony(title="Closing Ceremony, new date", sequence=1)
    service.deliver()

    message = last_email(smtp_server)
    [changed] = service.log(template="ceremony_changed")
    assert changed.status == "sent"
    assert "Seat:     Section A · Row 1 · Seat 5" in text_of(message)


def test_a_letter_without_a_seat_shows_none(service, smtp_server):
    service.confirm()
    service.deliver()

    assert "Seat:" not in text_of(last_email(smtp_server))


def test_the_vip_arrival_alert_says_the_guests_seat(service, smtp_server):
    dignitary = service.confirm(category="dignitary", full_name="Li Wei", honorific="H.E. Mr")
    service.seat(dignitary, FRONT, announce=False)
    service.admit(dignitary)
    service.deliver()

    [alert] = [m.parsed() for m in smtp_server.received if "protocol@example.org" in m.rcpt_tos]
    assert "Seat:          Section A · Row 1 · Seat 5" in text_of(alert)
    assert "Section A · Row 1 · Seat 5" in html_of(alert)


def speaker_programme(registration) -> list[dict]:
    return [
        {"title": "Welcome address", "speaker": "Dr Helena Marsh", "starts_at": STARTS_AT},
        {
            "title": "Address by the Director General",
            "speaker": "Amina Diallo",
            "starts_at": STARTS_AT + timedelta(minutes=10),
            "registration_id": registration["registration_id"],
        },
    ]


def test_a_guest_who_speaks_gets_an_arrival_alert_naming_the_item_and_its_local_time(
    service, smtp_server
):
    speaker = service.confirm(category="guest")
    service.update_ceremony(programme=speaker_programme(speaker), sequence=1)
    service.admit(speaker)
    service.deliver()

    [alert] = [m.parsed() for m in smtp_server.received if "protocol@example.org" in m.rcpt_tos]
    # 15:10 UTC is 17:10 in Geneva in June, written as English writes it.
    assert "Speaks at 5:10\u202fPM: Address by the Director General" in text_of(alert)
    assert "Speaks at 5:10\u202fPM: Address by the Director General" in html_of(alert)


def test_a_guest_who_speaks_at_nothing_gets_no_arrival_alert(service):
    guest = service.confirm(category="guest")
    service.update_ceremony(programme=speaker_programme(registration_data(service.ceremony_id)))
    service.admit(guest)

    assert "vip_arrival" not in templates(service)


def test_the_speakers_item_is_kept_in_the_ceremony_projection(service):
    speaker = service.confirm()
    service.update_ceremony(programme=speaker_programme(speaker), sequence=1)

    with service.database.sessions() as session:
        ceremony = ceremony_row(session, service.ceremony_id)
        assert items_spoken_by(ceremony, speaker["registration_id"]) == [1]


def test_erasing_the_guest_forgets_their_seat_and_an_older_seating_does_not_bring_it_back(
    service,
):
    registration = service.confirm()
    service.seat(registration, FRONT, announce=False)
    late = as_event("seating.assigned", seating_data(registration, BACK, announce=False))
    service.feed(
        as_event(
            "registration.erased",
            {
                "registration_id": registration["registration_id"],
                "ceremony_id": service.ceremony_id,
                "email_digest": "0" * 64,
            },
        )
    )
    service.feed(late)

    assert kept_seat(service, registration) is None


@pytest.mark.parametrize("missing", ["id", "section", "row", "number"])
def test_a_seat_missing_a_field_is_refused_by_the_contract_naming_it(service, missing):
    envelope = make_envelope(
        "seating.assigned",
        seating_data(registration_data(service.ceremony_id), FRONT),
        "registration",
    )
    del envelope["data"]["seat"][missing]

    with pytest.raises(ValidationError) as refused:
        parse_envelope(envelope)
    assert refused.value.messages == {"seat": {missing: ["Missing data for required field."]}}


def test_a_seating_with_a_broken_seat_is_dead_lettered_and_the_next_one_handled(
    service, notification_settings
):
    registration = service.confirm()
    broken = make_envelope("seating.assigned", seating_data(registration, FRONT), "registration")
    del broken["data"]["seat"]["row"]
    good = make_envelope(
        "seating.assigned", seating_data(registration, FRONT, announce=False), "registration"
    )
    worker = ServiceWorker(SERVICE, notification_settings)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    try:
        publish(notification_settings, [broken, good])
        wait_for(lambda: kept_seat(service, registration) == FRONT)
    finally:
        worker.stop()
        thread.join(timeout=15)
        worker.database.dispose()

    [letter] = wait_for(lambda: list_dead_letters(notification_settings))
    assert (letter.event_type, "row" in letter.reason) == ("seating.assigned", True)
    assert templates(service) == ["confirmation"]


def test_naming_an_items_speaker_by_their_registration_tells_no_guest_of_a_change(service):
    speaker = service.confirm()
    programme = speaker_programme(speaker)
    unlinked = [
        {key: value for key, value in item.items() if key != "registration_id"}
        for item in programme
    ]
    service.update_ceremony(programme=unlinked, sequence=1)
    service.update_ceremony(programme=programme, sequence=1)

    assert templates(service) == ["confirmation", "ceremony_changed"]
