"""The graduation contract (``shared.graduation``): images, the roll's orders, name digests and
the events that carry them."""

from __future__ import annotations

import base64
import hashlib
import io
import struct
import uuid
import zlib
from datetime import date
from decimal import Decimal

import pytest
from marshmallow import ValidationError
from PIL import Image

from shared.events import make_envelope, parse_envelope
from shared.graduation import (
    LOGO_MAX_SIDE,
    MAX_UPLOAD_BYTES,
    ImageError,
    certificate_kind,
    course_title,
    image_b64,
    image_bytes,
    name_digest,
    normalise_image,
    roll_order,
)


def picture(fmt: str, size: tuple[int, int] = (1200, 300)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (20, 30, 200)).save(out, format=fmt)
    return out.getvalue()


def png_header_claiming(width: int, height: int) -> bytes:
    """A PNG whose header claims a size it does not hold (a decompression bomb's opening)."""

    def chunk(kind: bytes, body: bytes) -> bytes:
        return (
            struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"\0" * 64)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_an_uploaded_picture_becomes_a_png_no_larger_than_its_limit(fmt):
    png = normalise_image(picture(fmt), max_side=LOGO_MAX_SIDE)
    with Image.open(io.BytesIO(png)) as image:
        assert image.format == "PNG"
        assert image.size == (LOGO_MAX_SIDE, LOGO_MAX_SIDE // 4)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b"", "not_an_image"),
        (b"%PDF-1.7 not a picture", "not_an_image"),
        (b"\x89PNG\r\n\x1a\n" + b"\0" * 40, "not_an_image"),
        (b"\0" * (MAX_UPLOAD_BYTES + 1), "too_large"),
        (png_header_claiming(40_000, 40_000), "too_large"),
    ],
    ids=["empty", "pdf", "broken-png", "over-the-byte-limit", "decompression-bomb"],
)
def test_what_is_not_a_usable_picture_is_refused_with_its_reason(raw, reason):
    with pytest.raises(ImageError) as refused:
        normalise_image(raw, max_side=LOGO_MAX_SIDE)
    assert refused.value.reason == reason


def test_a_tiff_is_an_image_but_not_one_the_suite_takes():
    out = io.BytesIO()
    Image.new("RGB", (10, 10)).save(out, format="TIFF")
    with pytest.raises(ImageError) as refused:
        normalise_image(out.getvalue(), max_side=LOGO_MAX_SIDE)
    assert refused.value.reason == "not_an_image"


def test_images_travel_as_base64_and_a_damaged_one_reads_as_none():
    png = normalise_image(picture("PNG"), max_side=100)
    assert image_bytes(image_b64(png)) == png
    assert image_bytes("not base64 at all!") is None
    assert image_bytes(None) is None


def test_results_earn_their_certificates():
    assert certificate_kind("completed") == "completion"
    assert certificate_kind("distinction") == "completion"
    assert certificate_kind("attended") == "attendance"
    assert certificate_kind("not_completed") is None
    assert certificate_kind(None) is None


def test_the_name_digest_is_sha256_of_the_nfc_name_without_surrounding_spaces():
    decomposed = "Jose\u0301 Nu\u0301n\u0303ez"
    assert name_digest(f"  {decomposed} ") == hashlib.sha256("José Núñez".encode()).digest()
    assert name_digest("José Núñez") != name_digest("Jose Nunez")


def graduate(name: str, family: str = "", group=None, precedence=None) -> dict:
    return {
        "registration_id": uuid.uuid5(uuid.NAMESPACE_URL, name),
        "full_name": name,
        "family_name": family,
        "group": group,
        "precedence": precedence,
    }


ROLL = [
    graduate("Zoë Álvarez", group="B", precedence=3),
    graduate("Émile Zola", group="A"),
    graduate("王建国", family="王", group="A", precedence=1),
    graduate("Ana Bello", group=None, precedence=3),
]


def names(order) -> list[str]:
    return [g["full_name"] for g in order]


def test_the_roll_by_family_name_ignores_accents_and_uses_the_family_name_given():
    assert names(roll_order(ROLL, "family_name")) == [
        "Zoë Álvarez",
        "Ana Bello",
        "Émile Zola",
        "王建国",
    ]


def test_the_roll_by_group_then_family_name_puts_those_without_a_group_last():
    assert names(roll_order(ROLL, "group")) == ["Émile Zola", "王建国", "Zoë Álvarez", "Ana Bello"]


def test_the_roll_by_precedence_puts_those_without_one_last_and_ties_by_family_name():
    assert names(roll_order(ROLL, "precedence")) == [
        "王建国",
        "Zoë Álvarez",
        "Ana Bello",
        "Émile Zola",
    ]


def test_the_roll_by_hand_follows_the_list_and_the_unlisted_follow_by_family_name():
    hand = [ROLL[3]["registration_id"], str(ROLL[1]["registration_id"])]
    assert names(roll_order(ROLL, "hand", hand)) == [
        "Ana Bello",
        "Émile Zola",
        "Zoë Álvarez",
        "王建国",
    ]


def test_the_course_title_in_a_language_falls_back_to_its_own():
    course = {"title": "Border management", "translations": {"fr": {"title": "Gestion"}}}
    assert course_title(course, "fr-CA") == "Gestion"
    assert course_title(course, "ar") == "Border management"


def course(**changes) -> dict:
    data = {
        "title": "Border management",
        "starts_on": date(2026, 11, 2),
        "ends_on": date(2026, 12, 11),
        "hours": Decimal("180"),
        "signatories": [{"name": "Dr Amina Diallo", "title": "Director General"}],
    }
    return data | changes


def test_course_updated_carries_the_course_with_its_images():
    png = normalise_image(picture("JPEG"), max_side=200)
    sent = make_envelope(
        "course.updated",
        {
            "ceremony_id": uuid.uuid4(),
            "course": course(organisations=[{"name": "Institute", "logo": image_b64(png)}]),
            "revision": 2,
        },
        producer="registration",
    )
    received = parse_envelope(sent).data["course"]
    assert image_bytes(received["organisations"][0]["logo"]) == png
    assert received["roll_order"] == "family_name"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"ends_on": date(2026, 1, 1)}, "ends_on"),
        ({"hours": Decimal("-1")}, "hours"),
        ({"roll_order": "by_height"}, "roll_order"),
        ({"signatories": [{"name": "A"}] * 5}, "signatories"),
        (
            {"organisations": [{"name": "X", "logo": base64.b64encode(b"GIF89a").decode()}]},
            "organisations",
        ),
    ],
    ids=[
        "ends-before-it-starts",
        "negative-hours",
        "unknown-order",
        "five-signatories",
        "logo-not-png",
    ],
)
def test_a_course_that_breaks_the_contract_is_not_published(changes, field):
    with pytest.raises(ValidationError) as refused:
        make_envelope(
            "course.updated",
            {"ceremony_id": uuid.uuid4(), "course": course(**changes), "revision": 1},
            producer="registration",
        )
    assert field in str(refused.value.messages)


def test_a_result_outside_the_list_is_not_published():
    with pytest.raises(ValidationError) as refused:
        make_envelope(
            "graduate.updated",
            {
                "ceremony_id": uuid.uuid4(),
                "registration_id": uuid.uuid4(),
                "result": "passed",
                "revision": 1,
            },
            producer="registration",
        )
    assert "result" in refused.value.messages
