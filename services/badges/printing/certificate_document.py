"""What a certificate shows: everything the renderer needs, gathered by the issuing code."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class Organisation:
    """An issuing organisation; its logo (PNG) heads the certificate."""

    name: str
    logo_png: bytes | None = None


@dataclass(frozen=True)
class Signatory:
    """Who signs: "Dr Amina Diallo", "Director General", and the uploaded signature (PNG)."""

    name: str
    title: str = ""
    signature_png: bytes | None = None


@dataclass(frozen=True)
class CertificateDocument:
    """One certificate of one person, in their language."""

    #: ``completion``, ``attendance`` or ``appreciation`` (``shared.graduation.CERTIFICATE_KINDS``).
    kind: str
    #: One of the suite's six languages; the words, dates and direction follow it.
    language: str
    #: The name as on the roll; the signed code carries its digest (``name_digest``).
    name: str
    #: A Latin transliteration of a name in another script, printed small under it.
    name_latin: str | None
    #: The graduate's result (``distinction`` is said on the certificate); none for appreciation.
    result: str | None
    course_title: str
    starts_on: date
    ends_on: date
    hours: Decimal
    organisations: tuple[Organisation, ...]
    signatories: tuple[Signatory, ...]
    #: The day it was issued, in the ceremony's time zone.
    issued_on: date
    certificate_id: uuid.UUID
    #: What the QR code holds: the public verification page of this certificate's code.
    verify_url: str
    ceremony_title: str
    #: Where it was given (the venue's name), printed beside the date.
    place: str | None = None
