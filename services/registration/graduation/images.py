"""The course's images: each signatory's signature and each organisation's logo.

Whatever is uploaded is re-encoded as a small PNG (``shared.graduation.normalise_image``)
before it is kept, so that a certificate never draws what was sent as it was sent.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.errors import DomainError
from shared.graduation import LOGO_MAX_SIDE, SIGNATURE_MAX_SIDE, ImageError, normalise_image

from ..ceremonies import lock_ceremony
from ..models import CourseImage, audit
from .course import announce_course, get_course, require_course

#: Each kind of image: the course's list it belongs to, and its longest side once kept.
IMAGE_KINDS = {
    "signature": ("signatories", SIGNATURE_MAX_SIDE),
    "logo": ("organisations", LOGO_MAX_SIDE),
}
#: The code of the error for an image over the size or pixel limits (the API answers 413).
TOO_LARGE = "image_too_large"


def set_image(
    session: Session,
    ceremony_id: uuid.UUID,
    kind: str,
    index: int,
    raw: bytes,
    actor: dict = SYSTEM,
) -> dict:
    """Keep ``raw`` as the signature (or logo) at ``index``; a 422 naming ``kind`` for what is
    not an image, ``image_too_large`` for one too large, 404 for no such position."""
    ceremony = lock_ceremony(session, ceremony_id)
    course = _course_with_position(session, ceremony_id, kind, index)
    _, max_side = IMAGE_KINDS[kind]
    try:
        png = normalise_image(raw, max_side=max_side)
    except ImageError as exc:
        code = TOO_LARGE if exc.reason == "too_large" else "not_an_image"
        raise DomainError(code, str(exc), kind="invalid", errors={kind: [str(exc)]}) from None
    image = _image(session, ceremony_id, kind, index)
    if image is None:
        image = CourseImage(id=uuid.uuid4(), ceremony_id=ceremony_id, kind=kind, position=index)
        session.add(image)
    image.png = png
    image.updated_at = datetime.now(UTC)
    announce_course(session, ceremony, course)
    record(
        session,
        audit,
        actor,
        f"course.{kind}_set",
        "course",
        ceremony_id,
        ceremony_id=ceremony_id,
        after={"position": index, "bytes": len(png)},
    )
    return get_course(session, ceremony_id)


def remove_image(
    session: Session, ceremony_id: uuid.UUID, kind: str, index: int, actor: dict = SYSTEM
) -> dict:
    """Remove the signature (or logo) at ``index``; 404 when there is none."""
    ceremony = lock_ceremony(session, ceremony_id)
    course = _course_with_position(session, ceremony_id, kind, index)
    image = _image(session, ceremony_id, kind, index)
    if image is None:
        raise _no_image(kind, index)
    session.delete(image)
    session.flush()
    announce_course(session, ceremony, course)
    record(
        session,
        audit,
        actor,
        f"course.{kind}_removed",
        "course",
        ceremony_id,
        ceremony_id=ceremony_id,
        before={"position": index},
    )
    return get_course(session, ceremony_id)


def image_of(session: Session, ceremony_id: uuid.UUID, kind: str, index: int) -> bytes:
    """The PNG of the signature (or logo) at ``index``; 404 when there is none."""
    _course_with_position(session, ceremony_id, kind, index)
    image = _image(session, ceremony_id, kind, index)
    if image is None:
        raise _no_image(kind, index)
    return image.png


def _course_with_position(session: Session, ceremony_id: uuid.UUID, kind: str, index: int):
    if kind not in IMAGE_KINDS:
        raise ValueError(f"no image kind {kind!r}")
    course = require_course(session, ceremony_id)
    listed, _ = IMAGE_KINDS[kind]
    if not 0 <= index < len(getattr(course, listed)):
        holder = "signatory" if kind == "signature" else "organisation"
        raise DomainError(
            f"{holder}_not_found",
            f"The course has no {holder} at position {index} (counted from 0).",
            kind="not_found",
        )
    return course


def _image(session: Session, ceremony_id: uuid.UUID, kind: str, index: int) -> CourseImage | None:
    return session.scalar(
        select(CourseImage).where(
            CourseImage.ceremony_id == ceremony_id,
            CourseImage.kind == kind,
            CourseImage.position == index,
        )
    )


def _no_image(kind: str, index: int) -> DomainError:
    return DomainError(
        f"{kind}_not_found", f"There is no {kind} at position {index}.", kind="not_found"
    )
