"""A ceremony's course: its title, dates and hours, who issues and signs its certificates, and
how its roll is called.

Every change is one transaction with its audit entry and a ``course.updated`` event carrying
the whole course, its images included, with a revision that only grows (kept on the ceremony,
so that a course removed and set again carries on from where it was).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from marshmallow import ValidationError, fields, validate
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.errors import DomainError
from shared.graduation import (
    MAX_ORGANISATIONS,
    MAX_SIGNATORIES,
    ROLL_ORDERS,
    CourseSchema,
    CourseWordsSchema,
    OrganisationSchema,
    SignatorySchema,
    image_b64,
)
from shared.outbox import publish_event

from ..ceremonies import get_ceremony, lock_ceremony
from ..models import Ceremony, Course, CourseImage, Registration, audit, outbox
from ..registration_events import SOURCE

#: A language tag the course's title may be translated into ("fr", "zh-Hant").
_LANGUAGE_TAG = validate.Regexp(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$", error="Not a language tag.")


class CourseInputSchema(CourseSchema):
    """A course as an organiser gives it: images come through their own uploads, not here."""

    #: A number (or a numeric string) in the API; the contract's decimal string is for events.
    hours = fields.Float(required=True, allow_nan=False, validate=validate.Range(min=0, max=10000))
    organisations = fields.List(
        fields.Nested(OrganisationSchema(exclude=("logo",))),
        load_default=list,
        validate=validate.Length(max=MAX_ORGANISATIONS),
    )
    signatories = fields.List(
        fields.Nested(SignatorySchema(exclude=("signature",))),
        load_default=list,
        validate=validate.Length(max=MAX_SIGNATORIES),
    )
    translations = fields.Dict(
        keys=fields.String(validate=[validate.Length(min=2, max=35), _LANGUAGE_TAG]),
        values=fields.Nested(CourseWordsSchema),
        load_default=dict,
        validate=validate.Length(max=10),
    )


_INPUT = CourseInputSchema()


def load_course(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` (JSON or form values) checked as a course; a 422 ``validation_error`` names
    the fields at fault."""
    try:
        return _INPUT.load(data)
    except ValidationError as exc:
        raise DomainError(
            "validation_error", "The course is not valid.", kind="invalid", errors=exc.messages_dict
        ) from None


def get_course(
    session: Session, ceremony_id: uuid.UUID, *, images: bool = False
) -> dict[str, Any] | None:
    """The ceremony's course (None without one): organisations with ``has_logo``,
    signatories with ``has_signature``, and with ``images`` their PNG bytes too."""
    course = session.get(Course, ceremony_id)
    if course is None:
        return None
    ceremony = session.get(Ceremony, ceremony_id)
    stored = _images(session, ceremony_id)
    organisations = []
    for index, organisation in enumerate(course.organisations):
        logo = stored.get(("logo", index))
        entry = {"name": organisation["name"], "has_logo": logo is not None}
        organisations.append({**entry, "logo": logo} if images else entry)
    signatories = []
    for index, signatory in enumerate(course.signatories):
        signature = stored.get(("signature", index))
        entry = {
            "name": signatory["name"],
            "title": signatory.get("title"),
            "has_signature": signature is not None,
        }
        signatories.append({**entry, "signature": signature} if images else entry)
    return {
        "ceremony_id": course.ceremony_id,
        "title": course.title,
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "hours": Decimal(course.hours_tenths) / 10,
        "translations": dict(course.translations or {}),
        "organisations": organisations,
        "signatories": signatories,
        "roll_order": course.roll_order,
        "hand_order": list(course.hand_order or []),
        "revision": ceremony.course_revision,
        "updated_at": course.updated_at,
    }


def require_course(session: Session, ceremony_id: uuid.UUID) -> Course:
    """The ceremony's course row, or a 404 ``course_not_found``."""
    get_ceremony(session, ceremony_id)
    course = session.get(Course, ceremony_id)
    if course is None:
        raise DomainError("course_not_found", "This ceremony has no course yet.", kind="not_found")
    return course


def set_course(
    session: Session, ceremony_id: uuid.UUID, data: dict[str, Any], actor: dict = SYSTEM
) -> dict[str, Any]:
    """Set the course (``load_course`` data); each signature and logo follows its signatory
    or organisation by name (``moved_images``), and those of the entries gone are deleted."""
    ceremony = lock_ceremony(session, ceremony_id)
    hand_order = checked_hand_order(session, ceremony_id, data.get("hand_order") or [])
    course = session.get(Course, ceremony_id)
    before = _audited(course)
    named_before = {
        "logo": [o["name"] for o in (course.organisations if course else None) or []],
        "signature": [s["name"] for s in (course.signatories if course else None) or []],
    }
    if course is None:
        course = Course(ceremony_id=ceremony_id)
        session.add(course)
    course.title = " ".join(data["title"].split())
    course.starts_on = data["starts_on"]
    course.ends_on = data["ends_on"]
    course.hours_tenths = int((Decimal(str(data["hours"])) * 10).to_integral_value())
    course.translations = {
        tag.lower(): {"title": " ".join(words["title"].split())}
        for tag, words in (data.get("translations") or {}).items()
    }
    course.organisations = [
        {"name": " ".join(o["name"].split())} for o in data.get("organisations") or []
    ]
    course.signatories = [
        {"name": " ".join(s["name"].split()), "title": " ".join((s.get("title") or "").split())}
        for s in data.get("signatories") or []
    ]
    course.roll_order = data.get("roll_order") or "family_name"
    course.hand_order = hand_order
    named_after = {
        "logo": [o["name"] for o in course.organisations],
        "signature": [s["name"] for s in course.signatories],
    }
    for kind, names in named_before.items():
        _move_images(session, ceremony_id, kind, moved_images(names, named_after[kind]))
    announce_course(session, ceremony, course)
    record(
        session,
        audit,
        actor,
        "course.set",
        "course",
        ceremony_id,
        ceremony_id=ceremony_id,
        before=before,
        after=_audited(course),
    )
    return get_course(session, ceremony_id)


def remove_course(session: Session, ceremony_id: uuid.UUID, actor: dict = SYSTEM) -> None:
    """Remove the course and its images; ``course.updated`` says so with no course."""
    ceremony = lock_ceremony(session, ceremony_id)
    course = require_course(session, ceremony_id)
    before = _audited(course)
    session.execute(delete(CourseImage).where(CourseImage.ceremony_id == ceremony_id))
    session.delete(course)
    session.flush()
    announce_course(session, ceremony, None)
    record(
        session,
        audit,
        actor,
        "course.removed",
        "course",
        ceremony_id,
        ceremony_id=ceremony_id,
        before=before,
    )


def set_roll_order(
    session: Session,
    ceremony_id: uuid.UUID,
    order: str,
    hand_order: list | None = None,
    actor: dict = SYSTEM,
) -> dict[str, Any]:
    """Set how the roll is called (``hand_order`` None: kept as it was); a 409
    ``course_not_found`` without a course, which this does not create."""
    ceremony = lock_ceremony(session, ceremony_id)
    course = session.get(Course, ceremony_id)
    if course is None:
        raise DomainError(
            "course_not_found", "Set the course before the order of its roll.", kind="conflict"
        )
    if order not in ROLL_ORDERS:
        raise DomainError(
            "validation_error",
            "The order of the roll is not one of the list.",
            kind="invalid",
            errors={"order": [f"Must be one of: {', '.join(ROLL_ORDERS)}."]},
        )
    before = {"roll_order": course.roll_order, "hand_order": len(course.hand_order or [])}
    course.roll_order = order
    if hand_order is not None:
        course.hand_order = checked_hand_order(session, ceremony_id, hand_order)
    announce_course(session, ceremony, course)
    record(
        session,
        audit,
        actor,
        "roll.order_set",
        "course",
        ceremony_id,
        ceremony_id=ceremony_id,
        before=before,
        after={"roll_order": course.roll_order, "hand_order": len(course.hand_order)},
    )
    return get_course(session, ceremony_id)


def checked_hand_order(session: Session, ceremony_id: uuid.UUID, ids: list) -> list[str]:
    """The ids as text, each once and each a registration of this ceremony; else a 422
    naming ``hand_order`` and the positions at fault."""
    problems: dict[str, list[str]] = {}
    first: dict[str, int] = {}
    texts = []
    for index, given in enumerate(ids):
        try:
            ident = str(uuid.UUID(str(given)))
        except ValueError:
            problems[str(index)] = ["Not a valid UUID."]
            continue
        texts.append(ident)
        if ident in first:
            problems[str(index)] = [f"Listed already at position {first[ident]}."]
        else:
            first[ident] = index
    if first:
        known = {
            str(ident)
            for ident in session.scalars(
                select(Registration.id).where(
                    Registration.ceremony_id == ceremony_id,
                    Registration.id.in_([uuid.UUID(ident) for ident in first]),
                )
            )
        }
        for ident, index in first.items():
            if ident not in known:
                problems[str(index)] = ["Not a registration of this ceremony."]
    if problems:
        raise DomainError(
            "validation_error",
            "The order by hand names people who are not registered, or names one twice.",
            kind="invalid",
            errors={"hand_order": dict(sorted(problems.items(), key=lambda item: int(item[0])))},
        )
    return texts


def course_data(session: Session, ceremony: Ceremony, course: Course | None) -> dict[str, Any]:
    """The course as ``course.updated`` carries it (images as base64 PNG)."""
    if course is None:
        return {"ceremony_id": ceremony.id, "course": None, "revision": ceremony.course_revision}
    stored = _images(session, ceremony.id)
    return {
        "ceremony_id": ceremony.id,
        "revision": ceremony.course_revision,
        "course": {
            "title": course.title,
            "starts_on": course.starts_on,
            "ends_on": course.ends_on,
            "hours": Decimal(course.hours_tenths) / 10,
            "translations": course.translations or {},
            "organisations": [
                {"name": o["name"], "logo": _b64(stored.get(("logo", index)))}
                for index, o in enumerate(course.organisations)
            ],
            "signatories": [
                {
                    "name": s["name"],
                    "title": s.get("title") or None,
                    "signature": _b64(stored.get(("signature", index))),
                }
                for index, s in enumerate(course.signatories)
            ],
            "roll_order": course.roll_order,
            "hand_order": list(course.hand_order or []),
        },
    }


def announce_course(session: Session, ceremony: Ceremony, course: Course | None) -> None:
    """Write ``course.updated`` with the next revision to the outbox."""
    ceremony.course_revision = (ceremony.course_revision or 0) + 1
    if course is not None:
        course.updated_at = datetime.now(UTC)
    session.flush()
    publish_event(session, outbox, "course.updated", course_data(session, ceremony, course), SOURCE)


def moved_images(before: list[str], after: list[str]) -> dict[int, int]:
    """Where the image of each position of ``before`` goes in ``after``: to the entry of the
    same name (a signatory removed above another, or the list reordered, does not hand their
    signature to someone else), else to its own position if the name there is new (a name
    corrected in place keeps its signature). A position not in the answer loses its image."""
    old = [_name_key(name) for name in before]
    new = [_name_key(name) for name in after]
    moves: dict[int, int] = {}
    taken: set[int] = set()
    for position, name in enumerate(old):
        if position < len(new) and new[position] == name:
            moves[position] = position
            taken.add(position)
    for position, name in enumerate(old):
        if position in moves:
            continue
        found = next((j for j, other in enumerate(new) if other == name and j not in taken), None)
        if found is not None:
            moves[position] = found
            taken.add(found)
    known = set(old)
    for position in range(min(len(old), len(new))):
        if position not in moves and position not in taken and new[position] not in known:
            moves[position] = position
            taken.add(position)
    return moves


def _name_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _move_images(
    session: Session, ceremony_id: uuid.UUID, kind: str, moves: dict[int, int]
) -> None:
    """Give each image of ``kind`` its new position (``moved_images``); delete the others."""
    rows = list(
        session.scalars(
            select(CourseImage).where(
                CourseImage.ceremony_id == ceremony_id, CourseImage.kind == kind
            )
        )
    )
    moving = []
    for row in rows:
        if row.position not in moves:
            session.delete(row)
        elif moves[row.position] != row.position:
            moving.append(row)
    if not moving:
        return
    session.flush()
    # Through positions no entry has, so that two images changing places never meet.
    for row in moving:
        row.position = -1 - moves[row.position]
    session.flush()
    for row in moving:
        row.position = -1 - row.position
    session.flush()


def _images(session: Session, ceremony_id: uuid.UUID) -> dict[tuple[str, int], bytes]:
    rows = session.scalars(select(CourseImage).where(CourseImage.ceremony_id == ceremony_id))
    return {(row.kind, row.position): row.png for row in rows}


def _b64(png: bytes | None) -> str | None:
    return image_b64(png) if png else None


def _audited(course: Course | None) -> dict[str, Any] | None:
    """What the trail keeps of a course: no signatory's name."""
    if course is None:
        return None
    return {
        "title": course.title,
        "starts_on": course.starts_on,
        "ends_on": course.ends_on,
        "hours": str(Decimal(course.hours_tenths) / 10),
        "organisations": len(course.organisations or []),
        "signatories": len(course.signatories or []),
        "roll_order": course.roll_order,
    }
