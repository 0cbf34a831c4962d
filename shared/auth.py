"""Bearer tokens for organisers and staff, and capability links for guests.

Both are signed with ``CEREMONY_SECRET_KEY`` (itsdangerous) and carry their own expiry. A staff
token may be bound to one ceremony and one gate. A capability names one object (a registration,
an invitation) and grants only what its purpose says.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from .secret_keys import SecretKeys

ROLES = ("organiser", "staff")
#: The longest gate name a scan records.
GATE_MAX_CHARS = 64
#: Purpose of a guest's capability for one registration: to see and cancel it, and to get its
#: badge (the registration and badges services both accept it).
MANAGE_REGISTRATION = "manage-registration"


class AuthError(Exception):
    """A token is missing, malformed, forged or expired."""


@dataclass(frozen=True)
class Principal:
    """Who a valid bearer token speaks for."""

    role: str
    ceremony_id: str | None = None
    gate: str | None = None
    expires_at: float = 0.0

    def may_act_on(self, ceremony_id: object) -> bool:
        """Whether the token is unbound or bound to this ceremony."""
        return self.ceremony_id is None or self.ceremony_id == str(ceremony_id)


class Signer:
    """Issues and checks tokens and capabilities with one secret."""

    def __init__(self, secret: str | SecretKeys):
        keys = secret if isinstance(secret, SecretKeys) else SecretKeys(secret)
        # Each with its own derived key; the salts keep telling the two apart as before.
        self._tokens = URLSafeSerializer(
            keys.verification_keys("bearer-token"), salt="ceremony.bearer-token"
        )
        self._capabilities = URLSafeSerializer(
            keys.verification_keys("capability"), salt="ceremony.capability"
        )

    def issue_token(
        self,
        role: str,
        *,
        ceremony_id: str | None = None,
        gate: str | None = None,
        ttl_hours: float = 12,
    ) -> str:
        """A bearer token for ``role``, valid for ``ttl_hours``."""
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if ttl_hours <= 0:
            raise ValueError("ttl_hours must be positive")
        if gate is not None and not _is_gate_name(gate):
            raise ValueError("gate must be one line of 1 to 64 printable characters")
        claims = {"r": role, "x": int(time.time() + ttl_hours * 3600)}
        if ceremony_id:
            claims["c"] = str(ceremony_id)
        if gate:
            claims["g"] = gate
        return self._tokens.dumps(claims)

    def verify_token(self, token: str) -> Principal:
        """The principal of a valid token; raises ``AuthError`` otherwise."""
        claims = _load(self._tokens, token)
        if claims.get("r") not in ROLES:
            raise AuthError("unknown role")
        _check_expiry(claims)
        return Principal(
            role=claims["r"],
            ceremony_id=claims.get("c"),
            gate=claims.get("g"),
            expires_at=float(claims["x"]),
        )

    def issue_capability(self, purpose: str, subject_id: object, *, ttl_seconds: float) -> str:
        """A capability letting its holder act on ``subject_id`` for ``purpose``."""
        claims = {"p": purpose, "s": str(subject_id), "x": int(time.time() + ttl_seconds)}
        return self._capabilities.dumps(claims)

    def verify_capability(self, purpose: str, capability: str) -> str:
        """The subject id of a valid capability for ``purpose``; raises ``AuthError`` otherwise."""
        claims = _load(self._capabilities, capability)
        if claims.get("p") != purpose or not isinstance(claims.get("s"), str):
            raise AuthError("capability for another purpose")
        _check_expiry(claims)
        return claims["s"]


def _is_gate_name(gate: str) -> bool:
    """A gate is named on screens and recorded with each scan: one short printable line."""
    return 0 < len(gate) <= GATE_MAX_CHARS and gate.isprintable()


def _load(serializer: URLSafeSerializer, token: str) -> dict:
    if not token or len(token) > 2048:
        raise AuthError("malformed token")
    try:
        claims = serializer.loads(token)
    except BadSignature:
        raise AuthError("invalid signature") from None
    if not isinstance(claims, dict) or not isinstance(claims.get("x"), int):
        raise AuthError("malformed token")
    return claims


def _check_expiry(claims: dict) -> None:
    if claims["x"] < time.time():
        raise AuthError("expired")
