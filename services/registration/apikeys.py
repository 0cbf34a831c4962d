"""API keys: named credentials for automation, with one role, suite-wide or for one ceremony.

The key itself is shown once, when it is made; only its record stays (name, role, ceremony,
expiry), so that it can be listed and revoked. Revoking one refuses it in every service.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.auth import CEREMONY_ROLES, GATE_MAX_CHARS, LEGACY_ROLES, ROLES, Signer
from shared.errors import DomainError, not_found

from .ceremonies import get_ceremony
from .credential_events import revoke_credential
from .models import ApiKey, audit

DEFAULT_DAYS = 90
MAX_DAYS = 365
NAME_MAX_CHARS = 100


@dataclass(frozen=True)
class KeyRequest:
    """What a new key is to be, checked: see ``key_request``."""

    name: str
    role: str
    ceremony_id: uuid.UUID | None
    hours: float
    #: The gate a door key speaks for (the older ``ceremony token issue --gate``).
    gate: str | None = None


def key_request(
    name: str,
    role: str,
    ceremony_id: uuid.UUID | None = None,
    *,
    days: int | None = None,
    hours: float | None = None,
    gate: str | None = None,
) -> KeyRequest:
    """Check a key's description before anything is written; its life is ``days`` (1 to 365,
    90 by default) or, for the older command, ``hours``."""
    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name or len(name) > NAME_MAX_CHARS or not name.isprintable():
        errors["name"] = [f"One line of 1 to {NAME_MAX_CHARS} printable characters."]
    role = LEGACY_ROLES.get(role, role)
    if role not in ROLES:
        errors["role"] = [f"Must be one of: {', '.join(ROLES)}."]
    elif ceremony_id is not None and role not in CEREMONY_ROLES:
        errors["role"] = [
            f"The {role} role is suite-wide; a key for one ceremony is one of: "
            f"{', '.join(CEREMONY_ROLES)}."
        ]
    if hours is None:
        days = DEFAULT_DAYS if days is None else days
        if not 1 <= days <= MAX_DAYS:
            errors["expires_in_days"] = [f"Must be between 1 and {MAX_DAYS}."]
        hours = days * 24
    elif not 0 < hours <= MAX_DAYS * 24:
        errors["ttl"] = [f"Must be more than 0 and at most {MAX_DAYS * 24} hours."]
    if gate is not None and (not gate or len(gate) > GATE_MAX_CHARS or not gate.isprintable()):
        errors["gate"] = [f"gate must be one line of 1 to {GATE_MAX_CHARS} printable characters."]
    if errors:
        fields = ", ".join(errors)
        raise DomainError(
            "invalid_api_key", f"Invalid input: {fields}", kind="invalid", errors=errors
        )
    return KeyRequest(name=name, role=role, ceremony_id=ceremony_id, hours=hours, gate=gate)


def create_api_key(
    session: Session,
    signer: Signer,
    request: KeyRequest,
    *,
    created_by: str | None = None,
    actor: dict[str, Any] = SYSTEM,
) -> tuple[ApiKey, str]:
    """Record a new key and return it with the key itself, which is shown only now."""
    if request.ceremony_id is not None:
        get_ceremony(session, request.ceremony_id)
    key_id = uuid.uuid4()
    key = signer.issue_token(
        request.role,
        ceremony_id=str(request.ceremony_id) if request.ceremony_id else None,
        gate=request.gate,
        ttl_hours=request.hours,
        credential_id=str(key_id),
        name=request.name,
    )
    issued = signer.verify_token(key)
    row = ApiKey(
        id=key_id,
        name=request.name,
        role=request.role,
        ceremony_id=request.ceremony_id,
        created_by=created_by,
        created_at=datetime.fromtimestamp(issued.issued_at, UTC),
        expires_at=datetime.fromtimestamp(issued.expires_at, UTC),
    )
    session.add(row)
    session.flush()
    after = {"name": row.name, "role": row.role, "expires_at": row.expires_at}
    if request.gate:
        after["gate"] = request.gate
    _audit(session, actor, row, "apikey.created", after=after)
    return row, key


def get_api_key(session: Session, key_id: uuid.UUID) -> ApiKey:
    """One key's record, or ``apikey_not_found``."""
    row = session.get(ApiKey, key_id)
    if row is None:
        raise not_found("apikey", key_id)
    return row


def list_api_keys(session: Session, ceremony_id: uuid.UUID | None = None) -> list[ApiKey]:
    """The keys of one ceremony, or (None) every key; newest first."""
    query = select(ApiKey)
    if ceremony_id is not None:
        get_ceremony(session, ceremony_id)
        query = query.where(ApiKey.ceremony_id == ceremony_id)
    return list(session.scalars(query.order_by(ApiKey.created_at.desc(), ApiKey.id)))


def revoke_api_key(
    session: Session, key_id: uuid.UUID, *, actor: dict[str, Any] = SYSTEM
) -> ApiKey:
    """Refuse the key everywhere from now on; revoking it again changes nothing."""
    row = session.get(ApiKey, key_id, with_for_update=True, populate_existing=True)
    if row is None:
        raise not_found("apikey", key_id)
    if row.revoked_at is None:
        row.revoked_at = datetime.now(UTC)
        revoke_credential(session, row.id, "apikey", expires_at=row.expires_at)
        session.flush()
        _audit(session, actor, row, "apikey.revoked", after={"revoked_at": row.revoked_at})
    return row


def key_status(row: ApiKey, now: datetime | None = None) -> str:
    """active, expired or revoked."""
    if row.revoked_at is not None:
        return "revoked"
    return "active" if row.expires_at > (now or datetime.now(UTC)) else "expired"


def _audit(session: Session, actor: dict[str, Any], row: ApiKey, action: str, **change) -> None:
    record(session, audit, actor, action, "apikey", row.id, ceremony_id=row.ceremony_id, **change)
