"""Public requests to register, for ceremonies that confirm by email or approve each guest.

A request holds no seat and says nothing about who is registered: whatever the state, the
caller gets the same answer, and what happens next is written to the address given. A new
address gets a request (a confirmation link, or a place in the organisers' queue); an address
already registered is sent its own manage link; asking again renews the open request. The
seat is taken when the request becomes a registration, through ``register_in_transaction``
like any other.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.contract import NAME_PARTS, PUBLIC_CATEGORIES
from shared.db import Database
from shared.errors import DomainError, not_found
from shared.outbox import publish_event

from .ceremonies import get_ceremony, has_started
from .models import Ceremony, Registration, RegistrationRequest, audit, outbox
from .names import name_parts, parts_of
from .registration_events import SOURCE, announce_registration
from .registrations import consent_given, register, register_in_transaction

#: How long a confirmation link works (never past the ceremony's start).
CONFIRMATION_TTL = timedelta(hours=48)
#: What a request waits for, by the ceremony's registration mode.
AWAITING = {"confirm_email": "awaiting_confirmation", "approval": "awaiting_approval"}
OPEN_STATUSES = tuple(AWAITING.values())
_PERSON = (
    "full_name",
    *NAME_PARTS,
    "email",
    "honorific",
    "organisation",
    "job_title",
    "category",
    "needs",
)


def register_or_request(
    database: Database,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    *,
    by_organiser: bool = False,
    actor: dict[str, Any] = SYSTEM,
) -> Registration | str:
    """Register at once (organisers, open ceremonies), or take a request and return the
    ceremony's registration mode, which is all the caller may tell; ``actor`` asked."""
    try:
        return register(database, ceremony_id, fields, by_organiser=by_organiser, actor=actor)
    except DomainError as exc:
        if exc.code != "registration_by_request":
            raise
    with database.transaction() as session:
        ceremony = get_ceremony(session, ceremony_id)
        request_registration(session, ceremony, fields, actor=actor)
        return ceremony.registration_mode


def request_registration(
    session: Session,
    ceremony: Ceremony,
    fields: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> None:
    """Take a public request; returns nothing, so the answer cannot tell who is registered.

    The trail records a new or renewed request, not a manage link sent again (nothing changes).
    """
    category = fields.get("category") or "guest"
    if category not in PUBLIC_CATEGORIES:
        raise DomainError(
            "category_not_allowed",
            f"Guests may register as {', '.join(PUBLIC_CATEGORIES)}.",
            kind="invalid",
            errors={"category": [f"Must be one of: {', '.join(PUBLIC_CATEGORIES)}."]},
        )
    if has_started(ceremony):
        raise DomainError("registration_closed", "The ceremony has already started.")
    consent_at = consent_given(ceremony, fields, by_organiser=False)
    email_key = fields["email"].strip().lower()
    registered = session.scalars(
        select(Registration).where(
            Registration.ceremony_id == ceremony.id,
            Registration.email_key == email_key,
            Registration.status != "cancelled",
        )
    ).first()
    if registered is not None:
        announce_registration(session, registered, event_type="registration.link_requested")
        return
    now = datetime.now(UTC)
    request = _open_request(session, ceremony.id, email_key) or RegistrationRequest(
        id=uuid.uuid4(), ceremony_id=ceremony.id, email_key=email_key, created_at=now
    )
    request.full_name = fields["full_name"].strip()
    for part, value in name_parts(fields).items():
        setattr(request, part, value)
    request.email = fields["email"].strip()
    request.honorific = fields.get("honorific")
    request.organisation = fields.get("organisation")
    request.job_title = fields.get("job_title")
    request.language = fields.get("language") or ceremony.default_language
    request.category = category
    request.needs = fields.get("needs")
    request.consent_at = consent_at
    request.status = AWAITING[ceremony.registration_mode]
    request.expires_at = min(now + CONFIRMATION_TTL, ceremony.starts_at)
    renewed = request in session
    try:
        with session.begin_nested():
            session.add(request)
            session.flush()
    except IntegrityError:
        # Someone asked for the same address at the same instant: theirs stands.
        request = _open_request(session, ceremony.id, email_key)
    _announce(session, request, "registration.requested")
    _audit(
        session,
        actor,
        request,
        "registration_request.renewed" if renewed else "registration_request.created",
        after={"status": request.status, "category": request.category},
    )


def confirm_request(
    session: Session, request_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Registration:
    """Turn a confirmed request into a registration (a seat, or the waitlist); ``actor``: the
    guest, from their link.

    Confirming twice, or after the address got registered another way, leads to the
    registration the address has.
    """
    request = _locked_request(session, request_id)
    if request.status == "registered":
        return session.get(Registration, request.registration_id)
    if request.status != "awaiting_confirmation" or request.expires_at <= datetime.now(UTC):
        raise DomainError(
            "request_expired",
            "This confirmation link has expired; please register again.",
            kind="gone",
        )
    registration = _register(session, request, decided_by=None)
    _audit_decision(
        session,
        actor,
        request,
        "registration_request.confirmed",
        registration,
        "awaiting_confirmation",
    )
    return registration


def approve_request(
    session: Session, request_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Registration:
    """An organiser (``actor``) lets a request in: it becomes a registration (a seat, or the
    waitlist)."""
    request = _locked_request(session, request_id)
    if request.status != "awaiting_approval":
        raise DomainError(
            "request_decided", f"This request is {request.status.replace('_', ' ')} already."
        )
    registration = _register(session, request, decided_by="organiser")
    _audit_decision(
        session,
        actor,
        request,
        "registration_request.approved",
        registration,
        "awaiting_approval",
    )
    return registration


def decline_request(
    session: Session, request_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> RegistrationRequest:
    """An organiser (``actor``) declines a request; the guest is told."""
    request = _locked_request(session, request_id)
    if request.status != "awaiting_approval":
        raise DomainError(
            "request_decided", f"This request is {request.status.replace('_', ' ')} already."
        )
    request.status = "declined"
    request.decided_by = "organiser"
    request.decided_at = datetime.now(UTC)
    session.flush()
    _announce(session, request, "registration.request_declined")
    _audit(
        session,
        actor,
        request,
        "registration_request.declined",
        before={"status": "awaiting_approval"},
        after={"status": "declined"},
    )
    return request


def get_request(session: Session, request_id: uuid.UUID) -> RegistrationRequest:
    """One request, or a ``request_not_found`` error."""
    request = session.get(RegistrationRequest, request_id)
    if request is None:
        raise not_found("request", request_id)
    return request


def list_requests(
    session: Session, ceremony_id: uuid.UUID, status: str | None = None
) -> list[RegistrationRequest]:
    """A ceremony's requests, oldest first (the order an organiser works through them)."""
    get_ceremony(session, ceremony_id)
    query = select(RegistrationRequest).where(RegistrationRequest.ceremony_id == ceremony_id)
    if status:
        query = query.where(RegistrationRequest.status == status)
    return list(session.scalars(query.order_by(RegistrationRequest.created_at)))


def _register(
    session: Session, request: RegistrationRequest, *, decided_by: str | None
) -> Registration:
    fields = {name: getattr(request, name) for name in (*_PERSON, "language", "consent_at")}
    try:
        with session.begin_nested():
            registration = register_in_transaction(
                session, request.ceremony_id, fields, requested=True
            )
    except DomainError as exc:
        if exc.code != "already_registered":
            raise
        registration = session.scalars(
            select(Registration).where(
                Registration.ceremony_id == request.ceremony_id,
                Registration.email_key == request.email_key,
                Registration.status != "cancelled",
            )
        ).one()
    request.status = "registered"
    request.registration_id = registration.id
    request.decided_by = decided_by
    request.decided_at = datetime.now(UTC)
    return registration


def _open_request(session: Session, ceremony_id: uuid.UUID, email_key: str):
    return session.scalars(
        select(RegistrationRequest).where(
            RegistrationRequest.ceremony_id == ceremony_id,
            RegistrationRequest.email_key == email_key,
            RegistrationRequest.status.in_(OPEN_STATUSES),
        )
    ).first()


def _locked_request(session: Session, request_id: uuid.UUID) -> RegistrationRequest:
    request = session.get(
        RegistrationRequest, request_id, with_for_update=True, populate_existing=True
    )
    if request is None:
        raise not_found("request", request_id)
    return request


def request_data(request: RegistrationRequest) -> dict[str, Any]:
    """The request as the ``registration.requested`` events carry it (ids, no links)."""
    return {
        "request_id": request.id,
        "ceremony_id": request.ceremony_id,
        "full_name": request.full_name,
        **parts_of(request),
        "email": request.email,
        "honorific": request.honorific,
        "organisation": request.organisation,
        "job_title": request.job_title,
        "language": request.language,
        "category": request.category,
        "precedence": None,
        "status": request.status,
        "expires_at": request.expires_at,
    }


def _audit_decision(
    session: Session,
    actor: dict[str, Any],
    request: RegistrationRequest,
    action: str,
    registration: Registration,
    waited: str,
) -> None:
    """The trail's entry for a request that became ``registration`` (its seat or the list);
    ``waited``: the request's status before."""
    _audit(
        session,
        actor,
        request,
        action,
        before={"status": waited},
        after={
            "status": request.status,
            "registration_id": registration.id,
            "registration_status": registration.status,
        },
    )


def _audit(
    session: Session, actor: dict[str, Any], request: RegistrationRequest, action: str, **change
) -> None:
    record(
        session,
        audit,
        actor,
        action,
        "registration_request",
        request.id,
        ceremony_id=request.ceremony_id,
        **change,
    )


def _announce(session: Session, request: RegistrationRequest, event_type: str) -> None:
    publish_event(session, outbox, event_type, request_data(request), SOURCE)
