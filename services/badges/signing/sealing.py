"""Signing keys at rest: each ceremony's private key sealed under the service secret.

A sealed key is ``version (1) | salt (16) | nonce (12) | AES-256-GCM ciphertext``; the AES key
is derived from ``CEREMONY_SECRET_KEY`` and the salt with HKDF-SHA256, and the header is
authenticated with the ciphertext.
"""

import os

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_SEAL_VERSION = b"\x01"
_SEAL_INFO = b"ceremony-suite badges: sealed signing key v1"
_SALT_BYTES = 16
_NONCE_BYTES = 12


class SealedKeyError(Exception):
    """A sealed private key cannot be opened: wrong secret, or damaged blob."""


def _sealing_key(secret: str, salt: bytes) -> AESGCM:
    # HKDF, not a password hash: the service secret is a long random value, not a password.
    hkdf = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=_SEAL_INFO)
    return AESGCM(hkdf.derive(secret.encode("utf-8")))


def seal_private_key(private_key: Ed25519PrivateKey, secret: str) -> bytes:
    """Encrypt a signing key for storage, under a key derived from the service secret."""
    if not secret:
        raise ValueError("a non-empty secret is required to seal a key")
    raw = private_key.private_bytes(
        serialization.Encoding.Raw,
        serialization.PrivateFormat.Raw,
        serialization.NoEncryption(),
    )
    salt = os.urandom(_SALT_BYTES)
    nonce = os.urandom(_NONCE_BYTES)
    header = _SEAL_VERSION + salt + nonce
    return header + _sealing_key(secret, salt).encrypt(nonce, raw, header)


def open_private_key(blob: bytes, secret: str, *previous: str) -> Ed25519PrivateKey:
    """Decrypt a key sealed by `seal_private_key` under ``secret`` or one of the ``previous``
    secrets it replaced; raise SealedKeyError if none opens it."""
    header_len = 1 + _SALT_BYTES + _NONCE_BYTES
    if len(blob) <= header_len or blob[:1] != _SEAL_VERSION:
        raise SealedKeyError("not a sealed key of a known version")
    salt = blob[1 : 1 + _SALT_BYTES]
    nonce = blob[1 + _SALT_BYTES : header_len]
    for candidate in (secret, *previous):
        try:
            raw = _sealing_key(candidate, salt).decrypt(nonce, blob[header_len:], blob[:header_len])
        except InvalidTag:
            continue
        return Ed25519PrivateKey.from_private_bytes(raw)
    raise SealedKeyError("wrong secret or damaged sealed key")
