"""Credentials of people and machines, and capability links for guests.

Three kinds of credential, each signed with its own key derived from ``CEREMONY_SECRET_KEY``
(itsdangerous) and each carrying an id, so that it can be revoked:

- a **session** (``s.…``) names an account; its roles are the account's grants, which every
  service keeps from the bus. It lasts 12 hours from its last use, 7 days at most.
- an **API key** (``k.…``) carries its role, and the ceremony it is bound to unless it is
  suite-wide; it lasts at most a year.
- a **device** (``d.…``) is a door's scanner: role ``door``, one ceremony, one gate, until the
  ceremony ends plus a day.

A capability names one object (a registration, an invitation) and grants only what its purpose
says.
"""

from __future__ import annotations

import hashlib
import hmac
import time
import uuid
from dataclasses import dataclass

from itsdangerous import BadSignature, URLSafeSerializer

from .secret_keys import SecretKeys

#: Roles a credential may hold on a ceremony; ``admin`` is suite-wide only.
CEREMONY_ROLES = ("owner", "organiser", "protocol", "door", "viewer")
ROLES = ("admin", *CEREMONY_ROLES)
#: Role names of earlier tokens: ``staff`` is now ``door``.
LEGACY_ROLES = {"staff": "door"}
KINDS = ("session", "apikey", "device")
_PREFIX = {"session": "s", "apikey": "k", "device": "d"}
_KIND_OF_PREFIX = {prefix: kind for kind, prefix in _PREFIX.items()}
_KEY_PURPOSE = {"session": "session", "apikey": "api-key", "device": "device"}

#: The longest gate name a scan records.
GATE_MAX_CHARS = 64
#: Purpose of a guest's capability for one registration: to see and cancel it, and to get its
#: badge (the registration and badges services both accept it).
MANAGE_REGISTRATION = "manage-registration"

HOUR = 3600.0
DAY = 24 * HOUR
#: A session ends after this long unused, and this long after sign-in whatever its use.
SESSION_IDLE_SECONDS = 12 * HOUR
SESSION_MAX_SECONDS = 7 * DAY
#: A session is renewed (its idle limit pushed back) when its token is older than this.
SESSION_RENEW_AFTER_SECONDS = 5 * 60.0
#: The longest an API key lives.
APIKEY_MAX_SECONDS = 365 * DAY
#: A device's credential ends this long after its ceremony ends.
DEVICE_GRACE_SECONDS = DAY


class AuthError(Exception):
    """A credential is missing, malformed, forged or expired."""


@dataclass(frozen=True)
class Principal:
    """Who a valid credential speaks for."""

    kind: str
    credential_id: str
    #: The role of an API key or device; a session's roles are its account's grants.
    role: str | None = None
    ceremony_id: str | None = None
    gate: str | None = None
    account_id: str | None = None
    #: When this token was signed, when it expires, and (sessions) the latest it may be renewed to.
    issued_at: float = 0.0
    expires_at: float = 0.0
    renewable_until: float = 0.0
    #: When the session was first signed in (what "sign out everywhere" compares with).
    started_at: float = 0.0
    #: Who it is, for the audit trail: the account's display name, or the key's or device's.
    name: str | None = None

    def may_act_on(self, ceremony_id: object) -> bool:
        """Whether the credential is unbound or bound to this ceremony."""
        return self.ceremony_id is None or self.ceremony_id == str(ceremony_id)


class Signer:
    """Issues and checks credentials and capabilities with one secret (and its predecessors)."""

    def __init__(self, secret: str | SecretKeys):
        keys = secret if isinstance(secret, SecretKeys) else SecretKeys(secret)
        self._keys = keys
        self._credentials = {
            kind: URLSafeSerializer(keys.verification_keys(purpose), salt=f"ceremony.{purpose}")
            for kind, purpose in _KEY_PURPOSE.items()
        }
        self._capabilities = URLSafeSerializer(
            keys.verification_keys("capability"), salt="ceremony.capability"
        )
        self._csrf_key = keys.key("csrf")

    # -- issuing ----------------------------------------------------------------------------

    def issue_token(
        self,
        role: str,
        *,
        ceremony_id: str | None = None,
        gate: str | None = None,
        ttl_hours: float = 12,
        credential_id: str | None = None,
        name: str | None = None,
    ) -> str:
        """An API key for ``role`` (bound to ``ceremony_id`` unless suite-wide), valid for
        ``ttl_hours`` (a year at most)."""
        role = LEGACY_ROLES.get(role, role)
        if role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}")
        if role == "admin" and ceremony_id:
            raise ValueError("the admin role is suite-wide; it cannot be bound to a ceremony")
        if ttl_hours <= 0:
            raise ValueError("ttl_hours must be positive")
        if ttl_hours * HOUR > APIKEY_MAX_SECONDS:
            raise ValueError("an API key lives a year (8760 hours) at most")
        now = time.time()
        claims = self._claims("apikey", credential_id, now, now + ttl_hours * HOUR)
        claims["r"] = role
        if ceremony_id:
            claims["c"] = str(ceremony_id)
        if gate is not None:
            claims["g"] = _gate(gate)
        if name:
            claims["n"] = name[:100]
        return self._dump("apikey", claims)

    def issue_device(
        self,
        device_id: str,
        *,
        ceremony_id: str,
        gate: str,
        ceremony_ends_at: float,
        name: str | None = None,
    ) -> str:
        """A door device's credential: role door at ``gate``, until the ceremony ends plus a day."""
        now = time.time()
        expires = ceremony_ends_at + DEVICE_GRACE_SECONDS
        if expires <= now:
            raise ValueError("the ceremony has ended; no device can be enrolled for it")
        claims = self._claims("device", device_id, now, expires)
        claims.update(r="door", c=str(ceremony_id), g=_gate(gate))
        if name:
            claims["n"] = name[:100]
        return self._dump("device", claims)

    def issue_session(
        self,
        account_id: str,
        *,
        session_id: str | None = None,
        started_at: float | None = None,
        name: str | None = None,
    ) -> str:
        """A session for ``account_id``: 12 hours from now, never past 7 days after sign-in."""
        now = time.time()
        started = now if started_at is None else started_at
        until = started + SESSION_MAX_SECONDS
        expires = min(now + SESSION_IDLE_SECONDS, until)
        if expires <= now:
            raise ValueError("the session has reached its longest life; sign in again")
        claims = self._claims("session", session_id, now, expires)
        # Sign-in time in milliseconds: "sign out everywhere" then signing in again within the
        # same second must keep the new session.
        claims.update(a=str(account_id), m=int(until), s=int(started * 1000))
        if name:
            claims["n"] = name[:100]
        return self._dump("session", claims)

    def renew_session(self, principal: Principal) -> str | None:
        """A fresh token for a session in use, or None when it needs no renewal (or cannot)."""
        now = time.time()
        if principal.kind != "session" or now - principal.issued_at < SESSION_RENEW_AFTER_SECONDS:
            return None
        if now + 60 >= principal.renewable_until:
            return None
        return self.issue_session(
            principal.account_id,
            session_id=principal.credential_id,
            started_at=principal.started_at,
            name=principal.name,
        )

    def csrf_token(self, principal: Principal) -> str:
        """What a page sends back in ``X-CSRF-Token`` with a change made by cookie."""
        message = f"{principal.kind}:{principal.credential_id}".encode()
        return hmac.new(self._csrf_key, message, hashlib.sha256).hexdigest()[:40]

    # -- checking ---------------------------------------------------------------------------

    def verify_token(self, token: str) -> Principal:
        """The principal of a valid credential; raises ``AuthError`` otherwise."""
        if not token or len(token) > 2048:
            raise AuthError("malformed token")
        prefix, dot, rest = token.partition(".")
        kind = _KIND_OF_PREFIX.get(prefix)
        if kind is None or not dot:
            raise AuthError("not a credential of this suite")
        claims = _load(self._credentials[kind], rest)
        if not isinstance(claims.get("i"), str) or not isinstance(claims.get("t"), int):
            raise AuthError("malformed token")
        _check_expiry(claims)
        if kind == "session":
            if not isinstance(claims.get("a"), str) or not isinstance(claims.get("m"), int):
                raise AuthError("malformed token")
            return Principal(
                kind=kind,
                credential_id=claims["i"],
                account_id=claims["a"],
                issued_at=float(claims["t"]),
                expires_at=float(claims["x"]),
                renewable_until=float(claims["m"]),
                started_at=claims["s"] / 1000 if isinstance(claims.get("s"), int) else 0.0,
                name=_name(claims),
            )
        if claims.get("r") not in ROLES:
            raise AuthError("unknown role")
        return Principal(
            kind=kind,
            credential_id=claims["i"],
            role=claims["r"],
            ceremony_id=claims.get("c"),
            gate=claims.get("g"),
            issued_at=float(claims["t"]),
            expires_at=float(claims["x"]),
            started_at=float(claims["t"]),
            name=_name(claims),
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

    # -- inside -----------------------------------------------------------------------------

    @staticmethod
    def _claims(kind: str, credential_id: str | None, now: float, expires: float) -> dict:
        return {
            "i": str(credential_id or uuid.uuid4()),
            "t": int(now),
            "x": int(expires),
        }

    def _dump(self, kind: str, claims: dict) -> str:
        return f"{_PREFIX[kind]}.{self._credentials[kind].dumps(claims)}"


def kind_of(token: str) -> str | None:
    """The kind of credential a token claims to be (unchecked), or None."""
    prefix, dot, _ = token.partition(".")
    return _KIND_OF_PREFIX.get(prefix) if dot else None


def _name(claims: dict) -> str | None:
    name = claims.get("n")
    return name if isinstance(name, str) else None


def _gate(gate: str) -> str:
    if not _is_gate_name(gate):
        raise ValueError("gate must be one line of 1 to 64 printable characters")
    return gate


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
