"""Rules for invitations: invite (as drafts or at once), send, remind, answer (by the invitee or
an organiser), withdraw; and what the RSVP page and the mail server tell about them.

An invitation may make its invitee the head of a delegation: accepting, they name up to
``companions_allowed`` companions, each of whom gets a registration of their own (tied to the
head's by ``delegation_of``). It may allow a representative, who gets the registration instead
of the invitee. A decline may carry regrets. After ``reply_by`` no reminders go out, and answers
are still taken but marked late.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

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
from .registration_events import SOURCE, registration_data
from .seat_assignments import free_seat
from .waitlist import promote_waitlisted

#: The answers an invitee may give, and the status each leaves the invitation in.
ANSWERS = {"accept": "accepted", "represent": "accepted", "decline": "declined"}
ANSWER_KINDS = tuple(ANSWERS)
#: The most companions an invitation may allow.
MAX_COMPANIONS = 20
#: What an invitation tells and allows besides who it is for.
DETAILS = (
    "companions_allowed",
    "representative_allowed",
    "host",
    "reply_by",
    "dress_code",
    "arrival_instructions",
)
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
    last_day = _local_day(ceremony.starts_at, ceremony)
    for index, person in enumerate(invitees):
        if person.get("reply_by") is not None and person["reply_by"] > last_day:
            errors[str(index)] = {
                "reply_by": [f"Must be on or before the ceremony's day, {last_day.isoformat()}."]
            }
    if errors:
        raise DomainError(
            "invalid_reply_by",
            "Answers must be asked for by the ceremony's day at the latest.",
            kind="invalid",
            errors={"invitees": errors},
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
            companions_allowed=person.get("companions_allowed") or 0,
            representative_allowed=bool(person.get("representative_allowed")),
            host=person.get("host"),
            reply_by=person.get("reply_by"),
            dress_code=person.get("dress_code"),
            arrival_instructions=person.get("arrival_instructions"),
            translations={
                tag: {name: text for name, text in words.items() if text}
                for tag, words in (person.get("translations") or {}).items()
            },
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
                **{
                    name: _audited(getattr(invitation, name))
                    for name in DETAILS
                    if getattr(invitation, name) not in (None, 0, False)
                },
            },
        )
    return created


def _audited(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


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
    """Remind exactly this invitee (an email goes out through ``invitation.reminded``); not
    after the invitation's reply-by date."""
    invitation = get_invitation(session, invitation_id)
    ceremony = get_ceremony(session, invitation.ceremony_id)
    _ensure_open(ceremony)
    _ensure_sent(invitation)
    if _past_reply_by(invitation, ceremony):
        raise DomainError(
            "reply_by_passed",
            f"The reply-by date ({invitation.reply_by.isoformat()}) has passed: "
            "no more reminders are sent.",
        )
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
    companions: list[dict[str, Any]] | None = None,
    representative: dict[str, Any] | None = None,
    regrets: str | None = None,
    actor: dict[str, Any] = SYSTEM,
) -> Invitation:
    """Record an answer: ``accept`` (with up to ``companions_allowed`` named ``companions``),
    (None: those named before stay), ``represent`` (someone, ``representative``, comes in the
    invitee's place) or ``decline``
    (with optional ``regrets``). Accepting seats the invitee and each companion on a protocol
    seat; representing seats the representative instead.

    An invitee may change their answer until the ceremony starts; the new answer replaces the
    old one (companions no longer named, or an earlier representative, lose their seat). Giving
    the same answer again changes nothing. ``by``: ``invitee`` (their RSVP page) or
    ``organiser``, who is ``actor`` and says how the answer came (``via``: phone, letter...) and
    may add a ``note``; the trail keeps both. A withdrawn invitation takes no answer; a draft
    only one an organiser records. An answer after the reply-by date is taken, marked late.
    """
    invitation = get_invitation(session, invitation_id)
    ceremony = lock_ceremony(session, invitation.ceremony_id)
    _ensure_open(ceremony)
    if invitation.status == "withdrawn":
        raise _withdrawn()
    if invitation.status == "draft" and by == "invitee":
        raise _not_sent()
    # Accepting again without naming companions keeps those named before.
    keep = reply == "accept" and companions is None
    companions = list(companions or []) if reply == "accept" else []
    representative = representative if reply == "represent" else None
    regrets = ((regrets or "").strip() or None) if reply == "decline" else None
    _check_delegation(session, invitation, reply, companions, representative)
    if keep:
        companions = _named(delegation(session, invitation))
    if _unchanged(session, invitation, reply, companions, representative, regrets):
        return invitation
    status = ANSWERS[reply]
    previous = invitation.status
    invitation.status = status
    invitation.answered_by = by
    invitation.answered_at = datetime.now(UTC)
    invitation.answered_late = _past_reply_by(invitation, ceremony, invitation.answered_at)
    invitation.regrets = regrets
    freed_public_seat = False
    if reply == "decline":
        _unseat(session, ceremony, invitation.registration_id)
        invitation.represented_by = None
    elif reply == "represent":
        _unseat(session, ceremony, invitation.registration_id)
        stand_in = _registration_for(ceremony, invitation, representative)
        session.add(stand_in)
        session.flush()  # the registration row exists before the invitation points at it
        invitation.registration_id = stand_in.id
        invitation.represented_by = stand_in.full_name
        _announce_registration(session, stand_in)
    else:
        head = _own_registration(session, invitation)
        if head is None:
            _unseat(session, ceremony, invitation.registration_id)
            head, freed_public_seat = _seat(session, ceremony, invitation)
            session.flush()
            invitation.registration_id = head.id
            _announce_registration(session, head)
        invitation.represented_by = None
        _seat_companions(session, ceremony, invitation, head, companions)
    if freed_public_seat:
        promote_waitlisted(session, ceremony)
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
            **({"companions": len(companions)} if companions else {}),
            **({"represented_by": invitation.represented_by} if representative else {}),
            **({"regrets": True} if regrets else {}),
            **({"late": True} if invitation.answered_late else {}),
            **({"via": via} if via else {}),
            **({"note": note} if note else {}),
        },
    )
    return invitation


def delegation(session: Session, invitation: Invitation) -> list[Registration]:
    """The live registrations of the companions an acceptance named, in the order named."""
    if invitation.registration_id is None:
        return []
    return list(
        session.scalars(
            select(Registration)
            .where(
                Registration.delegation_of == invitation.registration_id,
                Registration.status != "cancelled",
            )
            .order_by(Registration.created_at, Registration.id)
        )
    )


def delegations(
    session: Session, invitations: list[Invitation]
) -> dict[uuid.UUID, list[Registration]]:
    """``delegation`` of many invitations at once, by invitation id."""
    heads = {i.registration_id: i.id for i in invitations if i.registration_id is not None}
    found: dict[uuid.UUID, list[Registration]] = {invitation.id: [] for invitation in invitations}
    if not heads:
        return found
    members = session.scalars(
        select(Registration)
        .where(Registration.delegation_of.in_(heads), Registration.status != "cancelled")
        .order_by(Registration.created_at, Registration.id)
    )
    for member in members:
        found[heads[member.delegation_of]].append(member)
    return found


def _check_delegation(
    session: Session,
    invitation: Invitation,
    reply: str,
    companions: list[dict[str, Any]],
    representative: dict[str, Any] | None,
) -> None:
    """Refuse what the invitation does not allow, and any address that is taken."""
    if reply == "represent" and not invitation.representative_allowed:
        raise _invalid(
            "representative_not_allowed",
            "This invitation does not allow a representative.",
            "representative",
        )
    allowed = invitation.companions_allowed or 0
    if len(companions) > allowed:
        message = (
            f"This invitation allows up to {allowed} companions."
            if allowed
            else "This invitation allows no companions."
        )
        raise _invalid("too_many_companions", message, "companions")
    people = companions if reply == "accept" else [representative] if representative else []
    if not people:
        return
    own = {invitation.registration_id} if invitation.registration_id else set()
    own |= {registration.id for registration in delegation(session, invitation)}
    keys = [person["email"].strip().lower() for person in people]
    invited = set(
        session.scalars(
            select(Invitation.email_key).where(
                Invitation.ceremony_id == invitation.ceremony_id,
                Invitation.email_key.in_(keys),
            )
        )
    )
    registered = {
        key
        for key, registration_id in session.execute(
            select(Registration.email_key, Registration.id).where(
                Registration.ceremony_id == invitation.ceremony_id,
                Registration.email_key.in_(keys),
                Registration.status != "cancelled",
            )
        )
        if registration_id not in own
    }
    problems: dict[str, Any] = {}
    for index, key in enumerate(keys):
        if key == invitation.email_key:
            problem = "This is the invitee's own address."
        elif keys.index(key) != index:
            problem = f"Same email as companion {keys.index(key)}."
        elif key in invited:
            problem = "Already invited to this ceremony."
        elif key in registered:
            problem = "Already registered for this ceremony."
        else:
            continue
        problems[str(index)] = {"email": [problem]}
    if problems:
        field = "companions" if reply == "accept" else "representative"
        raise DomainError(
            "delegate_email_taken",
            "Each person needs an address of their own, not yet invited or registered.",
            kind="invalid",
            errors={field: problems if reply == "accept" else problems["0"]},
        )


def _named(registrations: list[Registration]) -> list[dict[str, Any]]:
    """Companions seated already, as an answer names them."""
    return [
        {
            "full_name": registration.full_name,
            **parts_of(registration),
            "email": registration.email,
            "honorific": registration.honorific,
            "organisation": registration.organisation,
            "job_title": registration.job_title,
            "language": registration.language,
        }
        for registration in registrations
    ]


def _invalid(code: str, message: str, field: str) -> DomainError:
    return DomainError(code, message, kind="invalid", errors={field: [message]})


def _unchanged(
    session: Session,
    invitation: Invitation,
    reply: str,
    companions: list[dict[str, Any]],
    representative: dict[str, Any] | None,
    regrets: str | None,
) -> bool:
    """Whether the answer is the one given already, with the same people."""
    if invitation.status != ANSWERS[reply]:
        return False
    if reply == "decline":
        return regrets == invitation.regrets
    own = _live(session, invitation.registration_id)
    if reply == "represent":
        return (
            invitation.represented_by is not None
            and own is not None
            and own.email_key == representative["email"].strip().lower()
        )
    named = {person["email"].strip().lower() for person in companions}
    seated = {registration.email_key for registration in delegation(session, invitation)}
    return _own_registration(session, invitation) is not None and named == seated


def _live(session: Session, registration_id: uuid.UUID | None) -> Registration | None:
    registration = session.get(Registration, registration_id) if registration_id else None
    return registration if registration is not None and registration.status != "cancelled" else None


def _own_registration(session: Session, invitation: Invitation) -> Registration | None:
    """The invitee's own live registration (not a representative's)."""
    if invitation.represented_by is not None:
        return None
    return _live(session, invitation.registration_id)


def _seat_companions(
    session: Session,
    ceremony: Ceremony,
    invitation: Invitation,
    head: Registration,
    companions: list[dict[str, Any]],
) -> None:
    """Seat the companions named and not seated yet; unseat those no longer named."""
    named = {person["email"].strip().lower(): person for person in companions}
    seated = {
        registration.email_key: registration for registration in delegation(session, invitation)
    }
    for key, registration in seated.items():
        if key not in named:
            _cancel(session, ceremony, registration, reason="left_delegation")
    for key, person in named.items():
        if key in seated:
            continue
        companion = _registration_for(ceremony, invitation, person, head=head)
        session.add(companion)
        session.flush()
        _announce_registration(session, companion)


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
    """Remind those among ``invitation_ids`` (None: everyone) who have not answered and whose
    reply-by date has not passed, each as ``remind`` does. Returns those reminded and how many
    chosen were skipped (past their reply-by date counts as skipped)."""
    ceremony = lock_ceremony(session, ceremony_id)
    _ensure_open(ceremony)
    chosen = _chosen(session, ceremony.id, invitation_ids, "pending")
    pending = [invitation for invitation in chosen if not _past_reply_by(invitation, ceremony)]
    for invitation in pending:
        _remind(session, invitation, actor)
    late = len(chosen) - len(pending)
    return pending, (late if invitation_ids is None else _skipped(invitation_ids, pending))


def _local_day(moment: datetime, ceremony: Ceremony) -> date:
    return moment.astimezone(ZoneInfo(ceremony.timezone)).date()


def _past_reply_by(invitation: Invitation, ceremony: Ceremony, now: datetime | None = None) -> bool:
    """Whether the day the answers were asked for is over, in the ceremony's time zone."""
    if invitation.reply_by is None:
        return False
    return _local_day(now or datetime.now(UTC), ceremony) > invitation.reply_by


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
    registration = _registration_for(ceremony, invitation)
    session.add(registration)
    return registration, freed


def _registration_for(
    ceremony: Ceremony,
    invitation: Invitation,
    person: dict[str, Any] | None = None,
    *,
    head: Registration | None = None,
) -> Registration:
    """A confirmed registration on a protocol seat in the invitation's category: the invitee's
    own, or (``person``) a representative's, or a companion of ``head``, who shares the head's
    precedence. Someone named without a language reads the invitation's."""
    now = datetime.now(UTC)
    if person is None:
        full_name, email, parts = invitation.full_name, invitation.email, parts_of(invitation)
        details = {
            "honorific": invitation.honorific,
            "organisation": invitation.organisation,
            "job_title": invitation.job_title,
            "language": invitation.language,
        }
    else:
        full_name, email = person["full_name"].strip(), person["email"].strip()
        parts = name_parts(person)
        details = {
            "honorific": person.get("honorific"),
            "organisation": person.get("organisation"),
            "job_title": person.get("job_title"),
            "language": person.get("language") or invitation.language,
        }
    return Registration(
        id=uuid.uuid4(),
        ceremony_id=ceremony.id,
        full_name=full_name,
        **parts,
        email=email,
        email_key=email.lower(),
        **details,
        category=invitation.category,
        precedence=head.precedence if head is not None else invitation.precedence,
        delegation_of=head.id if head is not None else None,
        status="confirmed",
        reserved=True,
        created_at=now,
        confirmed_at=now,
        search_key=person_search_key(
            full_name, parts.get("name_latin"), details["organisation"], email
        ),
    )


def _announce_registration(session: Session, registration: Registration, **change) -> None:
    """The registration's event, named after its status; a companion's names its head."""
    data = registration_data(registration, **change)
    if registration.delegation_of is not None:
        data["delegation_of"] = registration.delegation_of
    publish_event(session, outbox, f"registration.{registration.status}", data, SOURCE)


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
    _announce_registration(session, registration, previous_status=previous, cancel_reason=reason)
    free_seat(session, registration)
    return freed


def _unseat(
    session: Session,
    ceremony: Ceremony,
    registration_id: uuid.UUID | None,
    *,
    reason: str | None = None,
) -> None:
    """Cancel an answer's registration, and its companions' with it."""
    registration = _live(session, registration_id)
    if registration is None:
        return
    companions = session.scalars(
        select(Registration).where(
            Registration.delegation_of == registration.id, Registration.status != "cancelled"
        )
    ).all()
    freed = False
    for companion in companions:
        freed |= _cancel(session, ceremony, companion, reason=reason)
    freed |= _cancel(session, ceremony, registration, reason=reason)
    if freed:
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
        **{name: getattr(invitation, name) for name in DETAILS},
        "answered_late": bool(invitation.answered_late),
        "regrets": invitation.regrets,
        "represented_by": invitation.represented_by,
        "translations": dict(invitation.translations or {}),
    }
    publish_event(session, outbox, event_type, data, SOURCE)
