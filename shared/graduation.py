"""The graduation's contract: the course, results, the roll's order, and certificate names.

The registration service owns the course, each graduate's result and the roll (they belong to
the ceremony); it publishes them as ``course.updated`` and ``graduate.updated``. The badges
service issues, signs and revokes the certificates (``certificate.issued``/``.revoked``);
notifications writes them to the graduates.

Images (signatures, logos) travel inside ``course.updated`` as base64 PNG: ``normalise_image``
re-encodes whatever was uploaded as a small PNG first, so an event stays well under a megabyte.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import io
import unicodedata
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from .contract import Line, Name, family_name, fold

#: A graduate's result; ``None`` (no result yet) earns nothing.
RESULTS = ("completed", "distinction", "attended", "not_completed")
CERTIFICATE_KINDS = ("completion", "attendance", "appreciation")
#: What each result earns.
EARNS = {"completed": "completion", "distinction": "completion", "attended": "attendance"}
#: How the roll is called: alphabetical by family name, by group (then family name), by order
#: of precedence (then family name), or in an order the organiser set by hand.
ROLL_ORDERS = ("family_name", "group", "precedence", "hand")
#: The category of registration that graduates.
GRADUATE_CATEGORY = "participant"

MAX_ORGANISATIONS = 4
MAX_SIGNATORIES = 4
#: The most bytes an uploaded image may have before it is re-encoded: the services' default
#: body limit (``CEREMONY_MAX_BODY_BYTES``); a scan or photo of a signature is well under it.
MAX_UPLOAD_BYTES = 1024 * 1024
#: The most pixels an uploaded image may have (a decompression bomb is refused before decoding).
MAX_UPLOAD_PIXELS = 25_000_000
#: The longest side a stored image keeps: a signature is drawn about 6 cm wide, a logo 3 cm.
SIGNATURE_MAX_SIDE = 900
LOGO_MAX_SIDE = 600
#: base64 of a re-encoded image is at most this long (schemas refuse longer ones).
MAX_IMAGE_B64 = 700_000


def certificate_kind(result: str | None) -> str | None:
    """The certificate a result earns (``completion``, ``attendance``), or ``None``."""
    return EARNS.get(result or "")


class ImageError(ValueError):
    """An uploaded image was refused; ``reason`` is ``not_an_image`` or ``too_large``."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


def normalise_image(raw: bytes, *, max_side: int) -> bytes:
    """``raw`` (PNG, JPEG, GIF or WebP) re-encoded as a PNG no wider or taller than ``max_side``.

    Raises ``ImageError`` for what is not an image, is over ``MAX_UPLOAD_BYTES`` or has more than
    ``MAX_UPLOAD_PIXELS`` pixels. Transparency is kept (a signature scanned on white can be
    uploaded as it is; one with a transparent background prints cleaner).
    """
    from PIL import Image, UnidentifiedImageError

    if len(raw) > MAX_UPLOAD_BYTES:
        raise ImageError("too_large", f"The image is larger than {MAX_UPLOAD_BYTES} bytes.")
    if not raw:
        raise ImageError("not_an_image", "The file is empty.")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(raw)) as image:
                if image.format not in ("PNG", "JPEG", "GIF", "WEBP"):
                    raise ImageError("not_an_image", "The file is not a PNG, JPEG, GIF or WebP.")
                if image.width * image.height > MAX_UPLOAD_PIXELS:
                    raise ImageError("too_large", "The image has too many pixels.")
                image.load()
                converted = image.convert("RGBA")
    except ImageError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise ImageError("too_large", "The image has too many pixels.") from exc
    except (UnidentifiedImageError, OSError, ValueError, SyntaxError) as exc:
        raise ImageError("not_an_image", "The file is not an image that can be read.") from exc
    converted.thumbnail((max_side, max_side))
    out = io.BytesIO()
    converted.save(out, format="PNG", optimize=True)
    return out.getvalue()


def image_b64(png: bytes) -> str:
    """A stored PNG as the base64 text events carry."""
    return base64.b64encode(png).decode("ascii")


def image_bytes(text: str | None) -> bytes | None:
    """The PNG bytes of an event's base64 image (``None`` for none or a damaged one)."""
    if not text:
        return None
    try:
        return base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        return None


def _base64_png(value: str) -> None:
    data = image_bytes(value)
    if data is None or not data.startswith(b"\x89PNG\r\n\x1a\n"):
        raise ValidationError("Must be a base64 PNG.")


def ImageB64(**kwargs) -> fields.String:
    """A base64 PNG already re-encoded by ``normalise_image``."""
    return fields.String(
        allow_none=True,
        load_default=None,
        validate=[validate.Length(max=MAX_IMAGE_B64), _base64_png],
        **kwargs,
    )


class OrganisationSchema(Schema):
    """An issuing organisation: its name, and its logo printed at the certificate's head."""

    name = Line(required=True)
    logo = ImageB64()


class SignatorySchema(Schema):
    """Who signs the certificates: "Dr Amina Diallo", "Director General"."""

    name = Name()
    title = Line()
    signature = ImageB64()


class CourseWordsSchema(Schema):
    """The course's words in one more language."""

    title = Line(required=True)


class CourseSchema(Schema):
    """A ceremony's course, as published in ``course.updated``."""

    title = Line(required=True)
    starts_on = fields.Date(required=True)
    ends_on = fields.Date(required=True)
    hours = fields.Decimal(
        required=True, places=1, as_string=True, validate=validate.Range(min=0, max=10000)
    )
    organisations = fields.List(
        fields.Nested(OrganisationSchema),
        load_default=list,
        validate=validate.Length(max=MAX_ORGANISATIONS),
    )
    signatories = fields.List(
        fields.Nested(SignatorySchema),
        load_default=list,
        validate=validate.Length(max=MAX_SIGNATORIES),
    )
    #: The title in more languages, by language code (``{"fr": {"title": "…"}}``).
    translations = fields.Dict(
        keys=fields.String(validate=validate.Length(min=2, max=35)),
        values=fields.Nested(CourseWordsSchema),
        load_default=dict,
        validate=validate.Length(max=10),
    )
    roll_order = fields.String(load_default="family_name", validate=validate.OneOf(ROLL_ORDERS))
    #: With ``roll_order`` ``hand``: registration ids in the order they are called; graduates
    #: not listed follow, by family name.
    hand_order = fields.List(fields.UUID(), load_default=list, validate=validate.Length(max=5000))

    @validates_schema
    def _dates_in_order(self, data: Mapping[str, Any], **_: Any) -> None:
        if data.get("starts_on") and data.get("ends_on") and data["ends_on"] < data["starts_on"]:
            raise ValidationError("Must not be before starts_on.", "ends_on")


def course_title(course: Mapping[str, Any], language: str) -> str:
    """The course's title in ``language`` if it was given, else its own title."""
    words = (course.get("translations") or {}).get(language.split("-")[0].lower()) or {}
    return words.get("title") or course["title"]


def name_digest(name: str) -> bytes:
    """SHA-256 of the name printed on a certificate (NFC, surrounding spaces removed).

    A code carries a digest, not the name: a verifier who holds the paper computes the digest
    of the name printed on it and compares.
    """
    return hashlib.sha256(unicodedata.normalize("NFC", name.strip()).encode("utf-8")).digest()


def _family_key(graduate: Mapping[str, Any]) -> tuple:
    family = graduate.get("family_name") or family_name(graduate.get("full_name", ""))
    return (fold(family), fold(graduate.get("full_name", "")), str(graduate.get("registration_id")))


def roll_order(
    graduates: Iterable[Mapping[str, Any]], mode: str, hand_order: Sequence[Any] = ()
) -> list[Mapping[str, Any]]:
    """The graduates in the order they are called.

    Each graduate is a mapping with ``registration_id``, ``full_name``, ``family_name`` (may be
    empty: the whole name is then used), ``precedence`` and ``group``. Ties always fall back to
    the family name, so two services computing the roll get the same order.
    """
    people = sorted(graduates, key=_family_key)
    if mode == "group":
        return sorted(people, key=lambda g: (g.get("group") is None, fold(g.get("group") or "")))
    if mode == "precedence":
        return sorted(people, key=lambda g: (g.get("precedence") is None, g.get("precedence") or 0))
    if mode == "hand":
        place = {str(ident): index for index, ident in enumerate(hand_order)}
        return sorted(people, key=lambda g: place.get(str(g["registration_id"]), len(place)))
    return people
