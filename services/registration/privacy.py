"""A person's data: what a guest may download, erasure on request, and erasure after retention.

Erasing keeps what counts need (category, status, times) and removes who the person was:
names, address, organisation, needs. It publishes an event, so that the badges and
notifications services erase their copies too.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, forget_addresses, record
from shared.contract import NAME_PARTS, email_digest
from shared.outbox import publish_event

from .ceremonies import get_ceremony
from .graduation import erase_graduation, graduation_of
from .models import Ceremony, Invitation, Registration, RegistrationRequest, audit, outbox
from .registration_events import SOURCE
from .registrations import cancel, get_registration

_PERSON_FIELDS = (
    "full_name",
    *NAME_PARTS,
    "email",
    "honorific",
    "organisation",
    "job_title",
    "language",
)


def personal_data(session: Session, registration_id: uuid.UUID) -> dict[str, Any]:
    """Everything kept about the holder of one registration, for them to download."""
    registration = get_registration(session, registration_id)
    ceremony = get_ceremony(session, registration.ceremony_id)
    invitations = _invitations_of(session, registration)
    return {
        "ceremony": {
            "id": str(ceremony.id),
            "title": ceremony.title,
            "starts_at": ceremony.starts_at.isoformat(),
            "timezone": ceremony.timezone,
            "privacy_notice": ceremony.privacy_notice,
            "privacy_notice_url": ceremony.privacy_notice_url,
        },
        "registration": {
            "id": str(registration.id),
            **{name: getattr(registration, name) for name in _PERSON_FIELDS},
            "category": registration.category,
            "needs": registration.needs,
            "status": registration.status,
            "created_at": _iso(registration.created_at),
            "confirmed_at": _iso(registration.confirmed_at),
            "cancelled_at": _iso(registration.cancelled_at),
            "consent_at": _iso(registration.consent_at),
        },
        "invitations": [
            {
                "id": str(invitation.id),
                **{name: getattr(invitation, name) for name in _PERSON_FIELDS},
                "status": invitation.status,
                "answered_at": _iso(invitation.answered_at),
            }
            for invitation in invitations
        ],
        "graduation": _graduation_data(session, registration_id),
    }


def _graduation_data(session: Session, registration_id: uuid.UUID) -> dict[str, Any] | None:
    """The holder's result, group, pronunciation and certificates, if they have any."""
    graduation = graduation_of(session, registration_id)
    if graduation is None:
        return None
    return {
        **{name: graduation[name] for name in ("result", "group", "phonetic", "appreciation")},
        "certificates": [
            {
                "id": str(certificate["id"]),
                "kind": certificate["kind"],
                "result": certificate["result"],
                "status": certificate["status"],
                "issued_at": _iso(certificate["issued_at"]),
                "revoked_at": _iso(certificate["revoked_at"]),
            }
            for certificate in graduation["certificates"]
        ],
    }


def erase_person(
    session: Session, registration_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Registration:
    """Erase the holder of a registration everywhere: it is cancelled first (its seat freed,
    its badge revoked), then their data removed from it, their invitation and requests.

    The trail says that ``actor`` erased the registration, and how much, never who it was for;
    what the guest did themselves no longer says where from.
    """
    registration = get_registration(session, registration_id)
    if registration.erased_at is not None:
        return registration
    cancel(session, registration_id, actor=actor)
    digest = email_digest(registration.email)
    now = datetime.now(UTC)
    invitations = _invitations_of(session, registration)
    for invitation in invitations:
        _erase_invitation(invitation)
    requests = list(
        session.scalars(
            select(RegistrationRequest).where(
                RegistrationRequest.ceremony_id == registration.ceremony_id,
                RegistrationRequest.email_key == registration.email_key,
            )
        )
    )
    for request in requests:
        session.delete(request)
    _erase_registration(registration, now)
    erase_graduation(session, registration_id=registration.id)
    session.flush()
    publish_event(
        session,
        outbox,
        "registration.erased",
        {
            "registration_id": registration.id,
            "ceremony_id": registration.ceremony_id,
            "email_digest": digest,
        },
        SOURCE,
    )
    subjects = [registration.id, *(i.id for i in invitations), *(r.id for r in requests)]
    forget_addresses(session, audit, registration.ceremony_id, subjects)
    record(
        session,
        audit,
        actor,
        "registration.erased",
        "registration",
        registration.id,
        ceremony_id=registration.ceremony_id,
        after={
            "erased": True,
            "invitations": [invitation.id for invitation in invitations],
            "requests_removed": len(requests),
        },
    )
    return registration


@dataclass(frozen=True)
class Purge:
    """A ceremony whose retention period is over, and what erasing it removes."""

    ceremony_id: uuid.UUID
    title: str
    ended_at: datetime
    registrations: int
    invitations: int
    requests: int


def due_for_purge(session: Session, default_days: int, now: datetime | None = None) -> list[Purge]:
    """Ceremonies whose personal data is kept past their retention, oldest first."""
    now = now or datetime.now(UTC)
    due = []
    for ceremony in session.scalars(
        select(Ceremony).where(Ceremony.purged_at.is_(None)).order_by(Ceremony.ends_at)
    ):
        days = default_days if ceremony.retention_days is None else ceremony.retention_days
        if ceremony.ends_at + timedelta(days=days) > now:
            continue
        due.append(
            Purge(
                ceremony_id=ceremony.id,
                title=ceremony.title,
                ended_at=ceremony.ends_at,
                registrations=_count(session, Registration, ceremony.id),
                invitations=_count(session, Invitation, ceremony.id),
                requests=_count(session, RegistrationRequest, ceremony.id),
            )
        )
    return due


def purge_ceremony(
    session: Session, ceremony_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> None:
    """Erase every person of a ceremony, keeping its counts, and tell the other services.

    The trail keeps what was done in the ceremony, by whom among its staff, and drops where
    its guests acted from.
    """
    ceremony = session.get(Ceremony, ceremony_id, with_for_update=True)
    if ceremony is None or ceremony.purged_at is not None:
        return
    now = datetime.now(UTC)
    erased = {"registrations": 0, "invitations": 0, "requests": 0}
    for registration in session.scalars(
        select(Registration).where(Registration.ceremony_id == ceremony_id)
    ):
        _erase_registration(registration, now)
        erased["registrations"] += 1
    for invitation in session.scalars(
        select(Invitation).where(Invitation.ceremony_id == ceremony_id)
    ):
        _erase_invitation(invitation)
        erased["invitations"] += 1
    for request in session.scalars(
        select(RegistrationRequest).where(RegistrationRequest.ceremony_id == ceremony_id)
    ):
        session.delete(request)
        erased["requests"] += 1
    erase_graduation(session, ceremony_id=ceremony_id)
    ceremony.protocol_contact_email = None
    ceremony.purged_at = now
    session.flush()
    publish_event(session, outbox, "ceremony.purged", {"ceremony_id": ceremony_id}, SOURCE)
    forget_addresses(session, audit, ceremony_id)
    record(
        session,
        audit,
        actor,
        "ceremony.purged",
        "ceremony",
        ceremony_id,
        ceremony_id=ceremony_id,
        after=erased,
    )


def _erase_registration(registration: Registration, now: datetime) -> None:
    registration.full_name = ""
    registration.email = ""
    # Still unique per row, and never an address anyone types.
    registration.email_key = f"erased:{registration.id}"
    registration.honorific = registration.organisation = registration.job_title = None
    registration.given_name = registration.family_name = registration.name_latin = None
    registration.needs = None
    # The console's search key holds the folded name, organisation and address too.
    registration.search_key = None
    registration.erased_at = now


def _erase_invitation(invitation: Invitation) -> None:
    invitation.full_name = ""
    invitation.email = ""
    invitation.email_key = f"erased:{invitation.id}"
    invitation.honorific = invitation.organisation = invitation.job_title = None
    invitation.given_name = invitation.family_name = invitation.name_latin = None
    invitation.search_key = None


def _invitations_of(session: Session, registration: Registration) -> list[Invitation]:
    return list(
        session.scalars(
            select(Invitation).where(
                Invitation.ceremony_id == registration.ceremony_id,
                (Invitation.email_key == registration.email_key)
                | (Invitation.registration_id == registration.id),
            )
        )
    )


def _count(session: Session, model, ceremony_id: uuid.UUID) -> int:
    query = select(func.count()).select_from(model).where(model.ceremony_id == ceremony_id)
    return session.execute(query).scalar_one()


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None
