"""Rules for invitations: invite, remind, answer (by the invitee or an organiser)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.errors import DomainError, not_found
from shared.outbox import publish_event

from .ceremonies import get_ceremony, has_started, lock_ceremony
from .models import Ceremony, Invitation, Registration, audit, outbox
from .registration_events import SOURCE, announce_registration
from .waitlist import promote_waitlisted

ANSWERS = {"accept": "accepted", "decline": "declined"}


def invite(
    session: Session,
    ceremony_id: uuid.UUID,
    invitees: list[dict[str, Any]],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> list[Invitation]:
    """Invite everyone in ``invitees``, or no one if any of them cannot be invited; the trail
    has one entry per invitation."""
    ceremony = get_ceremony(session, ceremony_id)
    keys = [person["email"].strip().lower() for person in invitees]
    errors: dict[str, Any] = {}
    for index, key in enumerate(keys):
        if keys.index(key) != index:
            errors[str(index)] = {"email": [f"Same email as invitee {keys.index(key)}."]}
    existing = set(
        session.scalars(
            select(Invitation.email_key).where(
                Invitation.ceremony_id == ceremony.id, Invitation.email_key.in_(keys)
            )
        )
    )
    for index, key in enumerate(keys):
        if key in existing:
            errors[str(index)] = {"email": ["Already invited to this ceremony."]}
    if errors:
        raise DomainError(
            "already_invited", "Some invitees are invited already.", errors={"invitees": errors}
        )
    created = []
    for person, key in zip(invitees, keys, strict=True):
        invitation = Invitation(
            id=uuid.uuid4(),
            ceremony_id=ceremony.id,
            full_name=person["full_name"].strip(),
            email=person["email"].strip(),
            email_key=key,
            honorific=person.get("honorific"),
            organisation=person.get("organisation"),
            job_title=person.get("job_title"),
            language=person.get("language") or ceremony.default_language,
            category=person.get("category") or "dignitary",
            precedence=person.get("precedence"),
            status="pending",
            reminders=0,
            created_at=datetime.now(UTC),
        )
        session.add(invitation)
        created.append(invitation)
    session.flush()
    for invitation in created:
        _announce(session, invitation, "invitation.created")
        _audit(
            session,
            actor,
            invitation,
            "invitation.created",
            after={
                "status": invitation.status,
                "category": invitation.category,
                "language": invitation.language,
                "precedence": invitation.precedence,
            },
        )
    return created


def remind(
    session: Session, invitation_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Invitation:
    """Remind exactly this invitee (an email goes out through ``invitation.reminded``)."""
    invitation = get_invitation(session, invitation_id)
    ceremony = get_ceremony(session, invitation.ceremony_id)
    _ensure_open(ceremony)
    invitation.reminders += 1
    _announce(session, invitation, "invitation.reminded")
    _audit(
        session,
        actor,
        invitation,
        "invitation.reminded",
        before={"reminders": invitation.reminders - 1},
        after={"reminders": invitation.reminders},
    )
    return invitation


def answer(
    session: Session,
    invitation_id: uuid.UUID,
    reply: str,
    *,
    by: str,
    actor: dict[str, Any] = SYSTEM,
) -> Invitation:
    """Record accept or decline; accepting seats the invitee on a protocol seat.

    An invitee may change their answer until the ceremony starts. Giving the same answer again
    changes nothing. ``by``: ``invitee`` (their RSVP page) or ``organiser``, who is ``actor``.
    """
    invitation = get_invitation(session, invitation_id)
    ceremony = lock_ceremony(session, invitation.ceremony_id)
    _ensure_open(ceremony)
    status = ANSWERS[reply]
    if invitation.status == status:
        return invitation
    previous = invitation.status
    invitation.status = status
    invitation.answered_by = by
    invitation.answered_at = datetime.now(UTC)
    if status == "accepted":
        registration, freed_public_seat = _seat(session, ceremony, invitation)
        session.flush()  # the registration row exists before the invitation points at it
        invitation.registration_id = registration.id
        announce_registration(session, registration)
        if freed_public_seat:
            promote_waitlisted(session, ceremony)
    elif invitation.registration_id is not None:
        _unseat(session, ceremony, invitation.registration_id)
    session.flush()
    _announce(session, invitation, f"invitation.{status}")
    _audit(
        session,
        actor,
        invitation,
        "invitation.answered" if by == "invitee" else "invitation.answered_by_staff",
        before={"status": previous},
        after={"answer": reply},
    )
    return invitation


def _audit(session: Session, actor: dict[str, Any], invitation: Invitation, action: str, **change):
    record(
        session,
        audit,
        actor,
        action,
        "invitation",
        invitation.id,
        ceremony_id=invitation.ceremony_id,
        **change,
    )


def _seat(
    session: Session, ceremony: Ceremony, invitation: Invitation
) -> tuple[Registration, bool]:
    """A new confirmed registration on a protocol seat, the invitee's own.

    Whoever registered the invitee's address before (on the public page, anyone may type any
    address) is never promoted to it: that registration is cancelled, its holder told, and the
    invitee gets a registration, link and badge of their own. Returns the new registration and
    whether a public seat became free.
    """
    earlier = session.scalars(
        select(Registration).where(
            Registration.ceremony_id == ceremony.id,
            Registration.email_key == invitation.email_key,
            Registration.status != "cancelled",
        )
    ).all()
    freed = False
    for registration in earlier:
        freed |= _cancel(session, ceremony, registration, reason="replaced_by_invitation")
    now = datetime.now(UTC)
    registration = Registration(
        id=uuid.uuid4(),
        ceremony_id=ceremony.id,
        full_name=invitation.full_name,
        email=invitation.email,
        email_key=invitation.email_key,
        honorific=invitation.honorific,
        organisation=invitation.organisation,
        job_title=invitation.job_title,
        language=invitation.language,
        category=invitation.category,
        precedence=invitation.precedence,
        status="confirmed",
        reserved=True,
        created_at=now,
        confirmed_at=now,
    )
    session.add(registration)
    return registration, freed


def _cancel(
    session: Session,
    ceremony: Ceremony,
    registration: Registration,
    *,
    reason: str | None = None,
) -> bool:
    """Cancel a live registration under the ceremony's lock; whether a public seat was freed."""
    previous = registration.status
    freed = previous == "confirmed" and not registration.reserved
    if freed:
        ceremony.seats_taken -= 1
    registration.status = "cancelled"
    registration.cancelled_at = datetime.now(UTC)
    session.flush()
    announce_registration(session, registration, previous_status=previous, cancel_reason=reason)
    return freed


def _unseat(session: Session, ceremony: Ceremony, registration_id: uuid.UUID):
    registration = session.get(Registration, registration_id)
    if registration is not None and registration.status != "cancelled":
        _cancel(session, ceremony, registration)


def get_invitation(session: Session, invitation_id: uuid.UUID) -> Invitation:
    """One invitation, or an ``invitation_not_found`` error."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is None:
        raise not_found("invitation", invitation_id)
    return invitation


def list_invitations(
    session: Session, ceremony_id: uuid.UUID, status: str | None = None
) -> list[Invitation]:
    """A ceremony's invitations in protocol order."""
    query = select(Invitation).where(Invitation.ceremony_id == ceremony_id)
    if status:
        query = query.where(Invitation.status == status)
    query = query.order_by(
        Invitation.precedence.is_(None), Invitation.precedence, Invitation.full_name
    )
    return list(session.scalars(query))


def _ensure_open(ceremony: Ceremony) -> None:
    if has_started(ceremony):
        raise DomainError("rsvp_closed", "The ceremony has started: answers are closed.")


def _announce(session: Session, invitation: Invitation, event_type: str) -> None:
    data = {
        "invitation_id": invitation.id,
        "ceremony_id": invitation.ceremony_id,
        "full_name": invitation.full_name,
        "email": invitation.email,
        "honorific": invitation.honorific,
        "organisation": invitation.organisation,
        "job_title": invitation.job_title,
        "language": invitation.language,
        "category": invitation.category,
        "precedence": invitation.precedence,
        "status": invitation.status,
        "registration_id": invitation.registration_id,
    }
    publish_event(session, outbox, event_type, data, SOURCE)
