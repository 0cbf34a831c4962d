"""The graduation roll: the confirmed participants of a ceremony in the order they are called,
each with what the master of ceremonies reads and the certificate they hold."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.graduation import GRADUATE_CATEGORY, roll_order
from shared.protocol import name_of

from ..ceremonies import get_ceremony
from ..models import Course, Graduation, Registration
from .results import certificates_of

#: What each graduate of the roll carries (the printed roll and name cards read these).
ROLL_KEYS = (
    "position",
    "registration_id",
    "full_name",
    "honorific",
    "given_name",
    "family_name",
    "family_first",
    "name_latin",
    "job_title",
    "group",
    "result",
    "phonetic",
    "appreciation",
    "precedence",
    "organisation",
    "language",
    "certificate",
)


def roll_mode(session: Session, ceremony_id: uuid.UUID) -> tuple[str, list[str]]:
    """How the roll is called, and the order by hand (alphabetical without a course)."""
    course = session.get(Course, ceremony_id)
    if course is None:
        return "family_name", []
    return course.roll_order, list(course.hand_order or [])


def roll(session: Session, ceremony_id: uuid.UUID) -> list[dict[str, Any]]:
    """The confirmed participants in the order they are called (``shared.graduation.
    roll_order``), numbered from 1; each a mapping of ``ROLL_KEYS``."""
    get_ceremony(session, ceremony_id)
    mode, hand_order = roll_mode(session, ceremony_id)
    rows = session.execute(
        select(Registration, Graduation)
        .outerjoin(Graduation, Graduation.registration_id == Registration.id)
        .where(
            Registration.ceremony_id == ceremony_id,
            Registration.status == "confirmed",
            Registration.category == GRADUATE_CATEGORY,
            Registration.erased_at.is_(None),
        )
    ).all()
    certificates = certificates_of(session, [registration.id for registration, _ in rows])
    graduates = {
        str(registration.id): _entry(registration, graduation, certificates.get(registration.id))
        for registration, graduation in rows
    }
    ordered = roll_order([_sort_fields(g) for g in graduates.values()], mode, hand_order)
    return [
        {**graduates[str(item["registration_id"])], "position": position}
        for position, item in enumerate(ordered, start=1)
    ]


def _entry(registration: Registration, graduation: Graduation | None, certificates) -> dict:
    return {
        "registration_id": registration.id,
        "full_name": registration.full_name,
        "honorific": registration.honorific,
        "given_name": registration.given_name,
        "family_name": registration.family_name,
        "family_first": bool(registration.family_first),
        "name_latin": registration.name_latin,
        "job_title": registration.job_title,
        "group": graduation.group if graduation else None,
        "result": graduation.result if graduation else None,
        "phonetic": graduation.phonetic if graduation else None,
        "appreciation": bool(graduation.appreciation) if graduation else False,
        "precedence": registration.precedence,
        "organisation": registration.organisation,
        "language": registration.language,
        "certificate": _summary(certificates[0]) if certificates else None,
    }


def _sort_fields(graduate: dict[str, Any]) -> dict[str, Any]:
    """What the order reads: the family name as the protocol table splits a whole name, so
    that "Kovács Anna", written family name first, sorts under K."""
    return {
        "registration_id": graduate["registration_id"],
        "full_name": graduate["full_name"],
        "family_name": name_of(graduate).family,
        "precedence": graduate["precedence"],
        "group": graduate["group"],
    }


def _summary(certificate: dict[str, Any]) -> dict[str, Any]:
    return {key: certificate[key] for key in ("id", "kind", "status", "code", "issued_at")}
