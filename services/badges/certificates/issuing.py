"""Rules for certificates: what each registration holds once its ceremony's are released.

One function, ``reconcile``, decides it for one registration from what this service knows: the
release, the registration, its result and its name. The release, a new or changed result, a
corrected name and a cancellation all call it, so that the order events arrive in does not
matter and calling it again does nothing twice:

- a confirmed graduate (category ``participant``) whose result earns one
  (``shared.graduation.EARNS``) holds a certificate of completion or attendance; with a release
  ``only_admitted``, one is only issued to a graduate admitted at the door;
- a confirmed registration flagged for appreciation holds a certificate of appreciation;
- a certificate whose result no longer holds is revoked (``result_changed``) and the one now
  earned, if any, replaces it; one whose printed name was corrected is revoked
  (``name_corrected``) and replaced; a cancelled registration's are revoked
  (``registration_cancelled``);
- a certificate an organiser revoked is not issued again on its own for the same result and
  name.

Every issue and revocation publishes ``certificate.issued``/``certificate.revoked`` through the
outbox in the same transaction.
"""

from __future__ import annotations

import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import record
from shared.errors import DomainError, not_found
from shared.graduation import GRADUATE_CATEGORY, certificate_kind, name_digest
from shared.outbox import publish_event

from ..models import (
    audit,
    badges,
    ceremonies,
    certificate_releases,
    certificates,
    graduates,
    outbox,
    presence,
    registrations,
)
from ..signing.certificates import sign_certificate_code
from ..signing.keys import KeyRing

log = logging.getLogger(__name__)

PRODUCER = "badges"
#: The languages certificates are written in; a holder of another is written to in the
#: ceremony's default language (English if that is none of these either).
LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")
#: Reasons this service revokes for on its own.
NAME_CORRECTED = "name_corrected"
RESULT_CHANGED = "result_changed"
REGISTRATION_CANCELLED = "registration_cancelled"
REVOKED_BY_ORGANISER = "revoked_by_organiser"


@dataclass(frozen=True)
class Due:
    """A certificate a registration should hold: its kind and the result it certifies."""

    kind: str
    result: str | None

    @property
    def graduating(self) -> bool:
        """Completion or attendance (a graduate's), as opposed to appreciation."""
        return self.kind != "appreciation"


def certificate_language(registration_language: str | None, default_language: str | None) -> str:
    """The language a certificate is written in: the holder's, else the ceremony's, else en."""
    for tag in (registration_language, default_language):
        primary = (tag or "").split("-")[0].lower()
        if primary in LANGUAGES:
            return primary
    return "en"


def admitted_at_door(session: Session, registration_id: uuid.UUID) -> bool:
    """Whether the registration's badge (any of them) was ever admitted at a door."""
    query = (
        select(presence.c.first_in_at)
        .join_from(presence, badges, badges.c.id == presence.c.badge_id)
        .where(badges.c.registration_id == registration_id, presence.c.first_in_at.is_not(None))
        .limit(1)
    )
    return session.execute(query).first() is not None


def release_of(session: Session, ceremony_id: uuid.UUID):
    """The ceremony's release (when, by whom, only_admitted), or None before it."""
    return session.execute(
        select(certificate_releases).where(certificate_releases.c.ceremony_id == ceremony_id)
    ).first()


def due_by_result(registration, graduate) -> list[Due]:
    """What a registration's result and flag earn, whether or not it was at the door."""
    if registration is None or registration.status != "confirmed" or graduate is None:
        return []
    due = []
    kind = certificate_kind(graduate.result)
    if kind is not None and registration.category == GRADUATE_CATEGORY:
        due.append(Due(kind, graduate.result))
    if graduate.appreciation:
        due.append(Due("appreciation", None))
    return due


def reconcile(session: Session, keys: KeyRing, registration_id: uuid.UUID) -> dict[str, list]:
    """Bring one registration's certificates in line with its result, name and status.

    Returns ``{"issued": [...], "revoked": [...], "kept": [...], "skipped": [(due, reason)]}``.
    Nothing is issued before the ceremony's release, and nothing for an erased person.
    """
    outcome: dict[str, list] = {"issued": [], "revoked": [], "kept": [], "skipped": []}
    registration = session.execute(
        select(registrations).where(registrations.c.id == registration_id)
    ).first()
    if registration is not None:
        # The ceremony's row is the lock a release takes: a result arriving while the
        # organiser releases waits for the release (and then sees it), or the release waits
        # for the result (and then sees it), so neither misses the other.
        session.execute(
            select(ceremonies.c.id)
            .where(ceremonies.c.id == registration.ceremony_id)
            .with_for_update()
        )
    held = list(
        session.execute(
            select(certificates)
            .where(
                certificates.c.registration_id == registration_id,
                certificates.c.status == "issued",
            )
            .with_for_update()
        )
    )
    if registration is None or not registration.full_name:
        return outcome
    release = release_of(session, registration.ceremony_id)
    graduate = session.execute(
        select(graduates).where(graduates.c.registration_id == registration_id)
    ).first()
    due = due_by_result(registration, graduate)
    replaced: dict[bool, Any] = {}
    for certificate in held:
        if registration.status != "confirmed":
            reason = REGISTRATION_CANCELLED
        elif Due(certificate.kind, certificate.result) not in due:
            reason = RESULT_CHANGED
        elif (certificate.name, certificate.name_latin) != _printed_name(registration):
            reason = NAME_CORRECTED
        else:
            outcome["kept"].append(certificate)
            continue
        revoke_certificate(session, certificate, reason=reason)
        outcome["revoked"].append(certificate)
        replaced[certificate.kind != "appreciation"] = certificate
    if release is None:
        return outcome
    holding = {Due(c.kind, c.result) for c in outcome["kept"]}
    admitted = None
    for wanted in due:
        if wanted in holding:
            continue
        # A certificate replaced for a corrected name or result was earned already: the door
        # is only asked about a first one.
        if wanted.graduating and release.only_admitted and wanted.graduating not in replaced:
            if admitted is None:
                admitted = admitted_at_door(session, registration_id)
            if not admitted:
                outcome["skipped"].append((wanted, "not_admitted"))
                continue
        if _revoked_by_organiser(session, registration, wanted):
            outcome["skipped"].append((wanted, REVOKED_BY_ORGANISER))
            continue
        outcome["issued"].append(
            issue_certificate(
                session, keys, registration, wanted, replaces=replaced.get(wanted.graduating)
            )
        )
    return outcome


def _printed_name(registration) -> tuple[str, str | None]:
    return registration.full_name, registration.name_latin or None


def _revoked_by_organiser(session: Session, registration, wanted: Due) -> bool:
    query = select(certificates.c.id).where(
        certificates.c.registration_id == registration.id,
        certificates.c.kind == wanted.kind,
        certificates.c.revoked_manually.is_(True),
        certificates.c.name == registration.full_name,
    )
    query = query.where(
        certificates.c.result.is_(None)
        if wanted.result is None
        else certificates.c.result == wanted.result
    )
    return session.execute(query.limit(1)).first() is not None


def issue_certificate(
    session: Session, keys: KeyRing, registration, due: Due, *, replaces=None
) -> dict[str, Any]:
    """Sign and store one certificate for a registration, and publish it; returns its row."""
    signing = keys.signing_key(session, registration.ceremony_id)
    default_language = session.execute(
        select(ceremonies.c.default_language).where(ceremonies.c.id == registration.ceremony_id)
    ).scalar_one_or_none()
    name, name_latin = _printed_name(registration)
    certificate = {
        "id": uuid.uuid4(),
        "ceremony_id": registration.ceremony_id,
        "registration_id": registration.id,
        "kind": due.kind,
        "result": due.result,
        "name": name,
        "name_latin": name_latin,
        "name_digest": name_digest(name).hex(),
        "language": certificate_language(registration.language, default_language),
        "kid": signing.kid,
        "status": "issued",
        "issued_at": datetime.now(UTC),
        "revoked_manually": False,
        "replaces": replaces.id if replaces is not None else None,
    }
    certificate["code"] = sign_certificate_code(
        signing.key,
        ceremony_id=registration.ceremony_id,
        certificate_id=certificate["id"],
        kind=due.kind,
        result=due.result,
        name=name,
    )
    session.execute(certificates.insert().values(**certificate))
    if replaces is not None:
        session.execute(
            certificates.update()
            .where(certificates.c.id == replaces.id)
            .values(replaced_by=certificate["id"])
        )
    publish_event(session, outbox, "certificate.issued", _event_data(certificate), PRODUCER)
    log.info(
        "issued certificate %s (%s) for registration %s",
        certificate["id"],
        due.kind,
        registration.id,
    )
    return certificate


def revoke_certificate(
    session: Session, certificate, *, reason: str, manually: bool = False
) -> None:
    """Revoke one issued certificate for ``reason``, and publish it."""
    session.execute(
        certificates.update()
        .where(certificates.c.id == certificate.id)
        .values(
            status="revoked", revoked_at=datetime.now(UTC), reason=reason, revoked_manually=manually
        )
    )
    # An erased holder's certificate has no name left to tell anyone: nobody is written to.
    if certificate.name is not None:
        data = {**_event_data(certificate._mapping), "reason": reason}
        publish_event(session, outbox, "certificate.revoked", data, PRODUCER)
    log.info("revoked certificate %s (%s)", certificate.id, reason)


def revoke(
    session: Session, certificate_id: uuid.UUID, *, reason: str | None = None, actor: dict
) -> Any:
    """An organiser revokes a certificate; ``already_revoked`` if it was. Returns its row."""
    certificate = certificate_row(session, certificate_id, lock=True)
    if certificate.status != "issued":
        raise DomainError("already_revoked", "This certificate was revoked already.")
    revoke_certificate(session, certificate, reason=reason or REVOKED_BY_ORGANISER, manually=True)
    record(
        session,
        audit,
        actor,
        "certificate.revoked",
        "certificate",
        certificate_id,
        ceremony_id=certificate.ceremony_id,
        after={"reason": reason or REVOKED_BY_ORGANISER},
    )
    return certificate_row(session, certificate_id)


def erase_holder_names(session: Session, which) -> None:
    """Forget the names on the certificates ``which`` selects; their digests stay, so each
    still verifies, and a paper's name can still be checked against it."""
    session.execute(certificates.update().where(which).values(name=None, name_latin=None))


def certificate_row(session: Session, certificate_id: uuid.UUID, *, lock: bool = False):
    """One certificate's row, or ``certificate_not_found``."""
    query = select(certificates).where(certificates.c.id == certificate_id)
    row = session.execute(query.with_for_update() if lock else query).first()
    if row is None:
        raise not_found("certificate", certificate_id)
    return row


def _event_data(certificate) -> dict[str, Any]:
    return {
        "certificate_id": certificate["id"],
        "ceremony_id": certificate["ceremony_id"],
        "registration_id": certificate["registration_id"],
        "kind": certificate["kind"],
        "result": certificate["result"],
        "code": certificate["code"],
        "name": certificate["name"],
        "replaces": certificate["replaces"],
        "reason": None,
    }
