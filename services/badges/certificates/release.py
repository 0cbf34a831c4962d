"""Releasing a ceremony's certificates: issue what each result earns, and follow it afterwards.

The release is recorded (when, by whom, whether only to those admitted at the door); from then
on the bus handlers keep every registration's certificates in line with its result
(``issuing.reconcile``). Releasing again issues only what is missing, e.g. after graduates who
came late were admitted.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from shared.audit import record
from shared.errors import DomainError
from shared.graduation import GRADUATE_CATEGORY, certificate_kind

from ..models import audit, ceremonies, certificate_releases, graduates, registrations
from ..projections import known_ceremony
from ..signing.keys import KeyRing, key_ring
from .issuing import reconcile, release_of
from .projection import course_of


def _refused(code: str, field: str, message: str) -> DomainError:
    return DomainError(code, message, errors={field: [message]})


def release(
    session: Session,
    ceremony_id: uuid.UUID,
    *,
    only_admitted: bool = False,
    actor: dict[str, Any],
    keys: KeyRing | None = None,
) -> dict[str, Any]:
    """Release a ceremony's certificates; returns what was issued and what was skipped, why.

    Refused (409) when the ceremony has no course (``course_not_found``) or no graduate has a
    result yet (``no_results``). ``keys`` defaults to the running app's key ring.
    """
    keys = keys or key_ring()
    known_ceremony(session, ceremony_id)
    # One release of a ceremony at a time: the second waits, then finds what the first issued.
    session.execute(select(ceremonies.c.id).where(ceremonies.c.id == ceremony_id).with_for_update())
    if course_of(session, ceremony_id) is None:
        raise _refused(
            "course_not_found", "course", "This ceremony has no course: set it before releasing."
        )
    people = list(
        session.execute(
            select(registrations.c.id, registrations.c.category, graduates.c.result)
            .outerjoin(graduates, graduates.c.registration_id == registrations.c.id)
            .where(
                registrations.c.ceremony_id == ceremony_id,
                registrations.c.status == "confirmed",
                or_(
                    registrations.c.category == GRADUATE_CATEGORY,
                    graduates.c.appreciation.is_(True),
                ),
            )
            .order_by(registrations.c.id)
        )
    )
    if not any(p.category == GRADUATE_CATEGORY and p.result for p in people):
        raise _refused("no_results", "result", "No graduate has a result yet.")
    now = datetime.now(UTC)
    by = actor.get("name") or actor.get("id") or actor.get("kind")
    values = {"released_at": now, "released_by": by, "only_admitted": only_admitted}
    if release_of(session, ceremony_id) is None:
        session.execute(certificate_releases.insert().values(ceremony_id=ceremony_id, **values))
    else:
        session.execute(
            certificate_releases.update()
            .where(certificate_releases.c.ceremony_id == ceremony_id)
            .values(**values)
        )
    counts = {"issued": 0, "already_issued": 0, "revoked": 0}
    skipped: Counter[str] = Counter()
    for person in people:
        outcome = reconcile(session, keys, person.id)
        counts["issued"] += len(outcome["issued"])
        counts["already_issued"] += len(outcome["kept"])
        counts["revoked"] += len(outcome["revoked"])
        skipped.update(reason for _, reason in outcome["skipped"])
        if person.category == GRADUATE_CATEGORY and certificate_kind(person.result) is None:
            skipped["not_completed" if person.result else "no_result"] += 1
    summary = {**counts, "skipped": dict(sorted(skipped.items()))}
    record(
        session,
        audit,
        actor,
        "certificate.released",
        "ceremony",
        ceremony_id,
        ceremony_id=ceremony_id,
        after={"only_admitted": only_admitted, **summary},
    )
    return {
        "ceremony_id": ceremony_id,
        "released_at": now,
        "only_admitted": only_admitted,
        **summary,
    }
