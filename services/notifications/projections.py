"""What this service reads of the ceremonies, registrations, invitations, seats and courses it
keeps."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.events import Event
from shared.projections import apply_registration

from .models import ceremonies, courses, invitations, promotions, registrations, seats


def apply_guest(session: Session, event: Event) -> bool:
    """Store the registration an event carries, with its revision; False if a newer copy is
    kept already."""
    if not apply_registration(session, registrations, event):
        return False
    session.execute(
        registrations.update()
        .where(registrations.c.id == event.data["registration_id"])
        .values(revision=event.data.get("revision") or 0)
    )
    return True


def ceremony_row(session: Session, ceremony_id):
    """The projected ceremony, or None."""
    return session.execute(select(ceremonies).where(ceremonies.c.id == ceremony_id)).first()


def registration_row(session: Session, registration_id):
    """The projected registration, or None."""
    query = select(registrations).where(registrations.c.id == registration_id)
    return session.execute(query).first()


def invitation_row(session: Session, invitation_id):
    """The projected invitation, or None."""
    query = select(invitations).where(invitations.c.id == invitation_id)
    return session.execute(query).first()


def invitation_for_address(session: Session, ceremony_id, email: str):
    """The ceremony's invitation to this address (compared case-insensitively), or None."""
    query = select(invitations).where(
        invitations.c.ceremony_id == ceremony_id,
        func.lower(invitations.c.email) == email.strip().lower(),
    )
    return session.execute(query).first()


def invitation_of_registration(session: Session, registration_id):
    """The accepted invitation whose registration this is, or None for any other guest."""
    query = select(invitations).where(invitations.c.registration_id == registration_id)
    return session.execute(query).first()


def is_promoted(session: Session, registration_id) -> bool:
    """Whether the registration got its seat from the waitlist."""
    query = select(promotions.c.registration_id).where(
        promotions.c.registration_id == registration_id
    )
    return session.execute(query).first() is not None


def apply_seat(session: Session, event: Event) -> bool:
    """Store the seat a ``seating.assigned`` gives (or frees); False if a newer seating of the
    guest is kept already."""
    data = event.data
    key = data["registration_id"]
    row = {
        "ceremony_id": data["ceremony_id"],
        "seat": data["seat"],
        "as_of": event.occurred_at,
    }
    current = session.execute(
        select(seats.c.as_of).where(seats.c.registration_id == key).with_for_update()
    ).first()
    if current is None:
        session.execute(seats.insert().values(registration_id=key, **row))
        return True
    if current.as_of > event.occurred_at:
        return False
    session.execute(seats.update().where(seats.c.registration_id == key).values(**row))
    return True


def seat_of(session: Session, registration_id) -> dict | None:
    """The guest's seat as the last seating gave it, or None."""
    query = select(seats.c.seat).where(seats.c.registration_id == registration_id)
    return session.execute(query).scalar()


def items_spoken_by(ceremony, registration_id) -> list[int]:
    """The positions in the projected ceremony's programme of the items the guest speaks at."""
    wanted = str(registration_id)
    return [
        position
        for position, item in enumerate(ceremony.programme or [])
        if item.get("registration_id") == wanted
    ]


#: What a letter needs of a course: its words and dates, not its signatures and logos.
COURSE_WORDS = ("title", "translations", "starts_on", "ends_on", "hours")


def apply_course(session: Session, event: Event) -> bool:
    """Store the course a ``course.updated`` carries (None: removed); False if a newer
    revision is kept already."""
    data = event.data
    course = data["course"]
    if course is not None:
        kept = {key: course.get(key) for key in COURSE_WORDS}
        # Dates and the decimal hours as text, as JSON keeps them.
        kept.update(
            starts_on=course["starts_on"].isoformat(),
            ends_on=course["ends_on"].isoformat(),
            hours=str(course["hours"]),
        )
        course = kept
    key = data["ceremony_id"]
    current = session.execute(
        select(courses.c.revision).where(courses.c.ceremony_id == key).with_for_update()
    ).first()
    if current is None:
        session.execute(
            courses.insert().values(ceremony_id=key, course=course, revision=data["revision"])
        )
        return True
    if current.revision > data["revision"]:
        return False
    session.execute(
        courses.update()
        .where(courses.c.ceremony_id == key)
        .values(course=course, revision=data["revision"])
    )
    return True


def course_of(session: Session, ceremony_id) -> dict | None:
    """The ceremony's course as the last ``course.updated`` gave it, or None."""
    query = select(courses.c.course).where(courses.c.ceremony_id == ceremony_id)
    return session.execute(query).scalar()
