"""Which emails each event records: the handlers keep projections and only record deliveries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications.handlers import RegistrationNotYetKnown
from tests.notifications.bus_events import (
    STARTS_AT,
    as_event,
    badge_data,
    ceremony_data,
    registration_data,
)


def templates(service) -> list[str]:
    return [delivery.template for delivery in service.log()]


def test_a_confirmation_waits_for_the_badge(service):
    service.register("confirmed")

    assert templates(service) == []


def test_the_badge_records_the_confirmation(service):
    service.confirm()

    assert templates(service) == ["confirmation"]


def test_a_badge_before_its_registration_is_retried_later(service):
    early = as_event("badge.issued", badge_data(registration_data(service.ceremony_id)), "badges")

    with pytest.raises(RegistrationNotYetKnown):
        service.feed(early)


def test_a_badge_before_the_promotion_reached_here_is_retried_later(service):
    waiting = service.register("waitlisted")
    early = as_event("badge.issued", badge_data(waiting), "badges")

    with pytest.raises(RegistrationNotYetKnown):
        service.feed(early)


def test_a_promoted_guest_gets_the_promotion_template(service):
    service.issue_badge(service.promote(service.register("waitlisted")))

    assert templates(service) == ["waitlisted", "promoted"]


def test_a_badge_of_a_guest_who_cancelled_meanwhile_records_nothing(service):
    registration = service.register("confirmed")
    service.cancel(registration)
    service.issue_badge(registration)

    assert templates(service) == ["cancelled"]


def test_a_late_waitlist_event_after_the_seat_records_nothing(service):
    data = registration_data(service.ceremony_id, "waitlisted")
    late = as_event("registration.waitlisted", data)
    service.promote(data)
    service.feed(late)

    assert templates(service) == []


def test_cancelling_a_confirmed_guest_removes_the_calendar_entry(service):
    service.cancel(service.confirm())

    [cancelled] = service.log(template="cancelled")
    assert cancelled.details == {"with_calendar": True}


def test_cancelling_from_the_waitlist_has_no_calendar_entry_to_remove(service):
    service.cancel(service.register("waitlisted"))

    [cancelled] = service.log(template="cancelled")
    assert cancelled.details == {"with_calendar": False}


def test_a_new_time_tells_every_confirmed_guest_what_changed(service):
    service.confirm()
    service.confirm()
    later = STARTS_AT + timedelta(hours=1)
    service.update_ceremony(starts_at=later, ends_at=later + timedelta(hours=2), sequence=1)

    changed = service.log(template="ceremony_changed")
    assert [delivery.details for delivery in changed] == [{"changes": ["schedule"]}] * 2


def test_guests_on_the_waitlist_get_no_calendar_update(service):
    service.register("waitlisted")
    service.update_ceremony(title="Closing Ceremony, Class of 2030", sequence=1)

    assert service.log(template="ceremony_changed") == []


def test_a_capacity_change_sends_no_email(service):
    service.confirm()
    service.update_ceremony(capacity=500, sequence=1)

    assert service.log(template="ceremony_changed") == []


def test_programme_and_venue_changes_are_named(service):
    service.confirm()
    service.update_ceremony(
        venue={"name": "Salle des Assemblées"},
        programme=[{"title": "Keynote", "speaker": "H.E. Mr Li Wei", "starts_at": STARTS_AT}],
        sequence=1,
    )

    [changed] = service.log(template="ceremony_changed")
    assert changed.details == {"changes": ["venue", "programme"]}


def test_an_older_ceremony_update_arriving_late_sends_nothing(service):
    service.confirm()
    stale = as_event(
        "ceremony.updated", ceremony_data(service.ceremony_id, title="Old", sequence=1)
    )
    service.update_ceremony(title="New title", sequence=2)
    service.feed(stale)

    assert [d.details for d in service.log(template="ceremony_changed")] == [{"changes": ["title"]}]


def test_each_email_is_named_by_event_recipient_and_template(service):
    registration = service.register("waitlisted")

    [delivery] = service.log()
    assert (delivery.recipient, delivery.template, delivery.registration_id) == (
        registration["email"],
        "waitlisted",
        registration["registration_id"],
    )
