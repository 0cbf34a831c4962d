"""Is this certificate genuine? The answer the public verification page and API give.

A code is checked as an offline verifier would (its layout, the key it names, that key being
its ceremony's, the signature), then looked up: a genuine signature on a certificate this
service does not hold is not genuine either. The answer says what the certificate is for and
to whom, unless its holder was erased; the name on a paper can still be checked against the
digest the code carries (``names_match``).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.graduation import course_title, name_digest

from ..models import ceremonies, ceremony_keys, certificates
from ..signing.certificates import (
    DIGEST_BYTES,
    InvalidCertificateCode,
    parse_certificate_code,
    signature_valid,
)
from .projection import course_of

GENUINE = "genuine"
REVOKED = "revoked"
NOT_GENUINE = "not_genuine"


@dataclass(frozen=True)
class Verification:
    """What a verifier learns of a code: ``status``, and for a known certificate its details."""

    status: str
    #: Why a code is not genuine: malformed, badge_code, unknown_key, wrong_ceremony,
    #: bad_signature, unknown_certificate.
    reason: str | None = None
    certificate_id: uuid.UUID | None = None
    ceremony_id: uuid.UUID | None = None
    kid: str | None = None
    kind: str | None = None
    result: str | None = None
    #: None once the holder was erased.
    name: str | None = None
    name_latin: str | None = None
    #: The first 18 bytes of the printed name's SHA-256, as the code carries them (hex).
    name_digest_hex: str | None = None
    language: str | None = None
    course_title: str | None = None
    course_title_en: str | None = None
    starts_on: date | None = None
    ends_on: date | None = None
    hours: Decimal | None = None
    organisations: tuple[str, ...] = ()
    ceremony_title: str | None = None
    issued_at: datetime | None = None
    revoked_at: datetime | None = None
    revoke_reason: str | None = None
    replaced_by: uuid.UUID | None = None

    @property
    def genuine(self) -> bool:
        """Signed by its ceremony and still standing."""
        return self.status == GENUINE

    @property
    def name_erased(self) -> bool:
        """A known certificate whose holder's name is no longer kept."""
        return self.certificate_id is not None and self.name is None


def names_match(verification: Verification, name: str) -> bool:
    """Whether ``name`` (as printed on a paper) is the name the verified code was signed for."""
    if verification.name_digest_hex is None:
        return False
    return name_digest(name)[:DIGEST_BYTES].hex() == verification.name_digest_hex


def _not_genuine(reason: str, **known) -> Verification:
    return Verification(status=NOT_GENUINE, reason=reason, **known)


def verify(session: Session, code: str) -> Verification:
    """Verify a certificate code against the ceremony keys and certificates held here."""
    try:
        parsed = parse_certificate_code(code)
    except InvalidCertificateCode as exc:
        return _not_genuine("badge_code" if exc.reason == "badge_code" else "malformed")
    known = {"ceremony_id": parsed.ceremony_id, "kid": parsed.kid}
    key = session.execute(
        select(ceremony_keys.c.ceremony_id, ceremony_keys.c.public_key).where(
            ceremony_keys.c.kid == parsed.kid
        )
    ).first()
    if key is None:
        return _not_genuine("unknown_key", **known)
    if key.ceremony_id != parsed.ceremony_id:
        return _not_genuine("wrong_ceremony", **known)
    if not signature_valid(parsed, Ed25519PublicKey.from_public_bytes(key.public_key)):
        return _not_genuine("bad_signature", **known)
    certificate = session.execute(
        select(certificates).where(certificates.c.id == parsed.certificate_id)
    ).first()
    if certificate is None or certificate.ceremony_id != parsed.ceremony_id:
        return _not_genuine("unknown_certificate", **known)
    course = course_of(session, certificate.ceremony_id)
    ceremony_title = session.execute(
        select(ceremonies.c.title).where(ceremonies.c.id == certificate.ceremony_id)
    ).scalar_one_or_none()
    return Verification(
        status=GENUINE if certificate.status == "issued" else REVOKED,
        certificate_id=certificate.id,
        ceremony_id=certificate.ceremony_id,
        kid=parsed.kid,
        kind=parsed.kind,
        result=parsed.result,
        name=certificate.name,
        name_latin=certificate.name_latin if certificate.name is not None else None,
        name_digest_hex=parsed.name_digest_hex,
        language=certificate.language,
        course_title=course_title(course.words(), certificate.language) if course else None,
        course_title_en=course_title(course.words(), "en") if course else None,
        starts_on=course.starts_on if course else None,
        ends_on=course.ends_on if course else None,
        hours=course.hours if course else None,
        organisations=tuple(name for name, _ in course.organisations) if course else (),
        ceremony_title=ceremony_title,
        issued_at=certificate.issued_at,
        revoked_at=certificate.revoked_at,
        revoke_reason=certificate.reason,
        replaced_by=certificate.replaced_by,
    )
