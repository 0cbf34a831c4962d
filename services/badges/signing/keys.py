"""Each ceremony's Ed25519 signing key: created once, sealed at rest, public half cached."""

from __future__ import annotations

import logging
import threading
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask import Flask, current_app
from sqlalchemy import select
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from shared.secret_keys import SecretKeys

from ..models import ceremony_keys
from . import codes
from .sealing import open_private_key, seal_private_key

log = logging.getLogger(__name__)

#: Where an app keeps its key ring.
EXTENSION = "badges.keys"


@dataclass(frozen=True)
class PublicKey:
    """A ceremony's public key as a scanner needs it."""

    kid: str
    ceremony_id: uuid.UUID
    key: Ed25519PublicKey


@dataclass(frozen=True)
class SigningKey:
    """A ceremony's active private key and its key id."""

    kid: str
    ceremony_id: uuid.UUID
    key: Ed25519PrivateKey


class KeyRing:
    """Opens sealed signing keys and keeps verified public keys in memory for the door.

    Public keys never change once stored, so a process may keep them for its lifetime; only
    keys read back from the database are kept, never one created in a transaction that might
    still roll back.
    """

    def __init__(self, secret: str | SecretKeys):
        self._secrets = secret if isinstance(secret, SecretKeys) else SecretKeys(secret)
        self._public: dict[str, PublicKey] = {}
        self._lock = threading.Lock()

    def public_key(self, session: Session | Connection, kid: str) -> PublicKey | None:
        """The public key with this id, from memory or else from the database."""
        cached = self._public.get(kid)
        if cached is not None:
            return cached
        row = session.execute(
            select(ceremony_keys.c.ceremony_id, ceremony_keys.c.public_key).where(
                ceremony_keys.c.kid == kid
            )
        ).first()
        if row is None:
            return None
        found = PublicKey(kid, row.ceremony_id, Ed25519PublicKey.from_public_bytes(row.public_key))
        with self._lock:
            self._public[kid] = found
        return found

    def signing_key(self, session: Session, ceremony_id: uuid.UUID) -> SigningKey:
        """The ceremony's active signing key, created on first need."""
        row = _active_key(session, ceremony_id)
        if row is None:
            return self._create(session, ceremony_id)
        key = open_private_key(row.sealed_private_key, *self._secrets.secrets)
        return SigningKey(row.kid, ceremony_id, key)

    def ensure_key(self, session: Session, ceremony_id: uuid.UUID) -> str:
        """Make sure the ceremony has an active key; returns its key id."""
        row = _active_key(session, ceremony_id)
        return row.kid if row is not None else self._create(session, ceremony_id).kid

    def _create(self, session: Session, ceremony_id: uuid.UUID) -> SigningKey:
        private = codes.generate_key()
        kid = codes.key_id(private.public_key())
        raw_public = private.public_key().public_bytes(
            serialization.Encoding.Raw, serialization.PublicFormat.Raw
        )
        try:
            # A savepoint: if another worker created the ceremony's key first, use that one.
            with session.begin_nested():
                session.execute(
                    ceremony_keys.insert().values(
                        kid=kid,
                        ceremony_id=ceremony_id,
                        public_key=raw_public,
                        sealed_private_key=seal_private_key(private, self._secrets.current),
                        created_at=datetime.now(UTC),
                        active=True,
                    )
                )
        except IntegrityError:
            return self.signing_key(session, ceremony_id)
        log.info("created signing key %s for ceremony %s", kid, ceremony_id)
        return SigningKey(kid, ceremony_id, private)


def _active_key(session: Session, ceremony_id: uuid.UUID):
    query = select(ceremony_keys.c.kid, ceremony_keys.c.sealed_private_key).where(
        ceremony_keys.c.ceremony_id == ceremony_id, ceremony_keys.c.active.is_(True)
    )
    return session.execute(query).first()


def ceremony_public_keys(session: Session, ceremony_id: uuid.UUID) -> list:
    """Every key of a ceremony (active or not), oldest first, as rows of kid and raw key."""
    query = (
        select(
            ceremony_keys.c.kid,
            ceremony_keys.c.public_key,
            ceremony_keys.c.active,
            ceremony_keys.c.created_at,
        )
        .where(ceremony_keys.c.ceremony_id == ceremony_id)
        .order_by(ceremony_keys.c.created_at, ceremony_keys.c.kid)
    )
    return list(session.execute(query))


def key_ring() -> KeyRing:
    """The running app's key ring (one per process: the door keeps public keys in memory)."""
    return current_app.extensions[EXTENSION]


def install_key_ring(app: Flask, secret: str | SecretKeys) -> None:
    """Give ``app`` its key ring, opened by the service secret (or a previous one)."""
    app.extensions[EXTENSION] = KeyRing(secret)
