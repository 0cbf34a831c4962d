"""Corrections of a guest's details by an organiser, and what is sent again on request.

A correction bumps the registration's ``revision`` and publishes ``registration.updated``: the
badges service redraws the badge (its signed code does not change) and the notifications
service emails the guest the updated badge and an update of the same calendar entry.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record, withhold
from shared.contract import VIP_CATEGORIES
from shared.errors import DomainError
from shared.protocol import display_name

from .models import Registration, audit
from .names import person_search_key
from .registration_events import announce_registration
from .registrations import get_registration

#: What an organiser may correct.
CORRECTABLE = (
    "full_name",
    "given_name",
    "family_name",
    "family_first",
    "name_latin",
    "honorific",
    "organisation",
    "job_title",
    "category",
    "precedence",
    "needs",
    "language",
    "accessible_seat",
)
#: Personal values the audit trail marks as changed without keeping them.
_PERSONAL = ("full_name", "given_name", "family_name", "name_latin", "needs")
_ORDERED = ("given_name", "family_name", "family_first")


def correct_registration(
    session: Session,
    registration_id: uuid.UUID,
    changes: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> tuple[Registration, list[str]]:
    """Apply ``changes`` (already validated fields of ``CORRECTABLE``); returns the registration
    and the names of the fields that changed (none: nothing is published)."""
    registration = get_registration(session, registration_id)
    if registration.status == "cancelled" or registration.erased_at is not None:
        raise DomainError(
            "registration_not_correctable",
            "A cancelled or erased registration cannot be corrected.",
        )
    changes = _with_whole_name(registration, changes)
    changed = [
        name
        for name in CORRECTABLE
        if name in changes and _cleaned(changes[name]) != getattr(registration, name)
    ]
    if "category" in changed:
        _check_category(registration, changes["category"])
    if not changed:
        return registration, []
    before = {name: getattr(registration, name) for name in changed}
    for name in changed:
        setattr(registration, name, _cleaned(changes[name]))
    registration.revision = (registration.revision or 0) + 1
    registration.updated_at = datetime.now(UTC)
    registration.search_key = person_search_key(
        registration.full_name,
        registration.name_latin,
        registration.organisation,
        registration.email,
    )
    session.flush()
    announce_registration(session, registration, event_type="registration.updated", changed=changed)
    record(
        session,
        audit,
        actor,
        "registration.corrected",
        "registration",
        registration.id,
        ceremony_id=registration.ceremony_id,
        before=withhold(before, _PERSONAL),
        after=withhold({name: getattr(registration, name) for name in changed}, _PERSONAL),
    )
    return registration, changed


def _with_whole_name(registration: Registration, changes: dict[str, Any]) -> dict[str, Any]:
    """A correction of the name's parts (or order) without a whole name rewrites the whole
    name from the parts, so "Helen Marsh" corrected to family name "Marsh-Hale" reads
    "Helen Marsh-Hale" everywhere."""
    if "full_name" in changes or not any(
        name in changes and _cleaned(changes[name]) != getattr(registration, name)
        for name in _ORDERED
    ):
        return changes
    parts = {name: changes.get(name, getattr(registration, name)) for name in _ORDERED}
    given, family = _cleaned(parts["given_name"]) or "", _cleaned(parts["family_name"]) or ""
    if not (given or family):
        return changes
    whole = display_name(given, family, family_first=bool(parts["family_first"]))
    if len(whole) > 200:
        raise DomainError(
            "name_too_long",
            "The given and family names together are too long.",
            kind="invalid",
            errors={"family_name": ["Longer than 200 characters with the given name."]},
        )
    return {**changes, "full_name": whole}


def _cleaned(value: Any) -> Any:
    return value.strip() or None if isinstance(value, str) else value


def _check_category(registration: Registration, category: str) -> None:
    """A guest on a public seat cannot move to a protocol seat or back by a correction: the
    seats would no longer add up (cancel and register again instead)."""
    if (category in VIP_CATEGORIES) != registration.reserved:
        raise DomainError(
            "category_changes_seat",
            "This category sits on another kind of seat: cancel and register the guest again.",
            kind="invalid",
            errors={"category": ["Moves the guest between protocol and public seats."]},
        )


def resend_confirmation(
    session: Session, registration_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Registration:
    """Have the guest's confirmation (badge, calendar entry) sent again."""
    registration = get_registration(session, registration_id)
    if registration.status != "confirmed":
        raise DomainError(
            "not_confirmed",
            "Only a confirmed registration has a confirmation to send again.",
            errors={"status": [registration.status]},
        )
    announce_registration(session, registration, event_type="registration.confirmation_resent")
    _sent(session, registration, actor, "registration.confirmation_resent")
    return registration


def send_own_link(
    session: Session, registration_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> Registration:
    """Have the guest emailed the link to their own registration."""
    registration = get_registration(session, registration_id)
    if registration.status == "cancelled":
        raise DomainError("registration_cancelled", "This registration was cancelled.")
    announce_registration(session, registration, event_type="registration.link_requested")
    _sent(session, registration, actor, "registration.link_sent")
    return registration


def _sent(session: Session, registration: Registration, actor: dict[str, Any], action: str):
    record(
        session,
        audit,
        actor,
        action,
        "registration",
        registration.id,
        ceremony_id=registration.ceremony_id,
    )
