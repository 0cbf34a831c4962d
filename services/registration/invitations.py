"""Rules for invitations: invite (as drafts or at once), send, remind, answer (by the invitee or
an organiser), withdraw; and what the RSVP page and the mail server tell about them."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.contract import search_key
from shared.errors import DomainError, not_found
from shared.outbox import publish_event

from .ceremonies import get_ceremony, has_started, lock_ceremony
from .imports import (
    check_rows,
    discard_upload,
    get_upload,
    invited_keys,
    mapping_problems,
    read_table,
)
from .models import Ceremony, Invitation, Registration, audit, outbox
from .names import name_parts, parts_of, person_search_key
from .registration_events import SOURCE, announce_registration
from .waitlist import promote_waitlisted

ANSWERS = {"accept": "accepted", "decline": "declined"}
#: How an answer an organiser records came in.
ANSWER_CHANNELS = ("phone", "letter", "email", "in_person")
#: The emails that carry an invitation: a permanent failure of one marks it bounced.
INVITATION_TEMPLATES = ("invitation", "invitation_reminder")


def invite(
    session: Session,
    ceremony_id: uuid.UUID,
    invitees: list[dict[str, Any]],
    *,
    send: bool = True,
    actor: dict[str, Any] = SYSTEM,
) -> list[Invitation]:
    """Invite everyone in ``invitees``, or no one if any of them cannot be invited; the trail
    has one entry per invitation.

    ``send``: the invitations go out at once (``invitation.created``); otherwise they are
    drafts, which announce nothing until they are sent (``send_drafts``).
    """
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
    now = datetime.now(UTC)
    for person, key in zip(invitees, keys, strict=True):
        full_name, email = person["full_name"].strip(), person["email"].strip()
        invitation = Invitation(
            id=uuid.uuid4(),
            ceremony_id=ceremony.id,
            full_name=full_name,
            **name_parts(person),
            email=email,
            email_key=key,
            honorific=person.get("honorific"),
            organisation=person.get("organisation"),
            job_title=person.get("job_title"),
            language=person.get("language") or ceremony.default_language,
            category=person.get("category") or "dignitary",
            precedence=person.get("precedence"),
            status="pending" if send else "draft",
            reminders=0,
            created_at=now,
            sent_at=now if send else None,
            search_key=person_search_key(
                full_name, person.get("name_latin"), person.get("organisation"), email
            ),
        )
        session.add(invitation)
        created.append(invitation)
    session.flush()
    for invitation in created:
        if send:
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


def import_invitees(
    session: Session,
    ceremony_id: uuid.UUID,
    import_id: uuid.UUID,
    mapping: list[str],
    *,
    load: Callable[[dict[str, Any]], dict[str, Any]],
    send: bool = False,
    actor: dict[str, Any] = SYSTEM,
) -> list[Invitation]:
    """Invite everyone in a kept upload, its columns read through ``mapping`` and each row
    through ``load`` (the invitee schema's), or no one if any row is bad; the upload is then
    forgotten. Imported invitations are drafts unless ``send``."""
    upload = get_upload(session, ceremony_id, import_id)
    table = read_table(upload.content)
    problems = mapping_problems(mapping)
    if len(mapping) != len(table.header):
        problems["mapping"] = "Choose a field, or none, for every column."
    if problems:
        raise DomainError(
            "invalid_mapping", "The columns are not mapped.", kind="invalid", errors=problems
        )
    checked = check_rows(table, mapping, load, invited_keys(session, ceremony_id))
    if checked.bad:
        raise DomainError(
            "invalid_import",
            f"Nothing was imported: {len(checked.bad)} rows are not valid.",
            kind="invalid",
            errors={"rows": {str(row.number): row.errors for row in checked.bad}},
        )
    if not checked.rows:
        raise DomainError(
            "invalid_import",
            "The file has no invitees.",
            kind="invalid",
            errors={"file": ["The file has no invitees."]},
        )
    invited = invite(session, ceremony_id, checked.invitees, send=send, actor=actor)
    discard_upload(session, upload)
    return invited


def remind(
    session: Session, invitation_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Invitation:
    """Remind exactly this invitee (an email goes out through ``invitation.reminded``)."""
    invitation = get_invitation(session, invitation_id)
    ceremony = get_ceremony(session, invitation.ceremony_id)
    _ensure_open(ceremony)
    _ensure_sent(invitation)
    _remind(session, invitation, actor)
    return invitation


def _remind(session: Session, invitation: Invitation, actor: dict[str, Any]) -> None:
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


def answer(
    session: Session,
    invitation_id: uuid.UUID,
    reply: str,
    *,
    by: str,
    via: str | None = None,
    note: str | None = None,
    actor: dict[str, Any] = SYSTEM,
) -> Invitation:
    """Record accept or decline; accepting seats the invitee on a protocol seat.

    An invitee may change their answer until the ceremony starts. Giving the same answer again
    changes nothing. ``by``: ``invitee`` (their RSVP page) or ``organiser``, who is ``actor``
    and says how the answer came (``via``: phone, letter...) and may add a ``note``; the trail
    keeps both. A withdrawn invitation takes no answer; a draft only one an organiser records.
    """
    invitation = get_invitation(session, invitation_id)
    ceremony = lock_ceremony(session, invitation.ceremony_id)
    _ensure_open(ceremony)
    if invitation.status == "withdrawn":
        raise _withdrawn()
    if invitation.status == "draft" and by == "invitee":
        raise _not_sent()
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
        after={
            "answer": reply,
            **({"via": via} if via else {}),
            **({"note": note} if note else {}),
        },
    )
    return invitation


def send_drafts(
    session: Session,
    ceremony_id: uuid.UUID,
    invitation_ids: list[uuid.UUID] | None = None,
    *,
    actor: dict[str, Any] = SYSTEM,
) -> tuple[list[Invitation], int]:
    """Send the drafts among ``invitation_ids`` (None: every draft of the ceremony): each goes
    out as ``invitation.created``. Returns those sent and how many chosen were not drafts."""
    ceremony = lock_ceremony(session, ceremony_id)  # two clicks on "send" send once
    _ensure_open(ceremony)
    drafts = _chosen(session, ceremony.id, invitation_ids, "draft")
    now = datetime.now(UTC)
    for invitation in drafts:
        invitation.status = "pending"
        invitation.sent_at = now
        _announce(session, invitation, "invitation.created")
        _audit(
            session,
            actor,
            invitation,
            "invitation.sent",
            before={"status": "draft"},
            after={"status": "pending"},
        )
    return drafts, _skipped(invitation_ids, drafts)


def remind_pending(
    session: Session,
    ceremony_id: uuid.UUID,
    invitation_ids: list[uuid.UUID] | None = None,
    *,
    actor: dict[str, Any] = SYSTEM,
) -> tuple[list[Invitation], int]:
    """Remind those among ``invitation_ids`` (None: everyone) who have not answered, each as
    ``remind`` does. Returns those reminded and how many chosen were skipped."""
    ceremony = lock_ceremony(session, ceremony_id)
    _ensure_open(ceremony)
    pending = _chosen(session, ceremony.id, invitation_ids, "pending")
    for invitation in pending:
        _remind(session, invitation, actor)
    return pending, _skipped(invitation_ids, pending)


def _chosen(
    session: Session, ceremony_id: uuid.UUID, invitation_ids: list | None, status: str
) -> list[Invitation]:
    query = select(Invitation).where(
        Invitation.ceremony_id == ceremony_id, Invitation.status == status
    )
    if invitation_ids is not None:
        query = query.where(Invitation.id.in_(set(invitation_ids)))
    order = (Invitation.precedence.is_(None), Invitation.precedence, Invitation.full_name)
    return list(session.scalars(query.order_by(*order)))


def _skipped(invitation_ids: list | None, done: list) -> int:
    return 0 if invitation_ids is None else len(set(invitation_ids)) - len(done)


def withdraw(
    session: Session, invitation_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Invitation:
    """Take back a sent invitation (``invitation.withdrawn``); an acceptance's registration is
    cancelled, which revokes its badge. Withdrawing twice changes nothing; a draft, never sent,
    is removed instead (``remove_draft``)."""
    invitation = get_invitation(session, invitation_id)
    ceremony = lock_ceremony(session, invitation.ceremony_id)
    session.refresh(invitation)
    if invitation.status == "withdrawn":
        return invitation
    if invitation.status == "draft":
        raise DomainError(
            "invitation_not_sent",
            "This invitation is a draft: remove it instead of withdrawing it.",
        )
    previous = invitation.status
    if previous == "accepted" and invitation.registration_id is not None:
        _unseat(session, ceremony, invitation.registration_id, reason="invitation_withdrawn")
    invitation.status = "withdrawn"
    invitation.withdrawn_at = datetime.now(UTC)
    session.flush()
    _announce(session, invitation, "invitation.withdrawn")
    _audit(
        session,
        actor,
        invitation,
        "invitation.withdrawn",
        before={"status": previous},
        after={"status": "withdrawn"},
    )
    return invitation


def remove_draft(
    session: Session, invitation_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> None:
    """Delete a draft: it was never sent, so no one is told; a sent one must be withdrawn."""
    invitation = get_invitation(session, invitation_id)
    if invitation.status != "draft":
        raise DomainError(
            "invitation_sent", "This invitation was sent: withdraw it instead of removing it."
        )
    _audit(session, actor, invitation, "invitation.removed", before={"status": "draft"})
    session.delete(invitation)


def note_opened(session: Session, invitation_id: uuid.UUID) -> None:
    """The invitee opened their RSVP page: the first time is kept (a mail scanner following
    the link counts too)."""
    invitation = session.get(Invitation, invitation_id)
    if invitation is not None and invitation.opened_at is None and invitation.sent_at:
        invitation.opened_at = datetime.now(UTC)


def note_bounced(
    session: Session, ceremony_id: uuid.UUID | None, template: str, recipient: str, at: datetime
) -> bool:
    """An invitation or reminder email was refused for good: mark its invitation bounced
    (once; the first refusal is kept). Whether an invitation matched."""
    if ceremony_id is None or template not in INVITATION_TEMPLATES:
        return False
    invitation = session.scalars(
        select(Invitation).where(
            Invitation.ceremony_id == ceremony_id,
            Invitation.email_key == recipient.strip().lower(),
        )
    ).first()
    if invitation is None:
        return False
    if invitation.bounced_at is None:
        invitation.bounced_at = at
    return True


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
        **parts_of(invitation),
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
        search_key=person_search_key(
            invitation.full_name, invitation.name_latin, invitation.organisation, invitation.email
        ),
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


def _unseat(
    session: Session,
    ceremony: Ceremony,
    registration_id: uuid.UUID,
    *,
    reason: str | None = None,
) -> None:
    registration = session.get(Registration, registration_id)
    live = registration is not None and registration.status != "cancelled"
    if live and _cancel(session, ceremony, registration, reason=reason):
        promote_waitlisted(session, ceremony)


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


def search_invitations(
    session: Session,
    ceremony_id: uuid.UUID,
    *,
    query: str = "",
    status: str | None = None,
    offset: int = 0,
    limit: int | None = 50,
) -> tuple[list[Invitation], int]:
    """A page of a ceremony's invitations in protocol order, those whose name, organisation
    or email holds ``query`` (accents and case ignored), and how many match in all (``limit``
    None: all of them)."""
    where = [Invitation.ceremony_id == ceremony_id]
    if status:
        where.append(Invitation.status == status)
    key = search_key(query.strip())
    if key:
        where.append(Invitation.search_key.contains(key, autoescape=True))
    total = session.scalar(select(func.count()).select_from(Invitation).where(*where)) or 0
    page = session.scalars(
        select(Invitation)
        .where(*where)
        .order_by(Invitation.precedence.is_(None), Invitation.precedence, Invitation.full_name)
        .offset(offset)
        .limit(limit)
    )
    return list(page), total


def count_by_status(session: Session, ceremony_id: uuid.UUID) -> dict[str, int]:
    """How many invitations of a ceremony are in each status."""
    rows = session.execute(
        select(Invitation.status, func.count())
        .where(Invitation.ceremony_id == ceremony_id)
        .group_by(Invitation.status)
    )
    return {status: count for status, count in rows}


def _ensure_open(ceremony: Ceremony) -> None:
    if has_started(ceremony):
        raise DomainError("rsvp_closed", "The ceremony has started: answers are closed.")


def _ensure_sent(invitation: Invitation) -> None:
    if invitation.status == "withdrawn":
        raise _withdrawn()
    if invitation.status == "draft":
        raise _not_sent()


def _withdrawn() -> DomainError:
    return DomainError("invitation_withdrawn", "This invitation was withdrawn.")


def _not_sent() -> DomainError:
    return DomainError("invitation_not_sent", "This invitation is a draft: it was not sent.")


def _announce(session: Session, invitation: Invitation, event_type: str) -> None:
    data = {
        "invitation_id": invitation.id,
        "ceremony_id": invitation.ceremony_id,
        "full_name": invitation.full_name,
        **parts_of(invitation),
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
