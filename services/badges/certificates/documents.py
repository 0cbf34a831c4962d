"""Certificates as documents: what the renderer prints for one, and the hand-over run.

The hand-over PDF follows the order graduates are called in (``shared.graduation.roll_order``
with the course's order and the graduates' groups and precedence), so the certificates come off
the pile in the order they are given; certificates of appreciation follow, by family name.
"""

from __future__ import annotations

import uuid
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.content import ceremony_words
from shared.errors import DomainError
from shared.graduation import course_title, roll_order

from ..models import certificates, graduates, registrations
from ..printing.certificate_document import CertificateDocument, Organisation, Signatory
from ..projections import known_ceremony
from .projection import Course, course_of


def verify_url(public_url: str, code: str) -> str:
    """The public page that verifies a certificate's code: what its QR code opens."""
    return f"{public_url.rstrip('/')}/verify/{code}"


def _course(session: Session, ceremony_id: uuid.UUID) -> Course:
    course = course_of(session, ceremony_id)
    if course is None:
        message = "This ceremony has no course: its certificates cannot be printed."
        raise DomainError("course_not_found", message, errors={"course": [message]})
    return course


def certificate_document(
    session: Session, certificate, public_url: str, *, course: Course | None = None
) -> CertificateDocument:
    """What one certificate prints; refuses revoked ones and those whose holder was erased."""
    if certificate.status != "issued":
        raise DomainError("certificate_revoked", "This certificate was revoked; it is not printed.")
    if certificate.name is None:
        raise DomainError(
            "holder_erased",
            "The holder's name is no longer kept: this certificate cannot be printed again.",
            kind="gone",
        )
    course = course or _course(session, certificate.ceremony_id)
    ceremony = known_ceremony(session, certificate.ceremony_id)
    words = ceremony_words(
        title=ceremony.title,
        venue_name=ceremony.venue_name,
        venue_address=None,
        programme=[],
        default_language=ceremony.default_language,
        translations=ceremony.translations,
        language=certificate.language,
    )
    return CertificateDocument(
        kind=certificate.kind,
        language=certificate.language,
        name=certificate.name,
        name_latin=certificate.name_latin,
        result=certificate.result,
        course_title=course_title(course.words(), certificate.language),
        starts_on=course.starts_on,
        ends_on=course.ends_on,
        hours=course.hours,
        organisations=tuple(Organisation(name, logo) for name, logo in course.organisations),
        signatories=tuple(
            Signatory(name, title, signature) for name, title, signature in course.signatories
        ),
        issued_on=certificate.issued_at.astimezone(ZoneInfo(ceremony.timezone)).date(),
        certificate_id=certificate.id,
        verify_url=verify_url(public_url, certificate.code),
        ceremony_title=words.title,
        place=words.venue_name,
    )


_HOLDERS = (
    select(
        certificates,
        registrations.c.family_name,
        registrations.c.precedence,
        graduates.c.group,
    )
    .outerjoin(registrations, registrations.c.id == certificates.c.registration_id)
    .outerjoin(graduates, graduates.c.registration_id == certificates.c.registration_id)
)


def handover_documents(
    session: Session, ceremony_id: uuid.UUID, public_url: str
) -> list[CertificateDocument]:
    """Every issued certificate of a ceremony in hand-over order; ``nothing_to_print`` if none."""
    known_ceremony(session, ceremony_id)
    rows = list(
        session.execute(
            _HOLDERS.where(
                certificates.c.ceremony_id == ceremony_id,
                certificates.c.status == "issued",
                certificates.c.name.is_not(None),
            )
        )
    )
    if not rows:
        raise DomainError(
            "nothing_to_print", "No certificate of this ceremony is issued.", kind="not_found"
        )
    course = _course(session, ceremony_id)
    by_registration = {}
    for row in rows:
        by_registration.setdefault(row.kind == "appreciation", {})[row.registration_id] = row
    ordered = []
    for appreciation in (False, True):
        holders = by_registration.get(appreciation, {})
        people = [
            {
                "registration_id": row.registration_id,
                "full_name": row.name,
                "family_name": row.family_name,
                "precedence": row.precedence,
                "group": row.group,
            }
            for row in holders.values()
        ]
        mode = "family_name" if appreciation else course.roll_order
        for person in roll_order(people, mode, course.hand_order):
            ordered.append(holders[person["registration_id"]])
    return [certificate_document(session, row, public_url, course=course) for row in ordered]
