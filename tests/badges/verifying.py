"""What a scanner does with the published keys: read a key as the bundle gives it, check a code.

The door page does the same in the browser (WebCrypto); these are its counterparts in Python.
"""

import base64
from collections.abc import Mapping

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from services.badges.signing import codes


def public_key_from_b64(text: str) -> Ed25519PublicKey:
    """Load a public key written by ``codes.public_key_b64`` (base64url without padding)."""
    raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    return Ed25519PublicKey.from_public_bytes(raw)


def read_code(text: str, public_keys: Mapping[str, Ed25519PublicKey]) -> codes.ParsedCode:
    """Parse a code and check it against the known keys by key id; raise InvalidCode if not."""
    parsed = codes.parse_code(text)
    public_key = public_keys.get(parsed.kid)
    if public_key is None:
        raise codes.InvalidCode("unknown_key")
    if not codes.verify_code(parsed, public_key):
        raise codes.InvalidCode("bad_signature")
    return parsed
