import base64
import uuid

import pytest
import qrcode
from cryptography.hazmat.primitives import serialization
from qrcode.util import MODE_ALPHA_NUM

from services.badges.signing import codes
from services.badges.signing.codes import InvalidCode
from services.badges.signing.sealing import SealedKeyError, open_private_key, seal_private_key
from tests.badges.verifying import public_key_from_b64, read_code

CEREMONY = uuid.UUID("6f1c2a7e-3b9d-4c55-9a61-0d2b7e4f8a10")
OTHER_CEREMONY = uuid.UUID("0b8e5d3a-71c4-4f2e-8d19-5a6c3e2f1b07")
SERIAL = bytes(range(10))


@pytest.fixture(scope="module")
def key():
    return codes.generate_key()


@pytest.fixture(scope="module")
def code(key):
    return codes.sign_code(key, CEREMONY, SERIAL)


def reason(text):
    with pytest.raises(InvalidCode) as caught:
        codes.parse_code(text)
    return caught.value.reason


def test_code_round_trips(key, code):
    parsed = codes.parse_code(code)
    assert (parsed.version, parsed.kid, parsed.ceremony_id, parsed.serial) == (
        1,
        codes.key_id(key.public_key()),
        CEREMONY,
        SERIAL,
    )
    assert codes.verify_code(parsed, key.public_key())


def test_code_is_upper_case_base32_without_padding(code):
    assert len(code) == codes.CODE_CHARS == 152
    assert set(code) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


def test_code_verifies_from_its_documented_byte_layout(key, code):
    raw = base64.b32decode(code)
    public = public_key_from_b64(codes.public_key_b64(key.public_key()))
    public.verify(raw[31:], raw[:31])  # what a browser does with WebCrypto; raises if wrong


def test_no_single_character_change_is_accepted(key, code):
    accepted = []
    for position in range(len(code)):
        replacement = "B" if code[position] != "B" else "C"
        tampered = code[:position] + replacement + code[position + 1 :]
        try:
            if codes.verify_code(codes.parse_code(tampered), key.public_key()):
                accepted.append(position)
        except InvalidCode:
            pass
    assert accepted == []


def test_signature_covers_the_ceremony_id(key, code):
    raw = bytearray(base64.b32decode(code))
    raw[5:21] = OTHER_CEREMONY.bytes
    forged = base64.b32encode(bytes(raw)).decode()
    assert not codes.verify_code(codes.parse_code(forged), key.public_key())


def test_truncated_code_is_wrong_length(code):
    assert reason(code[:-8]) == "wrong_length"


@pytest.mark.parametrize("text", ["", "   ", "\r\n"])
def test_empty_input_is_refused(text):
    assert reason(text) == "empty"


def test_huge_input_is_refused_before_decoding():
    assert reason("A" * 1_000_000) == "too_long"


def test_non_ascii_input_is_refused(code):
    assert reason(code[:10] + "É" + code[11:]) == "not_ascii"


def test_characters_outside_base32_are_refused(code):
    assert reason(code[:10] + "1" + code[11:]) == "bad_base32"


def test_unknown_version_is_refused(code):
    raw = bytearray(base64.b32decode(code))
    raw[0] = 2
    assert reason(base64.b32encode(bytes(raw)).decode()) == "unknown_version"


def test_lower_case_input_is_accepted(key, code):
    assert codes.verify_code(codes.parse_code(code.lower()), key.public_key())


def test_surrounding_whitespace_is_accepted(key, code):
    assert codes.verify_code(codes.parse_code(f"  {code}\r\n"), key.public_key())


def test_wrong_key_does_not_verify(code):
    assert not codes.verify_code(codes.parse_code(code), codes.generate_key().public_key())


def test_read_code_refuses_a_code_of_an_unknown_key(code):
    other = codes.generate_key().public_key()
    with pytest.raises(InvalidCode) as caught:
        read_code(code, {codes.key_id(other): other})
    assert caught.value.reason == "unknown_key"


def test_read_code_returns_a_code_signed_by_a_known_key(key, code):
    public = key.public_key()
    assert read_code(code, {codes.key_id(public): public}).serial == SERIAL


def test_code_of_another_ceremony_names_that_ceremony():
    other_key = codes.generate_key()
    parsed = codes.parse_code(codes.sign_code(other_key, OTHER_CEREMONY, SERIAL))
    assert codes.verify_code(parsed, other_key.public_key())
    assert parsed.ceremony_id == OTHER_CEREMONY


def test_serials_are_ten_random_bytes():
    assert len({codes.new_serial() for _ in range(100)}) == 100
    assert len(codes.new_serial()) == 10


def test_serial_of_the_wrong_size_is_refused(key):
    with pytest.raises(ValueError):
        codes.sign_code(key, CEREMONY, b"short")


def test_code_fits_qr_version_6_at_error_correction_m(code):
    qr = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(code)
    qr.make(fit=True)
    assert qr.data_list[0].mode == MODE_ALPHA_NUM
    assert qr.version <= 6


def test_key_id_is_eight_hex_characters(key):
    assert len(codes.key_id(key.public_key())) == 8
    int(codes.key_id(key.public_key()), 16)


def test_public_key_b64_is_raw_32_bytes_base64url(key):
    text = codes.public_key_b64(key.public_key())
    assert len(base64.urlsafe_b64decode(text + "=")) == 32


def raw_private(private_key):
    return private_key.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )


def test_sealed_key_opens_with_the_same_secret(key):
    blob = seal_private_key(key, "service secret")
    assert raw_private(open_private_key(blob, "service secret")) == raw_private(key)


def test_sealed_key_does_not_open_with_another_secret(key):
    blob = seal_private_key(key, "service secret")
    with pytest.raises(SealedKeyError):
        open_private_key(blob, "another secret")


def test_sealed_key_does_not_contain_the_key(key):
    assert raw_private(key) not in seal_private_key(key, "service secret")


def test_damaged_sealed_key_does_not_open(key):
    blob = bytearray(seal_private_key(key, "service secret"))
    blob[-1] ^= 1
    with pytest.raises(SealedKeyError):
        open_private_key(bytes(blob), "service secret")
