"""iCalendar files (RFC 5545/5546) that put a ceremony in a guest's calendar or take it out."""

from datetime import UTC, date, datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

from services.notifications.compose.contexts import CeremonyInfo, Recipient
from services.notifications.compose.sanitising import email_address, single_line

PRODUCT_ID = "-//Ceremony Suite//Notifications//EN"


@lru_cache(maxsize=64)
def _vtimezone(tzid: str, year: int) -> Timezone:
    # Building the transitions is slow; a window around the ceremony's year is all it needs.
    return Timezone.from_tzinfo(ZoneInfo(tzid), tzid, date(year - 1, 1, 1), date(year + 2, 1, 1))


def _parameter_text(value: str) -> str:
    # RFC 5545 parameter values cannot contain DQUOTE, and a line break would end the property.
    return single_line(value).replace('"', "'")


def _address(email: str, name: str | None = None) -> vCalAddress:
    address = vCalAddress(f"mailto:{email_address(email)}")
    if name and _parameter_text(name):
        address.params["CN"] = _parameter_text(name)
    return address


def _location(ceremony: CeremonyInfo) -> str:
    return ", ".join(
        single_line(part) for part in (ceremony.venue_name, ceremony.venue_address) if part
    )


def programme_description(ceremony: CeremonyInfo) -> str:
    """Plain-text programme, one item per line, times in the ceremony's timezone."""
    lines = []
    for item in ceremony.programme:
        time = item.starts_at.astimezone(ceremony.zone).strftime("%H:%M ") if item.starts_at else ""
        speaker = ", ".join(part for part in (item.speaker, item.role) if part)
        lines.append(f"{time}{item.title}" + (f" — {speaker}" if speaker else ""))
    return "\n".join(lines)


def _calendar(method: str, ceremony: CeremonyInfo) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", PRODUCT_ID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)
    calendar.add_component(_vtimezone(ceremony.timezone, ceremony.starts_at.year))
    return calendar


def _event(
    ceremony: CeremonyInfo,
    attendee: Recipient,
    uid: str,
    sequence: int,
    organizer: vCalAddress,
    stamp: datetime | None,
) -> Event:
    event = Event()
    event.add("uid", single_line(uid))
    event.add("sequence", sequence)
    event.add("dtstamp", (stamp or datetime.now(UTC)).astimezone(UTC))
    event.add("dtstart", ceremony.starts_at.astimezone(ceremony.zone))
    event.add("dtend", ceremony.ends_at.astimezone(ceremony.zone))
    event.add("summary", single_line(ceremony.title))
    event.add("location", _location(ceremony))
    event.add("organizer", organizer)
    guest = _address(attendee.email, attendee.full_name)
    guest.params.update({"CUTYPE": "INDIVIDUAL", "ROLE": "REQ-PARTICIPANT", "RSVP": "FALSE"})
    # Answers go through the RSVP page, not calendar replies, hence RSVP=FALSE.
    event.add("attendee", guest)
    return event


def build_invite(
    ceremony: CeremonyInfo,
    attendee: Recipient,
    uid: str,
    sequence: int,
    organizer_email: str,
    method: str = "REQUEST",
    *,
    organizer_name: str | None = None,
    description: str | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """Return an .ics that adds (or, with a higher sequence, updates) the ceremony."""
    if method not in ("REQUEST", "PUBLISH"):
        raise ValueError(f"unsupported calendar method for an invite: {method!r}")
    calendar = _calendar(method, ceremony)
    organizer = _address(organizer_email, organizer_name)
    event = _event(ceremony, attendee, uid, sequence, organizer, stamp)
    event.add("status", "CONFIRMED")
    event.add("transp", "OPAQUE")
    text = programme_description(ceremony) if description is None else description
    if text:
        event.add("description", text)
    calendar.add_component(event)
    return calendar.to_ical()


def build_cancel(
    ceremony: CeremonyInfo,
    attendee: Recipient,
    uid: str,
    sequence: int,
    organizer_email: str,
    *,
    organizer_name: str | None = None,
    stamp: datetime | None = None,
) -> bytes:
    """Return an .ics (METHOD:CANCEL) that removes a cancelled registration's calendar entry."""
    calendar = _calendar("CANCEL", ceremony)
    organizer = _address(organizer_email, organizer_name)
    event = _event(ceremony, attendee, uid, sequence, organizer, stamp)
    event.add("status", "CANCELLED")
    calendar.add_component(event)
    return calendar.to_ical()
