"""Certificate codes: their layout, signing, parsing and what verifies."""

from __future__ import annotations

import base64
import uuid

import pytest

from services.badges.signing import codes
from services.badges.signing.certificates import (
    CODE_CHARS,
    InvalidCertificateCode,
    parse_certificate_code,
    sign_certificate_code,
    verify_certificate_code,
)
from shared.graduation import CERTIFICATE_KINDS, RESULTS, name_digest
from tests.badges.verifying import public_key_from_b64

CEREMONY = uuid.UUID("6f1c2a7e-3b9d-4c55-9a61-0d2b7e4f8a10")
CERTIFICATE = uuid.UUID("2d4b8f10-5e6a-4c3b-9f7e-1a2b3c4d5e6f")
NAME = "Amina Diallo"


@pytest.fixture(scope="module")
def key():
    return codes.generate_key()


@pytest.fixture(scope="module")
def code(key):
    return sign(key)


def sign(key, kind="completion", result="distinction", name=NAME, ceremony_id=CEREMONY):
    return sign_certificate_code(
        key,
        ceremony_id=ceremony_id,
        certificate_id=CERTIFICATE,
        kind=kind,
        result=result,
        name=name,
    )


def reason(text):
    with pytest.raises(InvalidCertificateCode) as caught:
        parse_certificate_code(text)
    return caught.value.reason


def test_a_code_round_trips(key, code):
    parsed = verify_certificate_code(code, key.public_key())
    assert parsed is not None
    assert (parsed.kid, parsed.ceremony_id, parsed.certificate_id) == (
        codes.key_id(key.public_key()),
        CEREMONY,
        CERTIFICATE,
    )
    assert (parsed.kind, parsed.result) == ("completion", "distinction")
    assert parsed.name_digest == name_digest(NAME)[:18]
    assert parsed.names(NAME) and parsed.names(f"  {NAME} ")
    assert not parsed.names("Amina Dialo")


def test_a_code_is_192_upper_case_base32_characters(code):
    assert len(code) == CODE_CHARS == 192
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_the_documented_byte_layout(key, code):
    raw = base64.b32decode(code)
    assert len(raw) == 120 and raw[0] == 0x21
    assert raw[1:5].hex() == codes.key_id(key.public_key())
    assert (raw[5:21], raw[21:37]) == (CEREMONY.bytes, CERTIFICATE.bytes)
    assert raw[37] == 0 << 4 | (1 + RESULTS.index("distinction"))
    assert raw[38:56] == name_digest(NAME)[:18]
    # What an offline verifier does with the published key alone; raises if it is wrong.
    public_key_from_b64(codes.public_key_b64(key.public_key())).verify(raw[56:], raw[:56])


@pytest.mark.parametrize("kind", CERTIFICATE_KINDS)
@pytest.mark.parametrize("result", (*RESULTS, None))
def test_every_kind_and_result_is_carried(key, kind, result):
    parsed = parse_certificate_code(sign(key, kind=kind, result=result))
    assert (parsed.kind, parsed.result) == (kind, result)


def test_lower_case_and_surrounding_spaces_are_accepted(key, code):
    assert verify_certificate_code(f" \n{code.lower()}\r\n", key.public_key()) is not None


def test_flipping_any_byte_fails(key, code):
    raw = base64.b32decode(code)
    accepted = []
    for position in range(len(raw)):
        changed = bytearray(raw)
        changed[position] ^= 0x01
        text = base64.b32encode(bytes(changed)).decode()
        if verify_certificate_code(text, key.public_key()) is not None:
            accepted.append(position)
    assert accepted == []


def test_another_ceremony_key_does_not_verify(code):
    assert verify_certificate_code(code, codes.generate_key().public_key()) is None


def test_a_badge_code_is_named_as_such(key):
    badge = codes.sign_code(key, CEREMONY, codes.new_serial())
    assert reason(badge) == "badge_code"
    assert verify_certificate_code(badge, key.public_key()) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "empty"),
        ("   ", "empty"),
        ("A" * 257, "too_long"),
        ("É" * 192, "not_ascii"),
        ("1" * 192, "bad_base32"),
        ("A" * 191, "wrong_length"),
        (base64.b32encode(bytes([0x22]) + bytes(119)).decode(), "unknown_version"),
        (base64.b32encode(bytes([0x21]) + bytes(36) + b"\xf0" + bytes(82)).decode(), "bad_kind"),
    ],
)
def test_malformed_texts_are_refused_with_a_reason(text, expected):
    assert reason(text) == expected


def test_an_unknown_kind_or_result_is_not_signed(key):
    with pytest.raises(ValueError):
        sign(key, kind="participation")
    with pytest.raises(ValueError):
        sign(key, result="passed")
