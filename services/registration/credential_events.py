"""What the service tells the suite of credentials and roles, and its own copy of it.

Each change is written to this service's credential tables and published in the same
transaction, so every service refuses a revoked credential, or applies a role, from the bus.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy.orm import Session

from shared.credentials import record_grant, record_revocation, record_signout
from shared.outbox import publish_event

from .models import credentials, outbox

SOURCE = "registration"


def revoke_credential(
    session: Session, credential_id: object, kind: str, *, expires_at: datetime | None
) -> None:
    """Refuse a session, device or API key everywhere from now on."""
    now = datetime.now(UTC)
    record_revocation(
        session, credentials, str(credential_id), kind, revoked_at=now, expires_at=expires_at
    )
    publish_event(
        session,
        outbox,
        "credential.revoked",
        {"credential_id": uuid.UUID(str(credential_id)), "kind": kind, "expires_at": expires_at},
        SOURCE,
    )


def sign_out_account(session: Session, account_id: object, *, disabled: bool = False) -> None:
    """Refuse every session of the account signed in until now (all of them if disabled)."""
    now = datetime.now(UTC)
    record_signout(session, credentials, str(account_id), before=now, disabled=disabled)
    publish_event(
        session,
        outbox,
        "account.signed_out",
        {"account_id": uuid.UUID(str(account_id)), "before": now, "disabled": disabled},
        SOURCE,
    )


def set_role(
    session: Session,
    account_id: object,
    scope: str,
    role: str,
    *,
    gates: Sequence[str] = (),
) -> None:
    """Give the account ``role`` in ``scope`` (a ceremony id, or ``*`` for admin)."""
    now = datetime.now(UTC)
    record_grant(session, credentials, str(account_id), str(scope), role, gates=gates, as_of=now)
    publish_event(
        session,
        outbox,
        "role.granted",
        {
            "account_id": uuid.UUID(str(account_id)),
            "scope": str(scope),
            "role": role,
            "gates": list(gates),
        },
        SOURCE,
    )


def withdraw_role(session: Session, account_id: object, scope: str) -> None:
    """Take the account's role in ``scope`` away."""
    now = datetime.now(UTC)
    record_grant(session, credentials, str(account_id), str(scope), None, as_of=now)
    publish_event(
        session,
        outbox,
        "role.revoked",
        {"account_id": uuid.UUID(str(account_id)), "scope": str(scope)},
        SOURCE,
    )
