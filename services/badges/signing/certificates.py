"""Signed certificate codes: what the QR code on a certificate carries.

A code holds no personal data: the holder's name is in it only as part of a digest. It is a
fixed binary layout of 120 bytes::

    offset  size  field
    0       1     format: 0x21, a certificate in layout version 1 (badge codes start with 0x01)
    1       4     key id: first 4 bytes of SHA-256 over the raw 32-byte Ed25519 public key
    5       16    ceremony id: the UUID's 16 bytes, big-endian (uuid.UUID.bytes)
    21      16    certificate id: the UUID's 16 bytes
    37      1     kind and result: high 4 bits the kind's index in CERTIFICATE_KINDS
                  (0 completion, 1 attendance, 2 appreciation); low 4 bits 1 + the result's
                  index in RESULTS (1 completed, 2 distinction, 3 attended, 4 not_completed),
                  or 0 for no result (appreciation)
    38      18    the first 18 bytes of shared.graduation.name_digest(name printed on it):
                  SHA-256 of the NFC-normalised name without surrounding spaces
    56      64    Ed25519 signature over bytes 0..55 (the 56 bytes above)

The 120 bytes are written as upper-case RFC 4648 base32 without padding: exactly 192
characters from A-Z and 2-7 (120 bytes are 960 bits, a whole number of base32 characters, so
every valid code has one spelling), which a QR code holds in alphanumeric mode.

To verify a certificate offline: download the ceremony's public keys once
(``/api/ceremonies/<id>/certificate-keys``), decode the base32 text, check byte 0 is 0x21,
pick the key whose id is bytes 1..4, verify the signature (bytes 56..119) over bytes 0..55
with it, and compare bytes 38..55 with the SHA-256 of the name printed on the paper.
"""

from __future__ import annotations

import base64
import uuid
from dataclasses import dataclass

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from shared.graduation import CERTIFICATE_KINDS, RESULTS, name_digest

from . import codes

FORMAT = 0x21
KEY_ID_BYTES = codes.KEY_ID_BYTES
DIGEST_BYTES = 18
SIGNATURE_BYTES = 64
SIGNED_BYTES = 1 + KEY_ID_BYTES + 16 + 16 + 1 + DIGEST_BYTES
CODE_BYTES = SIGNED_BYTES + SIGNATURE_BYTES
CODE_CHARS = CODE_BYTES * 8 // 5
#: Anything longer is refused before it is decoded (room for spaces and line breaks).
MAX_INPUT_CHARS = 256


class InvalidCertificateCode(codes.InvalidCode):
    """A text is not a well-formed certificate code; ``reason`` says why.

    Reasons: ``too_long``, ``empty``, ``not_ascii``, ``bad_base32``, ``wrong_length``,
    ``badge_code`` (a badge's code, not a certificate's), ``unknown_version``, ``bad_kind``.
    """


@dataclass(frozen=True)
class ParsedCertificateCode:
    """The fields of a well-formed certificate code, before its signature is checked."""

    kid: str
    ceremony_id: uuid.UUID
    certificate_id: uuid.UUID
    kind: str
    #: None for a certificate without a result (appreciation).
    result: str | None
    #: The first 18 bytes of the name's digest.
    name_digest: bytes
    signed_bytes: bytes
    signature: bytes

    @property
    def name_digest_hex(self) -> str:
        """The name digest as lower-case hex (36 characters)."""
        return self.name_digest.hex()

    def names(self, name: str) -> bool:
        """True if ``name`` (as printed on the paper) is the name this code was signed for."""
        return name_digest(name)[:DIGEST_BYTES] == self.name_digest


def _kind_result_byte(kind: str, result: str | None) -> int:
    if kind not in CERTIFICATE_KINDS:
        raise ValueError(f"unknown certificate kind {kind!r}")
    if result is not None and result not in RESULTS:
        raise ValueError(f"unknown result {result!r}")
    low = 0 if result is None else 1 + RESULTS.index(result)
    return CERTIFICATE_KINDS.index(kind) << 4 | low


def sign_certificate_code(
    private_key: Ed25519PrivateKey,
    *,
    ceremony_id: uuid.UUID,
    certificate_id: uuid.UUID,
    kind: str,
    result: str | None,
    name: str,
) -> str:
    """Build the signed code text of one certificate, for the name printed on it."""
    signed = (
        bytes([FORMAT])
        + bytes.fromhex(codes.key_id(private_key.public_key()))
        + ceremony_id.bytes
        + certificate_id.bytes
        + bytes([_kind_result_byte(kind, result)])
        + name_digest(name)[:DIGEST_BYTES]
    )
    return base64.b32encode(signed + private_key.sign(signed)).decode("ascii")


def parse_certificate_code(text: str) -> ParsedCertificateCode:
    """Decode a certificate code (any case, spaces around); raise InvalidCertificateCode."""
    text = codes.base32_text(text, MAX_INPUT_CHARS, InvalidCertificateCode)
    if len(text) == codes.CODE_CHARS and base64.b32decode(text)[0] == codes.VERSION:
        raise InvalidCertificateCode("badge_code")
    if len(text) != CODE_CHARS:
        raise InvalidCertificateCode("wrong_length")
    raw = base64.b32decode(text)
    if raw[0] != FORMAT:
        raise InvalidCertificateCode("unknown_version")
    kind_index, result_index = raw[37] >> 4, raw[37] & 0x0F
    if kind_index >= len(CERTIFICATE_KINDS) or result_index > len(RESULTS):
        raise InvalidCertificateCode("bad_kind")
    return ParsedCertificateCode(
        kid=raw[1 : 1 + KEY_ID_BYTES].hex(),
        ceremony_id=uuid.UUID(bytes=raw[5:21]),
        certificate_id=uuid.UUID(bytes=raw[21:37]),
        kind=CERTIFICATE_KINDS[kind_index],
        result=RESULTS[result_index - 1] if result_index else None,
        name_digest=raw[38:SIGNED_BYTES],
        signed_bytes=raw[:SIGNED_BYTES],
        signature=raw[SIGNED_BYTES:],
    )


def signature_valid(parsed: ParsedCertificateCode, public_key: Ed25519PublicKey) -> bool:
    """True if the parsed code names this key and its signature is valid under it."""
    return codes.signature_holds(parsed.kid, parsed.signed_bytes, parsed.signature, public_key)


def verify_certificate_code(
    text: str, public_key: Ed25519PublicKey
) -> ParsedCertificateCode | None:
    """The parsed code if ``text`` is a certificate code signed by this key, else None."""
    try:
        parsed = parse_certificate_code(text)
    except InvalidCertificateCode:
        return None
    return parsed if signature_valid(parsed, public_key) else None
