"""The graduation as the badges tests feed it: a course, graduates with results, a release."""

from __future__ import annotations

import io
import itertools
import json
import uuid
from datetime import date
from decimal import Decimal

from PIL import Image
from sqlalchemy import select

from services.badges.certificates.release import release
from services.badges.models import certificates, outbox
from services.badges.signing.keys import KeyRing
from shared.audit import SYSTEM
from shared.events import make_envelope
from shared.graduation import LOGO_MAX_SIDE, image_b64, normalise_image
from tests.conftest import SECRET

_revisions = itertools.count(1)


def png(colour: str = "navy", size: tuple[int, int] = (120, 60)) -> str:
    """A small image as the base64 PNG ``course.updated`` carries."""
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, format="PNG")
    return image_b64(normalise_image(out.getvalue(), max_side=LOGO_MAX_SIDE))


def course(**overrides) -> dict:
    """A valid course: six weeks, two organisations, two signatories."""
    data = {
        "title": "Senior Officers' Course",
        "starts_on": date(2031, 5, 12),
        "ends_on": date(2031, 6, 20),
        "hours": Decimal("240.0"),
        "organisations": [
            {"name": "Institute for Peace Operations", "logo": png("navy")},
            {"name": "Ministry of Foreign Affairs", "logo": None},
        ],
        "signatories": [
            {"name": "Dr Amina Diallo", "title": "Director General", "signature": png("black")},
            {"name": "Li Wei", "title": "Course Director", "signature": None},
        ],
        "translations": {"fr": {"title": "Cours des officiers supérieurs"}},
        "roll_order": "family_name",
        "hand_order": [],
    }
    data.update(overrides)
    return data


def course_envelope(ceremony_id: uuid.UUID, revision: int | None = None, **overrides) -> dict:
    """A ``course.updated`` envelope; ``course=None`` removes the course."""
    body = overrides.pop("course") if "course" in overrides else course(**overrides)
    data = {
        "ceremony_id": ceremony_id,
        "course": body,
        "revision": next(_revisions) if revision is None else revision,
    }
    return make_envelope("course.updated", data, "registration")


def graduate_envelope(
    ceremony_id: uuid.UUID, registration_id: uuid.UUID, result=None, revision=None, **fields
) -> dict:
    """A ``graduate.updated`` envelope giving ``result``."""
    data = {
        "ceremony_id": ceremony_id,
        "registration_id": registration_id,
        "result": result,
        "group": None,
        "phonetic": None,
        "appreciation": False,
        "revision": next(_revisions) if revision is None else revision,
        **fields,
    }
    return make_envelope("graduate.updated", data, "registration")


def graduate(feed, ceremony_id, result, full_name="Amina Diallo", **fields) -> uuid.UUID:
    """A confirmed participant with ``result``; returns the registration's id."""
    graduate_fields = {k: fields.pop(k) for k in ("group", "appreciation") if k in fields}
    registration_id = feed.confirm(
        ceremony_id, full_name=full_name, category=fields.pop("category", "participant"), **fields
    )
    feed.deliver(graduate_envelope(ceremony_id, registration_id, result, **graduate_fields))
    return registration_id


def release_now(database, ceremony_id, **options) -> dict:
    """Release the ceremony's certificates as an organiser would, in one transaction."""
    with database.transaction() as session:
        return release(session, ceremony_id, actor=SYSTEM, keys=KeyRing(SECRET), **options)


def held(database, registration_id) -> list:
    """The registration's certificates, oldest first."""
    with database.transaction() as session:
        return list(
            session.execute(
                select(certificates)
                .where(certificates.c.registration_id == registration_id)
                .order_by(certificates.c.issued_at, certificates.c.id)
            )
        )


def events(database, event_type: str) -> list[dict]:
    """The data of every ``event_type`` event in the outbox, in order."""
    with database.transaction() as session:
        rows = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        )
        return [json.loads(row.body)["data"] for row in rows]
