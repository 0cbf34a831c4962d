"""The letter of thanks to speakers: once the ceremony is over, once per speaker, formal, in
their language, naming what they gave."""

from __future__ import annotations

from datetime import timedelta

import pytest

from services.notifications.service import periodic_step
from services.notifications.speaker_thanks import THANKS_WINDOW, queue_speaker_thanks
from shared.contract import email_digest
from shared.db import Database
from tests.notifications.bus_events import STARTS_AT, as_event

ENDS_AT = STARTS_AT + timedelta(hours=2, minutes=30)
AFTER = ENDS_AT + timedelta(hours=1)


def thank(service, now=AFTER) -> int:
    """Take the periodic step at ``now``; returns how many letters it queued."""
    return queue_speaker_thanks(service.database, service.identity, now)


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def letters(service) -> list:
    return service.log(template="speaker_thanks")


def test_a_speaker_is_thanked_once_the_ceremony_is_over_and_not_before(service, smtp_server):
    service.register(category="speaker", honorific="Dr", full_name="Helen Marsh")

    assert thank(service, STARTS_AT + timedelta(hours=1)) == 0  # still going on
    assert thank(service, ENDS_AT - timedelta(seconds=1)) == 0
    assert thank(service, ENDS_AT) == 1
    service.deliver()

    [message] = [m.parsed() for m in smtp_server.received]
    assert message["Subject"] == (
        "With our thanks: Closing Ceremony of the International Protocol Course"
    )
    lines = text_of(message).splitlines()
    assert lines[:3] == ["Dr Helen Marsh", "", "Dear Dr Marsh,"]
    text = text_of(message)
    assert "held on June 13, 2030 at Palais des Nations" in text
    assert "Please accept the assurances of our highest consideration." in text


def test_only_speakers_and_those_the_programme_names(service):
    speaker = service.register(category="speaker", email="speaker@example.org")
    named = service.register(category="dignitary", email="named@example.org")
    service.register(category="guest", email="guest@example.org")
    service.register(category="participant", email="participant@example.org")
    service.update_ceremony(
        programme=[
            {
                "title": "Keynote",
                "speaker": "H.E. Mr Li Wei",
                "registration_id": named["registration_id"],
            }
        ]
    )

    assert thank(service) == 2
    assert sorted(d.recipient for d in letters(service)) == [
        "named@example.org",
        "speaker@example.org",
    ]
    assert {d.registration_id for d in letters(service)} == {
        speaker["registration_id"],
        named["registration_id"],
    }


def test_the_letter_names_the_item_given_in_the_speakers_language(service, smtp_server):
    speaker = service.register(
        category="speaker", language="fr", honorific="H.E.", full_name="Jean Dupont"
    )
    service.update_ceremony(
        programme=[
            {"title": "Welcome address", "speaker": "Dr Helena Marsh"},
            {
                "title": "Closing address",
                "speaker": "H.E. Mr Jean Dupont",
                "registration_id": speaker["registration_id"],
            },
        ],
        translations={
            "fr": {
                "programme": ["Allocution de bienvenue", "Allocution de clôture"],
            }
        },
    )
    thank(service)
    service.deliver()

    # The programme's change was told first; the letter of thanks follows.
    changed, message = [m.parsed() for m in smtp_server.received]
    assert changed["Subject"].startswith("Modification des dispositions")
    text = text_of(message)
    assert message["Subject"] == (
        "Avec nos remerciements : Closing Ceremony of the International Protocol Course"
    )
    assert "Excellence," in text.splitlines()[:3]
    assert "(« Allocution de clôture »)" in text
    assert "Allocution de bienvenue" not in text
    assert "qui a eu lieu le 13 juin 2030" in text
    assert "Veuillez agréer, Excellence, l'assurance de notre très haute considération." in text


def test_a_speaker_is_thanked_once_ever_whatever_restarts(service, notification_settings):
    speaker = service.register(category="speaker")
    assert thank(service) == 1
    assert thank(service, AFTER + timedelta(days=1)) == 0

    # Another worker's database handle, and the speaker's address corrected since.
    service.feed(
        as_event(
            "registration.updated",
            {**speaker, "email": "new@example.org", "changed": ["email"], "revision": 1},
        )
    )
    other = Database(notification_settings.database_url)
    try:
        assert queue_speaker_thanks(other, service.identity, AFTER + timedelta(days=2)) == 0
        step = periodic_step(notification_settings, other)
        assert step(AFTER + timedelta(days=3)) == 0
    finally:
        other.dispose()
    assert len(letters(service)) == 1


def test_the_periodic_step_of_the_worker_thanks_speakers(service, notification_settings):
    service.register(category="speaker")

    assert periodic_step(notification_settings, service.database)(AFTER) == 1
    assert len(letters(service)) == 1


def test_nobody_is_thanked_long_after_the_ceremony(service):
    service.register(category="speaker")

    assert thank(service, ENDS_AT + THANKS_WINDOW + timedelta(seconds=1)) == 0
    assert thank(service, ENDS_AT + THANKS_WINDOW - timedelta(seconds=1)) == 1


@pytest.mark.parametrize("what", ["cancelled", "erased", "waitlisted"])
def test_no_thanks_to_a_speaker_who_cancelled_or_was_erased(service, what):
    speaker = service.register(
        "waitlisted" if what == "waitlisted" else "confirmed", category="speaker"
    )
    if what == "cancelled":
        service.cancel(speaker)
    elif what == "erased":
        erased = {
            "registration_id": speaker["registration_id"],
            "ceremony_id": speaker["ceremony_id"],
            "email_digest": email_digest(speaker["email"]),
        }
        service.feed(as_event("registration.erased", erased))

    assert thank(service) == 0
    assert letters(service) == []


def test_a_letter_for_a_speaker_who_cancels_before_it_goes_is_skipped(service, smtp_server):
    speaker = service.register(category="speaker")
    thank(service)
    service.cancel(speaker)
    service.deliver()

    assert [d.status for d in letters(service)] == ["skipped"]
    assert all("thanks" not in m.parsed()["Subject"] for m in smtp_server.received)


def test_an_invitee_named_by_the_programme_is_thanked_once_they_accepted(service, smtp_server):
    invitation = service.invite(category="dignitary", language="en")
    guest = service.register(
        category="dignitary", email=invitation["email"], full_name="Li Wei", honorific="H.E. Mr"
    )
    service.invitation_event(
        invitation, "accepted", status="accepted", registration_id=guest["registration_id"]
    )
    service.update_ceremony(
        programme=[
            {
                "title": "Address by the Director General",
                "speaker": "H.E. Mr Li Wei",
                "invitation_id": invitation["invitation_id"],
            }
        ]
    )
    smtp_server.received.clear()

    assert thank(service) == 1
    service.deliver()

    [thanks] = [m.parsed() for m in smtp_server.received if "thanks" in m.parsed()["Subject"]]
    assert "(“Address by the Director General”)" in text_of(thanks)
