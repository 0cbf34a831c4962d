"""Signed badge codes: what the QR code on a badge carries.

A code holds no personal data. It is a fixed binary layout of 95 bytes::

    offset  size  field
    0       1     format version, currently 1
    1       4     key id: first 4 bytes of SHA-256 over the raw 32-byte Ed25519 public key
    5       16    ceremony id: the UUID's 16 bytes, big-endian (uuid.UUID.bytes)
    21      10    badge serial: random bytes from `secrets`
    31      64    Ed25519 signature over bytes 0..30 (the 31 bytes above)

The 95 bytes are written as upper-case RFC 4648 base32 without padding: exactly 152
characters from A-Z and 2-7, so the QR code can use alphanumeric mode (version 6 at error
correction M holds 154 such characters). 95 bytes are 760 bits, a whole number of base32
characters, so every valid code has exactly one spelling.

A browser verifies a code with WebCrypto: decode the base32 text, import the ceremony's
public key (`public_key_b64`, base64url without padding) as "raw" Ed25519, then
`crypto.subtle.verify("Ed25519", key, bytes.slice(31), bytes.slice(0, 31))`.
"""

import base64
import hashlib
import secrets
import uuid
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

VERSION = 1
KEY_ID_BYTES = 4
SERIAL_BYTES = 10
SIGNATURE_BYTES = 64
SIGNED_BYTES = 1 + KEY_ID_BYTES + 16 + SERIAL_BYTES
CODE_BYTES = SIGNED_BYTES + SIGNATURE_BYTES
CODE_CHARS = CODE_BYTES * 8 // 5
# Room for whatever a scanner wraps around a code (spaces, CR/LF); anything longer is refused
# before it is decoded, so a huge input costs nothing.
MAX_INPUT_CHARS = CODE_CHARS + 64

_BASE32_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")


class InvalidCode(Exception):
    """A scanned text is not a valid badge code; `reason` is a stable machine-readable word."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class ParsedCode:
    """The fields of a well-formed code, before its signature is checked."""

    version: int
    kid: str
    ceremony_id: uuid.UUID
    serial: bytes
    signed_bytes: bytes
    signature: bytes

    @property
    def serial_hex(self) -> str:
        """The serial as lower-case hex, a convenient database key."""
        return self.serial.hex()


def generate_key() -> Ed25519PrivateKey:
    """Create a new signing key for one ceremony."""
    return Ed25519PrivateKey.generate()


def _raw_public(public_key: Ed25519PublicKey) -> bytes:
    return public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def _key_id_bytes(public_key: Ed25519PublicKey) -> bytes:
    return hashlib.sha256(_raw_public(public_key)).digest()[:KEY_ID_BYTES]


def key_id(public_key: Ed25519PublicKey) -> str:
    """Short identifier of a public key (8 lower-case hex characters), as found in its codes."""
    return _key_id_bytes(public_key).hex()


def public_key_b64(public_key: Ed25519PublicKey) -> str:
    """The raw 32-byte public key as base64url without padding (the JWK "x" encoding)."""
    return base64.urlsafe_b64encode(_raw_public(public_key)).rstrip(b"=").decode("ascii")


def new_serial() -> bytes:
    """A fresh, unguessable badge serial."""
    return secrets.token_bytes(SERIAL_BYTES)


def sign_code(private_key: Ed25519PrivateKey, ceremony_id: uuid.UUID, serial: bytes) -> str:
    """Build the signed code text for one badge of one ceremony."""
    if len(serial) != SERIAL_BYTES:
        raise ValueError(f"serial must be {SERIAL_BYTES} bytes, got {len(serial)}")
    kid = _key_id_bytes(private_key.public_key())
    signed = bytes([VERSION]) + kid + ceremony_id.bytes + serial
    raw = signed + private_key.sign(signed)
    return base64.b32encode(raw).decode("ascii")


def base32_text(text: str, max_chars: int, error: type[InvalidCode] = InvalidCode) -> str:
    """A scanned text as the upper-case base32 it should be; raises ``error(reason)``.

    Reasons: ``too_long`` (checked first, so a huge input costs nothing), ``empty``,
    ``not_ascii``, ``bad_base32``.
    """
    if len(text) > max_chars:
        raise error("too_long")
    text = text.strip()
    if not text:
        raise error("empty")
    if not text.isascii():
        raise error("not_ascii")
    # Some USB scanners type with the wrong case; base32 has one case, so fold it.
    text = text.upper()
    if not set(text) <= _BASE32_ALPHABET:
        raise error("bad_base32")
    return text


def signature_holds(
    kid: str, signed_bytes: bytes, signature: bytes, public_key: Ed25519PublicKey
) -> bool:
    """True if a code naming ``kid`` was signed by ``public_key``: it names this key and its
    signature over ``signed_bytes`` is valid under it."""
    if kid != key_id(public_key):
        return False
    try:
        public_key.verify(signature, signed_bytes)
    except InvalidSignature:
        return False
    return True


def parse_code(text: str) -> ParsedCode:
    """Decode a scanned code; raise InvalidCode if it is not a well-formed code."""
    text = base32_text(text, MAX_INPUT_CHARS)
    if len(text) != CODE_CHARS:
        raise InvalidCode("wrong_length")
    raw = base64.b32decode(text)
    if raw[0] != VERSION:
        raise InvalidCode("unknown_version")
    return ParsedCode(
        version=raw[0],
        kid=raw[1 : 1 + KEY_ID_BYTES].hex(),
        ceremony_id=uuid.UUID(bytes=raw[1 + KEY_ID_BYTES : 1 + KEY_ID_BYTES + 16]),
        serial=raw[SIGNED_BYTES - SERIAL_BYTES : SIGNED_BYTES],
        signed_bytes=raw[:SIGNED_BYTES],
        signature=raw[SIGNED_BYTES:],
    )


def verify_code(parsed: ParsedCode, public_key: Ed25519PublicKey) -> bool:
    """True if the code names this key and its signature is valid under it."""
    return signature_holds(parsed.kid, parsed.signed_bytes, parsed.signature, public_key)
