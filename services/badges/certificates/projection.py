"""The course and its graduates as badges keeps them from the bus.

Both events carry a revision that grows with every change; a consumer keeps the highest it has
seen, so a retried older event changes nothing. A course's logos and signatures arrive as base64
PNG and are kept as bytes, ready for the printer.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.events import Event
from shared.graduation import image_bytes

from ..models import course_images, courses, graduates


@dataclass(frozen=True)
class Course:
    """A ceremony's course, with its images as PNG bytes."""

    ceremony_id: uuid.UUID
    title: str
    starts_on: date
    ends_on: date
    hours: Decimal
    #: [(name, logo PNG or None)] in the course's order.
    organisations: tuple[tuple[str, bytes | None], ...]
    #: [(name, title, signature PNG or None)].
    signatories: tuple[tuple[str, str, bytes | None], ...]
    translations: dict[str, Any]
    roll_order: str
    hand_order: tuple[str, ...]

    def words(self) -> dict[str, Any]:
        """The course as ``shared.graduation.course_title`` reads it."""
        return {"title": self.title, "translations": self.translations}


def _current_revision(session: Session, column, key_column, key) -> int | None:
    return session.execute(
        select(column).where(key_column == key).with_for_update()
    ).scalar_one_or_none()


def apply_course(session: Session, event: Event) -> bool:
    """Keep the course ``course.updated`` carries; False for an older or repeated revision."""
    data = event.data
    ceremony_id = data["ceremony_id"]
    current = _current_revision(session, courses.c.revision, courses.c.ceremony_id, ceremony_id)
    if current is not None and current >= data["revision"]:
        return False
    course = data["course"] or {}
    row = {
        "title": course.get("title"),
        "starts_on": course.get("starts_on"),
        "ends_on": course.get("ends_on"),
        "hours": str(course["hours"]) if course.get("hours") is not None else None,
        "organisations": [{"name": o["name"]} for o in course.get("organisations", [])],
        "signatories": [
            {"name": s["name"], "title": s.get("title") or ""}
            for s in course.get("signatories", [])
        ],
        "translations": {
            language: {"title": words["title"]}
            for language, words in (course.get("translations") or {}).items()
        },
        "roll_order": course.get("roll_order") or "family_name",
        "hand_order": [str(ident) for ident in course.get("hand_order", [])],
        "revision": data["revision"],
    }
    if current is None:
        session.execute(courses.insert().values(ceremony_id=ceremony_id, **row))
    else:
        session.execute(courses.update().where(courses.c.ceremony_id == ceremony_id).values(**row))
    session.execute(course_images.delete().where(course_images.c.ceremony_id == ceremony_id))
    images = [
        ("logo", position, image_bytes(o.get("logo")))
        for position, o in enumerate(course.get("organisations", []))
    ] + [
        ("signature", position, image_bytes(s.get("signature")))
        for position, s in enumerate(course.get("signatories", []))
    ]
    for role, position, png in images:
        if png is not None:
            session.execute(
                course_images.insert().values(
                    ceremony_id=ceremony_id, role=role, position=position, png=png
                )
            )
    return True


def apply_graduate(session: Session, event: Event) -> bool:
    """Keep the result and roll details ``graduate.updated`` carries; False for an older one."""
    data = event.data
    key = data["registration_id"]
    current = _current_revision(session, graduates.c.revision, graduates.c.registration_id, key)
    if current is not None and current >= data["revision"]:
        return False
    row = {
        "ceremony_id": data["ceremony_id"],
        "result": data.get("result"),
        "group": data.get("group"),
        "phonetic": data.get("phonetic"),
        "appreciation": bool(data.get("appreciation")),
        "revision": data["revision"],
    }
    if current is None:
        session.execute(graduates.insert().values(registration_id=key, **row))
    else:
        session.execute(graduates.update().where(graduates.c.registration_id == key).values(**row))
    return True


def course_of(session: Session, ceremony_id: uuid.UUID) -> Course | None:
    """The ceremony's course with its images, or None if it has none (or it was removed)."""
    row = session.execute(select(courses).where(courses.c.ceremony_id == ceremony_id)).first()
    if row is None or row.title is None:
        return None
    pngs = {
        (image.role, image.position): image.png
        for image in session.execute(
            select(course_images).where(course_images.c.ceremony_id == ceremony_id)
        )
    }
    return Course(
        ceremony_id=ceremony_id,
        title=row.title,
        starts_on=row.starts_on,
        ends_on=row.ends_on,
        hours=Decimal(row.hours),
        organisations=tuple(
            (o["name"], pngs.get(("logo", position)))
            for position, o in enumerate(row.organisations)
        ),
        signatories=tuple(
            (s["name"], s.get("title") or "", pngs.get(("signature", position)))
            for position, s in enumerate(row.signatories)
        ),
        translations=row.translations or {},
        roll_order=row.roll_order,
        hand_order=tuple(row.hand_order or ()),
    )


def graduate_of(session: Session, registration_id: uuid.UUID):
    """The registration's graduate row (result, group, appreciation), or None."""
    return session.execute(
        select(graduates).where(graduates.c.registration_id == registration_id)
    ).first()
