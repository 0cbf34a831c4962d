"""Each graduate's part in the graduation: the result, the group they are called with, how
their name sounds, and whether they are thanked with a certificate of appreciation.

Any registration may carry one (an expert thanked is no participant); only participants get a
result. Every change publishes ``graduate.updated`` with a revision that only grows.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from marshmallow import RAISE, Schema, ValidationError, fields, validate
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record, withhold
from shared.contract import Line
from shared.errors import DomainError, not_found
from shared.graduation import GRADUATE_CATEGORY, RESULTS
from shared.outbox import publish_event

from ..models import GraduateCertificate, Graduation, Registration, audit, outbox
from ..registration_events import SOURCE

#: What a graduation record holds, in the order it is shown.
FIELDS = ("result", "group", "phonetic", "appreciation")


class GraduateChangesSchema(Schema):
    """Changes to a graduation record; text fields blank or null clear them."""

    class Meta:
        unknown = RAISE

    result = fields.String(
        allow_none=True,
        validate=validate.OneOf(RESULTS, error="Must be one of: {choices}."),
    )
    group = Line(max_len=80)
    phonetic = Line(max_len=200)
    appreciation = fields.Boolean()


_CHANGES = GraduateChangesSchema()


def load_changes(changes: dict[str, Any]) -> dict[str, Any]:
    """``changes`` checked (a blank result, as a form sends "none", is none); a 422 names
    each field at fault."""
    if isinstance(changes.get("result"), str) and not changes["result"].strip():
        changes = {**changes, "result": None}
    try:
        loaded = _CHANGES.load(changes, partial=True)
    except ValidationError as exc:
        raise DomainError(
            "validation_error",
            "The graduation details are not valid.",
            kind="invalid",
            errors=exc.messages_dict,
        ) from None
    for name in ("group", "phonetic"):
        if name in loaded:
            loaded[name] = " ".join((loaded[name] or "").split()) or None
    return loaded


def set_graduate(
    session: Session, registration_id: uuid.UUID, changes: dict[str, Any], actor: dict = SYSTEM
) -> dict[str, Any]:
    """Apply ``changes`` (any of result, group, phonetic, appreciation) and publish them; a
    result on anyone but a participant is a 422 naming ``result``."""
    registration = _lock_registration(session, registration_id)
    loaded = load_changes(changes)
    if loaded.get("result") and registration.category != GRADUATE_CATEGORY:
        raise DomainError(
            "not_a_graduate",
            "Only participants graduate: this registration is of another category.",
            kind="invalid",
            errors={
                "result": [
                    f"Only registrations of the category {GRADUATE_CATEGORY} get a result "
                    f"(this one is {registration.category})."
                ]
            },
        )
    apply_changes(session, registration, loaded, actor)
    return graduation_of(session, registration_id)


def set_phonetic(
    session: Session, registration_id: uuid.UUID, phonetic: str | None, actor: dict = SYSTEM
) -> dict[str, Any]:
    """The graduate's own spelling of how their name sounds (one line, at most 200 characters;
    blank clears it); a 422 names ``phonetic``."""
    registration = _lock_registration(session, registration_id)
    loaded = load_changes({"phonetic": phonetic})
    apply_changes(session, registration, loaded, actor)
    return graduation_of(session, registration_id)


def apply_changes(
    session: Session, registration: Registration, loaded: dict[str, Any], actor: dict
) -> bool:
    """Write checked changes to the registration's record; True when something changed (and
    ``graduate.updated`` was published)."""
    graduation = session.get(Graduation, registration.id)
    current = _values(graduation)
    changed = [name for name in FIELDS if name in loaded and loaded[name] != current[name]]
    if not changed:
        return False
    if graduation is None:
        graduation = Graduation(
            registration_id=registration.id,
            ceremony_id=registration.ceremony_id,
            appreciation=False,
            revision=0,
        )
        session.add(graduation)
    for name in changed:
        setattr(graduation, name, loaded[name])
    graduation.revision = (graduation.revision or 0) + 1
    graduation.updated_at = datetime.now(UTC)
    session.flush()
    publish_event(session, outbox, "graduate.updated", graduate_data(graduation), SOURCE)
    record(
        session,
        audit,
        actor,
        "graduate.updated",
        "registration",
        registration.id,
        ceremony_id=registration.ceremony_id,
        before=withhold({name: current[name] for name in changed}, ("phonetic",)),
        after=withhold({name: loaded[name] for name in changed}, ("phonetic",)),
    )
    return True


def graduate_data(graduation: Graduation) -> dict[str, Any]:
    """The record as ``graduate.updated`` carries it."""
    return {
        "ceremony_id": graduation.ceremony_id,
        "registration_id": graduation.registration_id,
        "result": graduation.result,
        "group": graduation.group,
        "phonetic": graduation.phonetic,
        "appreciation": bool(graduation.appreciation),
        "revision": graduation.revision,
    }


def graduation_of(session: Session, registration_id: uuid.UUID) -> dict[str, Any] | None:
    """The registration's graduation record with its certificates (the newest first, the
    current one as ``certificate``), or None when it has neither."""
    graduation = session.get(Graduation, registration_id)
    certificates = certificates_of(session, [registration_id]).get(registration_id, [])
    if graduation is None and not certificates:
        return None
    registration = session.get(Registration, registration_id)
    return {
        "registration_id": registration_id,
        "ceremony_id": registration.ceremony_id,
        **_values(graduation),
        "revision": graduation.revision if graduation is not None else 0,
        "certificate": certificates[0] if certificates else None,
        "certificates": certificates,
    }


def certificates_of(
    session: Session, registration_ids: list[uuid.UUID]
) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """Each registration's certificates, the current one first: the newest issued (a
    replacement is newer than what it replaced), and ones only heard revoked last."""
    if not registration_ids:
        return {}
    rows = session.scalars(
        select(GraduateCertificate).where(GraduateCertificate.registration_id.in_(registration_ids))
    )
    found: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for row in rows:
        found.setdefault(row.registration_id, []).append(
            {
                "id": row.certificate_id,
                "kind": row.kind,
                "result": row.result,
                "status": row.status,
                "code": row.code,
                "issued_at": row.issued_at,
                "revoked_at": row.revoked_at,
                "reason": row.reason,
                "replaces": row.replaces,
            }
        )
    for listed in found.values():
        listed.sort(key=lambda c: (c["issued_at"] is not None, c["issued_at"] or 0), reverse=True)
    return found


def erase_graduation(
    session: Session,
    *,
    registration_id: uuid.UUID | None = None,
    ceremony_id: uuid.UUID | None = None,
) -> None:
    """Forget how an erased person's name sounds and their group (of one registration, or of
    every one of a purged ceremony); the result stays, as the counts need it."""
    query = update(Graduation).values(phonetic=None, group=None)
    if registration_id is not None:
        query = query.where(Graduation.registration_id == registration_id)
    elif ceremony_id is not None:
        query = query.where(Graduation.ceremony_id == ceremony_id)
    else:
        raise ValueError("name a registration or a ceremony")
    session.execute(query)


def _lock_registration(session: Session, registration_id: uuid.UUID) -> Registration:
    registration = session.get(
        Registration, registration_id, with_for_update=True, populate_existing=True
    )
    if registration is None:
        raise not_found("registration", registration_id)
    if registration.status == "cancelled" or registration.erased_at is not None:
        raise DomainError(
            "registration_not_correctable",
            "A cancelled or erased registration has no part in the graduation.",
        )
    return registration


def _values(graduation: Graduation | None) -> dict[str, Any]:
    if graduation is None:
        return {"result": None, "group": None, "phonetic": None, "appreciation": False}
    return {name: getattr(graduation, name) for name in FIELDS} | {
        "appreciation": bool(graduation.appreciation)
    }
