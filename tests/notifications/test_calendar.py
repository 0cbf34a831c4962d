"""Calendar files: what Outlook, Google and Apple need to add, update or remove the ceremony."""

from dataclasses import replace
from datetime import UTC, datetime

from icalendar import Calendar

from services.notifications.compose.calendar import build_cancel, build_invite

UID = "3b9d6a4e-registration@ceremony.example.org"


def invite_event(ceremony, recipient, **options):
    data = build_invite(ceremony, recipient, UID, 3, "protocol@example.org", **options)
    return Calendar.from_ical(data)


def test_invite_is_a_request(ceremony, recipient):
    assert invite_event(ceremony, recipient)["METHOD"] == "REQUEST"


def test_invite_keeps_uid_and_sequence(ceremony, recipient):
    event = invite_event(ceremony, recipient).walk("VEVENT")[0]

    assert (str(event["UID"]), event["SEQUENCE"]) == (UID, 3)


def test_invite_starts_at_the_right_instant_in_the_ceremonys_timezone(ceremony, recipient):
    start = invite_event(ceremony, recipient).walk("VEVENT")[0]["DTSTART"].dt

    assert start == datetime(2025, 6, 13, 15, 0, tzinfo=UTC)
    assert (start.hour, str(start.tzinfo)) == (17, "Europe/Zurich")


def test_invite_carries_the_timezone_definition(ceremony, recipient):
    calendar = invite_event(ceremony, recipient)

    assert [str(zone["TZID"]) for zone in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]


def test_invite_names_organizer_and_attendee(ceremony, recipient):
    event = invite_event(ceremony, recipient, organizer_name="Protocol Office").walk("VEVENT")[0]

    assert str(event["ORGANIZER"]) == "mailto:protocol@example.org"
    assert str(event["ATTENDEE"]) == "mailto:amina.diallo@example.org"
    assert event["ATTENDEE"].params["CN"] == "Amina Diallo"


def test_attendee_name_with_line_break_stays_one_parameter(ceremony, recipient):
    guest = replace(recipient, full_name='Eve "E"\r\nATTENDEE:mailto:x@evil.example')

    data = build_invite(ceremony, guest, UID, 0, "protocol@example.org")

    attendees = Calendar.from_ical(data).walk("VEVENT")[0]["ATTENDEE"]
    assert attendees.params["CN"] == "Eve 'E' ATTENDEE:mailto:x@evil.example"


def test_invite_describes_venue_and_programme(ceremony, recipient):
    event = invite_event(ceremony, recipient).walk("VEVENT")[0]

    assert (
        str(event["LOCATION"])
        == "Palais des Nations, Assembly Hall, Avenue de la Paix 14, 1211 Geneva"
    )
    assert str(event["DESCRIPTION"]).splitlines()[:2] == [
        "17:00 Welcome address — Dr Helena Marsh, Chair of the Course Board",
        "17:15 Address by the Director General — H.E. Mr Li Wei, Director General",
    ]


def test_cancel_removes_the_same_event(ceremony, recipient):
    data = build_cancel(ceremony, recipient, UID, 4, "protocol@example.org")

    calendar = Calendar.from_ical(data)
    event = calendar.walk("VEVENT")[0]
    assert (calendar["METHOD"], event["STATUS"], str(event["UID"])) == ("CANCEL", "CANCELLED", UID)
