"""Rules for registrations: register, waitlist, cancel, promote."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.errors import DomainError, not_found
from shared.outbox import publish_event

from .ceremonies import get_ceremony, lock_ceremony
from .links import Links
from .models import Ceremony, Registration, outbox

#: Categories a guest may choose when registering alone.
PUBLIC_CATEGORIES = ("guest", "participant", "press")
#: Categories that sit on protocol seats, outside the public capacity.
PROTOCOL_CATEGORIES = ("dignitary", "speaker")


def register(
    session: Session,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    links: Links,
    *,
    by_organiser: bool = False,
) -> Registration:
    """Register a guest: a seat if one is free, the waitlist otherwise."""
    ceremony = get_ceremony(session, ceremony_id)
    category = fields.get("category") or "guest"
    if not by_organiser and category not in PUBLIC_CATEGORIES:
        raise DomainError(
            "category_not_allowed",
            f"Guests may register as {', '.join(PUBLIC_CATEGORIES)}.",
            kind="invalid",
            errors={"category": [f"Must be one of: {', '.join(PUBLIC_CATEGORIES)}."]},
        )
    if ceremony.starts_at <= datetime.now(UTC):
        raise DomainError("registration_closed", "The ceremony has already started.")
    email_key = fields["email"].strip().lower()
    if _live_registration(session, ceremony.id, email_key) is not None:
        raise _already_registered()
    reserved = category in PROTOCOL_CATEGORIES
    # The seat is taken last but one: the ceremony row stays locked from here to the commit, so
    # everything that can be done before it is.
    seat_free = reserved or take_public_seat(session, ceremony.id)
    now = datetime.now(UTC)
    registration = Registration(
        id=uuid.uuid4(),
        ceremony_id=ceremony.id,
        full_name=fields["full_name"].strip(),
        email=fields["email"].strip(),
        email_key=email_key,
        honorific=fields.get("honorific"),
        organisation=fields.get("organisation"),
        job_title=fields.get("job_title"),
        language=fields.get("language") or ceremony.default_language,
        category=category,
        needs=fields.get("needs"),
        precedence=fields.get("precedence") if by_organiser else None,
        status="confirmed" if seat_free else "waitlisted",
        reserved=reserved,
        created_at=now,
        confirmed_at=now if seat_free else None,
    )
    session.add(registration)
    try:
        session.flush()
    except IntegrityError:
        # The same email registered at the same instant; the unique index let only one through.
        raise _already_registered() from None
    _announce(session, registration, links)
    return registration


def take_public_seat(session: Session, ceremony_id: uuid.UUID) -> bool:
    """Take one public seat if any is free; the ceremony row stays locked until commit."""
    taken = session.execute(
        update(Ceremony)
        .where(Ceremony.id == ceremony_id, Ceremony.seats_taken < Ceremony.capacity)
        .values(seats_taken=Ceremony.seats_taken + 1)
        .returning(Ceremony.seats_taken)
        .execution_options(synchronize_session=False)
    ).first()
    return taken is not None


def _already_registered() -> DomainError:
    return DomainError(
        "already_registered",
        "This email address is already registered for this ceremony.",
        errors={"email": ["Already registered for this ceremony."]},
    )


def cancel(
    session: Session, registration_id: uuid.UUID, links: Links
) -> tuple[Registration, Registration | None]:
    """Cancel a registration; a freed public seat goes to the first waitlisted guest.

    Cancelling twice changes nothing the second time. Returns the registration and the guest
    promoted in its place, if any.
    """
    registration = get_registration(session, registration_id)
    ceremony = lock_ceremony(session, registration.ceremony_id)
    session.refresh(registration)
    if registration.status == "cancelled":
        return registration, None
    previous = registration.status
    if previous == "confirmed" and not registration.reserved:
        ceremony.seats_taken -= 1
    registration.status = "cancelled"
    registration.cancelled_at = datetime.now(UTC)
    session.flush()
    _announce(session, registration, links, previous_status=previous)
    promoted = promote_waitlisted(session, ceremony, links)
    return registration, (promoted[0] if promoted else None)


def promote_waitlisted(session: Session, ceremony: Ceremony, links: Links) -> list[Registration]:
    """Give free public seats to waitlisted guests in the order they registered.

    The caller holds the ceremony's row lock.
    """
    free = ceremony.capacity - ceremony.seats_taken
    if free <= 0:
        return []
    waiting = session.scalars(
        select(Registration)
        .where(Registration.ceremony_id == ceremony.id, Registration.status == "waitlisted")
        .order_by(Registration.created_at, Registration.id)
        .limit(free)
    ).all()
    for registration in waiting:
        ceremony.seats_taken += 1
        registration.status = "confirmed"
        registration.confirmed_at = datetime.now(UTC)
        session.flush()
        _announce(session, registration, links, promoted=True)
    return list(waiting)


def get_registration(session: Session, registration_id: uuid.UUID) -> Registration:
    """One registration, or a ``registration_not_found`` error."""
    registration = session.get(Registration, registration_id)
    if registration is None:
        raise not_found("registration", registration_id)
    return registration


def list_registrations(
    session: Session,
    ceremony_id: uuid.UUID,
    *,
    status: str | None = None,
    category: str | None = None,
) -> list[Registration]:
    """A ceremony's registrations in protocol order (precedence, then arrival)."""
    query = select(Registration).where(Registration.ceremony_id == ceremony_id)
    if status:
        query = query.where(Registration.status == status)
    if category:
        query = query.where(Registration.category == category)
    query = query.order_by(
        Registration.precedence.is_(None),
        Registration.precedence,
        Registration.created_at,
    )
    return list(session.scalars(query))


def _live_registration(session: Session, ceremony_id: uuid.UUID, email_key: str):
    query = select(Registration.id).where(
        Registration.ceremony_id == ceremony_id,
        Registration.email_key == email_key,
        Registration.status != "cancelled",
    )
    return session.execute(query).first()


def _announce(
    session: Session,
    registration: Registration,
    links: Links,
    *,
    previous_status: str | None = None,
    promoted: bool = False,
) -> None:
    data = registration_data(registration, links)
    data.update(previous_status=previous_status, promoted=promoted)
    publish_event(session, outbox, f"registration.{registration.status}", data, "registration")


def registration_data(registration: Registration, links: Links) -> dict[str, Any]:
    """The registration as the ``registration.*`` events carry it."""
    return {
        "registration_id": registration.id,
        "ceremony_id": registration.ceremony_id,
        "full_name": registration.full_name,
        "email": registration.email,
        "honorific": registration.honorific,
        "organisation": registration.organisation,
        "job_title": registration.job_title,
        "language": registration.language,
        "category": registration.category,
        "precedence": registration.precedence,
        "status": registration.status,
        "reserved": registration.reserved,
        "manage_url": links.manage_url(registration.id),
    }
