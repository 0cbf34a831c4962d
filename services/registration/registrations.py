"""Rules for registrations: register (a seat or the waitlist), cancel, list."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, delete, select, text, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, entry_values, record
from shared.bus import dump_body
from shared.contract import PUBLIC_CATEGORIES, VIP_CATEGORIES
from shared.db import Database
from shared.errors import DomainError, not_found
from shared.events import make_envelope

from .ceremonies import get_ceremony, has_privacy_notice, has_started, lock_ceremony
from .models import Ceremony, Registration, audit, outbox
from .names import name_parts, person_search_key
from .registration_events import SOURCE, announce_registration, registration_data
from .seat_assignments import free_seat
from .waitlist import promote_waitlisted, take_public_seat


def register(
    database: Database,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    *,
    by_organiser: bool = False,
    actor: dict[str, Any] = SYSTEM,
) -> Registration:
    """Register a guest: a public seat if one is free, else the waitlist; protocol guests sit
    on protocol seats outside the capacity. ``actor``: the organiser, or the guest themselves.

    On PostgreSQL a public registration is one statement that is its own transaction (see
    ``_REGISTER_AT_ONCE``), so the ceremony's row is never locked while a client waits; the
    ceremony is read and the input checked first, in a transaction of its own.
    """
    with database.transaction() as session:
        if not database.is_postgresql:
            registration = register_in_transaction(
                session, ceremony_id, fields, by_organiser=by_organiser
            )
            record(session, audit, **_added(registration, actor, by_organiser))
            return registration
        registration = new_registration(session, ceremony_id, fields, by_organiser=by_organiser)
        if registration.reserved:
            store_registration(session, registration)
            record(session, audit, **_added(registration, actor, by_organiser))
            return registration
    return _register_at_once(database, registration, _added(registration, actor, by_organiser))


def _added(registration: Registration, actor: dict[str, Any], by_organiser: bool) -> dict:
    """The trail's entry for a new registration (its status as stored)."""
    return {
        "actor": actor,
        "action": "registration.added_by_staff" if by_organiser else "registration.created",
        "subject_type": "registration",
        "subject_id": registration.id,
        "ceremony_id": registration.ceremony_id,
        "after": {
            "status": registration.status,
            "category": registration.category,
            "reserved": registration.reserved,
        },
    }


def register_in_transaction(
    session: Session,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    *,
    by_organiser: bool = False,
    requested: bool = False,
) -> Registration:
    """``register`` inside the caller's transaction, on any database; ``requested``: for a
    request confirmed from its email or approved by an organiser."""
    registration = new_registration(
        session, ceremony_id, fields, by_organiser=by_organiser, requested=requested
    )
    return store_registration(session, registration)


def new_registration(
    session: Session,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    *,
    by_organiser: bool,
    requested: bool = False,
) -> Registration:
    """A registration checked against its ceremony, not yet stored.

    Its status is a guess from the seats as read; whoever stores it takes the seat and settles it.
    The public registers at once only for an open ceremony; elsewhere it sends a request
    (``registration_requests``), refused here with ``registration_by_request``.
    """
    ceremony = get_ceremony(session, ceremony_id)
    if not (by_organiser or requested or ceremony.registration_mode == "open"):
        raise DomainError(
            "registration_by_request",
            "This ceremony registers the public by request.",
            errors={"registration_mode": [ceremony.registration_mode]},
        )
    category = fields.get("category") or "guest"
    if not by_organiser and category not in PUBLIC_CATEGORIES:
        raise DomainError(
            "category_not_allowed",
            f"Guests may register as {', '.join(PUBLIC_CATEGORIES)}.",
            kind="invalid",
            errors={"category": [f"Must be one of: {', '.join(PUBLIC_CATEGORIES)}."]},
        )
    if has_started(ceremony):
        raise DomainError("registration_closed", "The ceremony has already started.")
    consent_at = consent_given(ceremony, fields, by_organiser=by_organiser or requested)
    reserved = category in VIP_CATEGORIES
    looks_free = reserved or ceremony.seats_taken < ceremony.capacity
    now = datetime.now(UTC)
    return Registration(
        id=uuid.uuid4(),
        ceremony_id=ceremony.id,
        full_name=fields["full_name"].strip(),
        **name_parts(fields),
        email=fields["email"].strip(),
        # A second live registration of one email is refused by a unique index on this.
        email_key=fields["email"].strip().lower(),
        honorific=fields.get("honorific"),
        organisation=fields.get("organisation"),
        job_title=fields.get("job_title"),
        language=fields.get("language") or ceremony.default_language,
        category=category,
        needs=fields.get("needs"),
        accessible_seat=bool(fields.get("accessible_seat")),
        precedence=fields.get("precedence") if by_organiser else None,
        status="confirmed" if looks_free else "waitlisted",
        reserved=reserved,
        created_at=now,
        confirmed_at=now if looks_free else None,
        consent_at=fields.get("consent_at") or consent_at,
        revision=0,
        search_key=person_search_key(
            fields["full_name"],
            fields.get("name_latin"),
            fields.get("organisation"),
            fields["email"],
        ),
    )


def consent_given(ceremony: Ceremony, fields: dict[str, Any], *, by_organiser: bool):
    """When the guest agreed to the ceremony's privacy notice, checking what the form may hold.

    A ceremony with a notice needs the guest's consent; one without may not ask for needs
    (health, diet), which only a notice may justify. Organisers register people on their own
    grounds: neither applies to them.
    """
    if by_organiser:
        return None
    if not has_privacy_notice(ceremony):
        if fields.get("needs"):
            raise DomainError(
                "needs_without_notice",
                "This ceremony has no privacy notice, so it asks for no needs.",
                kind="invalid",
                errors={"needs": ["Not asked by this ceremony."]},
            )
        return None
    if not fields.get("consent"):
        raise DomainError(
            "consent_required",
            "Please agree to the ceremony's privacy notice.",
            kind="invalid",
            errors={"consent": ["Agree to the privacy notice to register."]},
        )
    return datetime.now(UTC)


def store_registration(session: Session, registration: Registration) -> Registration:
    """Store a registration from ``new_registration`` and its event; take its seat last."""
    looks_free = registration.status == "confirmed"
    session.add(registration)
    try:
        session.flush()
    except IntegrityError:
        # The email is registered already (the unique index of live registrations).
        raise _already_registered() from None
    event_id = announce_registration(session, registration)
    if registration.reserved:
        return registration
    # The seat is taken last: the ceremony's row stays locked from that UPDATE to the commit.
    seat_free = take_public_seat(session, registration.ceremony_id)
    if seat_free != looks_free:
        # The seats changed since the ceremony was read: the other answer, the other event.
        session.execute(delete(outbox).where(outbox.c.event_id == event_id))
        registration.status = "confirmed" if seat_free else "waitlisted"
        registration.confirmed_at = registration.created_at if seat_free else None
        session.flush()
        announce_registration(session, registration)
    return registration


#: The columns a new public registration is written with; the statement decides the others.
_DECIDED = ("status", "reserved", "confirmed_at", "cancelled_at")
_GIVEN = tuple(column for column in Registration.__table__.columns if column.name not in _DECIDED)
#: The audit entry's columns the statement takes as given (``audit_<name>``).
_AUDITED = (
    "id",
    "at",
    "actor_kind",
    "actor_id",
    "actor_name",
    "address",
    "action",
    "subject_type",
    "subject_id",
)

#: Take a public seat if one is free, store the registration as confirmed or waitlisted, its
#: event and its audit entry, in one statement that is its own transaction: the ceremony's row
#: is locked only inside the database, from the UPDATE to the commit, never while a client
#: thinks.
_REGISTER_AT_ONCE = text(
    f"""
    WITH seat AS (
        UPDATE ceremonies SET seats_taken = seats_taken + 1
        WHERE id = :ceremony_id AND seats_taken < capacity
        RETURNING id
    ), written AS (
        INSERT INTO registrations (
            {", ".join(column.name for column in _GIVEN)}, status, reserved, confirmed_at
        )
        SELECT
            {", ".join(f":{column.name}" for column in _GIVEN)},
            CASE WHEN EXISTS (SELECT 1 FROM seat) THEN 'confirmed' ELSE 'waitlisted' END,
            false,
            CASE WHEN EXISTS (SELECT 1 FROM seat) THEN CAST(:created_at AS timestamptz) END
        RETURNING status
    ), audited AS (
        INSERT INTO audit_entries (
            id, ceremony_id, at, actor_kind, actor_id, actor_name, address,
            action, subject_type, subject_id, after
        )
        SELECT
            :audit_id, :ceremony_id, :audit_at, :audit_actor_kind, :audit_actor_id,
            :audit_actor_name, :audit_address, :audit_action, :audit_subject_type,
            :audit_subject_id,
            json_build_object(
                'status', status, 'category', CAST(:category AS text), 'reserved', false
            )
        FROM written
    )
    INSERT INTO outbox (event_id, event_type, body)
    SELECT
        CASE WHEN status = 'confirmed' THEN :confirmed_id ELSE :waitlisted_id END,
        'registration.' || status,
        CASE WHEN status = 'confirmed' THEN :confirmed_body ELSE :waitlisted_body END
    FROM written
    RETURNING event_type
    """
).bindparams(
    *(bindparam(column.name, type_=column.type) for column in _GIVEN),
    bindparam("audit_id", type_=audit.c.id.type),
    bindparam("audit_at", type_=audit.c.at.type),
)


def _register_at_once(database: Database, registration: Registration, entry: dict[str, Any]):
    """Store a public registration from ``new_registration`` with ``_REGISTER_AT_ONCE``;
    ``entry``: its audit entry, as ``record`` takes it (the statement writes its status)."""
    registration.status = "confirmed"
    confirmed = make_envelope("registration.confirmed", registration_data(registration), SOURCE)
    waitlisted = {
        **confirmed,
        "event_id": str(uuid.uuid4()),
        "type": "registration.waitlisted",
        "data": {**confirmed["data"], "status": "waitlisted"},
    }
    values = {column.name: getattr(registration, column.name) for column in _GIVEN}
    audited = entry_values(
        entry["actor"],
        entry["action"],
        entry["subject_type"],
        entry["subject_id"],
        ceremony_id=entry["ceremony_id"],
    )
    # Its status (so its ``after``) is decided by the statement; the rest is given.
    values.update({f"audit_{name}": audited[name] for name in _AUDITED})
    with database.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        try:
            event_type = connection.execute(
                _REGISTER_AT_ONCE,
                {
                    **values,
                    "confirmed_id": confirmed["event_id"],
                    "confirmed_body": dump_body(confirmed),
                    "waitlisted_id": waitlisted["event_id"],
                    "waitlisted_body": dump_body(waitlisted),
                },
            ).scalar_one()
        except IntegrityError:
            raise _already_registered() from None
    registration.status = event_type.removeprefix("registration.")
    registration.confirmed_at = (
        registration.created_at if registration.status == "confirmed" else None
    )
    return registration


def _already_registered() -> DomainError:
    return DomainError(
        "already_registered",
        "This email address is already registered for this ceremony.",
        errors={"email": ["Already registered for this ceremony."]},
    )


def cancel(
    session: Session, registration_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> tuple[Registration, Registration | None]:
    """Cancel a registration; a freed public seat goes to the first waitlisted guest.

    Cancelling twice changes nothing the second time. Returns the registration and the guest
    promoted in its place, if any; the trail says ``actor`` cancelled it, and who was promoted.
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
    announce_registration(session, registration, previous_status=previous)
    free_seat(session, registration, actor=actor)
    promoted = promote_waitlisted(session, ceremony)
    after = {"status": "cancelled"}
    if promoted:
        after["promoted"] = [guest.id for guest in promoted]
    record(
        session,
        audit,
        actor,
        "registration.cancelled",
        "registration",
        registration.id,
        ceremony_id=registration.ceremony_id,
        before={"status": previous},
        after=after,
    )
    return registration, (promoted[0] if promoted else None)


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


def note_arrival(session: Session, registration_id: uuid.UUID, at: datetime) -> None:
    """Keep the guest's first admission at the door (a redelivered or later scan keeps it)."""
    session.execute(
        update(Registration)
        .where(
            Registration.id == registration_id,
            (Registration.arrived_at.is_(None)) | (Registration.arrived_at > at),
        )
        .values(arrived_at=at)
    )
