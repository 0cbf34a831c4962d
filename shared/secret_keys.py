"""The suite's secret, a key per purpose derived from it, and the secrets it replaced.

``CEREMONY_SECRET_KEY`` is never used as a key itself: each purpose (bearer tokens, guests'
links, sealing badge keys) gets its own key, derived with HKDF-SHA256, so a key found in one
place opens nothing else. ``CEREMONY_PREVIOUS_SECRET_KEYS`` lists secrets that were replaced:
what they signed or sealed still opens, while everything new uses the current one. Rotating is
therefore: put the current secret first in the previous list, set a new current one, and remove
the old one once its links and tokens have expired (sealed badge keys keep opening with it for
as long as it stays listed).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

#: The shortest secret accepted: 32 characters, as `openssl rand -hex 16` or longer gives.
MIN_SECRET_CHARS = 32
#: Values the deployment examples carry in place of a secret: starting with one is refusing.
PLACEHOLDERS = frozenset(("change-me-to-a-long-random-secret", "change-me", "changeme", "secret"))


class WeakSecret(ValueError):
    """A secret too short, or one of the examples' placeholders."""


def check_secret(secret: str) -> None:
    """Refuse a secret that is a placeholder or shorter than ``MIN_SECRET_CHARS``."""
    if secret.strip().lower() in PLACEHOLDERS or "change-me" in secret.lower():
        raise WeakSecret("is a placeholder from the deployment examples; set a random secret")
    if len(secret) < MIN_SECRET_CHARS:
        raise WeakSecret(
            f"must be at least {MIN_SECRET_CHARS} characters (e.g. `openssl rand -hex 32`)"
        )


@cache
def _derive(secret: str, purpose: str) -> bytes:
    hkdf = HKDF(
        algorithm=hashes.SHA256(),
        length=32,
        salt=None,
        info=f"ceremony-suite {purpose} key v1".encode(),
    )
    return hkdf.derive(secret.encode("utf-8"))


@dataclass(frozen=True)
class SecretKeys:
    """The current secret and the ones it replaced, newest first."""

    current: str
    previous: tuple[str, ...] = ()

    @property
    def secrets(self) -> tuple[str, ...]:
        """Every secret accepted, the current one first."""
        return (self.current, *self.previous)

    def key(self, purpose: str) -> bytes:
        """The current key for ``purpose``: what signs and seals from now on."""
        return _derive(self.current, purpose)

    def verification_keys(self, purpose: str) -> list[bytes]:
        """Every key that may have signed for ``purpose``, the current one last.

        That is the order itsdangerous takes a list in: it signs with the last and checks with
        any. Before keys were derived per purpose, tokens and links were signed with the secret
        itself; those still open until they expire.
        """
        older = [_derive(secret, purpose) for secret in reversed(self.previous)]
        undivided = [secret.encode("utf-8") for secret in reversed(self.secrets)]
        return [*undivided, *older, self.key(purpose)]
