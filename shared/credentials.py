"""What every service knows of credentials beyond their signature: revocations and grants.

The registration service owns accounts, sessions, devices and API keys. It publishes each
revocation (``credential.revoked``), each "sign out everywhere" or disabled account
(``account.signed_out``) and each role granted or withdrawn (``role.granted``,
``role.revoked``). Every service keeps them in three small tables and checks a credential
against them on each request, through a cache of at most ``CACHE_SECONDS``; the registration
service writes its own copy in the transaction that makes the change.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import JSON, Boolean, Column, MetaData, String, Table, delete, select
from sqlalchemy.orm import Session

from .auth import Principal
from .db import Database, UTCDateTime
from .events import Event

#: How long a service may keep answering from what it last read of these tables.
CACHE_SECONDS = 1.0
#: The scope of a suite-wide grant (the admin role).
SUITE = "*"


@dataclass(frozen=True)
class CredentialTables:
    revocations: Table
    signouts: Table
    grants: Table


def credential_tables(metadata: MetaData) -> CredentialTables:
    """The three tables, declared in a service's metadata."""
    return CredentialTables(
        revocations=Table(
            "credential_revocations",
            metadata,
            Column("credential_id", String(36), primary_key=True),
            Column("kind", String(16), nullable=False),
            Column("revoked_at", UTCDateTime(), nullable=False),
            # After this the credential has expired anyway and the row can go.
            Column("expires_at", UTCDateTime()),
        ),
        signouts=Table(
            "account_signouts",
            metadata,
            Column("account_id", String(36), primary_key=True),
            # Sessions signed in before this instant are refused.
            Column("before", UTCDateTime(), nullable=False),
            Column("disabled", Boolean, nullable=False, default=False),
        ),
        grants=Table(
            "role_grants",
            metadata,
            Column("account_id", String(36), primary_key=True),
            # A ceremony's id, or SUITE for the admin role.
            Column("scope", String(36), primary_key=True),
            Column("role", String(16), nullable=False),
            # The gates a door role may scan at; empty: every gate.
            Column("gates", JSON, nullable=False, default=list),
            Column("as_of", UTCDateTime(), nullable=False),
        ),
    )


def tables_in(metadata: MetaData) -> CredentialTables:
    """The three tables of a service whose metadata declared them."""
    return CredentialTables(
        revocations=metadata.tables["credential_revocations"],
        signouts=metadata.tables["account_signouts"],
        grants=metadata.tables["role_grants"],
    )


@dataclass(frozen=True)
class Grant:
    role: str
    gates: tuple[str, ...] = ()


# -- writing (the registration service directly, the others from events) -------------------


def record_revocation(
    session: Session,
    tables: CredentialTables,
    credential_id: str,
    kind: str,
    *,
    revoked_at: datetime,
    expires_at: datetime | None,
) -> None:
    exists = session.execute(
        select(tables.revocations.c.credential_id).where(
            tables.revocations.c.credential_id == str(credential_id)
        )
    ).first()
    if exists is None:
        session.execute(
            tables.revocations.insert().values(
                credential_id=str(credential_id),
                kind=kind,
                revoked_at=revoked_at,
                expires_at=expires_at,
            )
        )


def record_signout(
    session: Session,
    tables: CredentialTables,
    account_id: str,
    *,
    before: datetime,
    disabled: bool,
) -> None:
    table = tables.signouts
    row = session.execute(
        select(table.c.before).where(table.c.account_id == str(account_id))
    ).first()
    if row is None:
        session.execute(
            table.insert().values(account_id=str(account_id), before=before, disabled=disabled)
        )
    else:
        session.execute(
            table.update()
            .where(table.c.account_id == str(account_id))
            .values(before=max(before, row.before), disabled=disabled)
        )


def record_grant(
    session: Session,
    tables: CredentialTables,
    account_id: str,
    scope: str,
    role: str | None,
    *,
    gates: list[str] | tuple[str, ...] = (),
    as_of: datetime,
) -> None:
    """Set (or, with ``role`` None, withdraw) an account's role in ``scope``; older news loses."""
    table = tables.grants
    where = (table.c.account_id == str(account_id)) & (table.c.scope == str(scope))
    row = session.execute(select(table.c.as_of).where(where)).first()
    if row is not None and row.as_of > as_of:
        return
    session.execute(delete(table).where(where))
    if role is not None:
        session.execute(
            table.insert().values(
                account_id=str(account_id),
                scope=str(scope),
                role=role,
                gates=list(gates),
                as_of=as_of,
            )
        )


def credential_handlers(tables: CredentialTables) -> dict:
    """Bus handlers keeping the three tables, for the services that receive them."""

    def on_credential_revoked(session: Session, event: Event) -> None:
        data = event.data
        record_revocation(
            session,
            tables,
            str(data["credential_id"]),
            data["kind"],
            revoked_at=event.occurred_at,
            expires_at=data.get("expires_at"),
        )

    def on_signed_out(session: Session, event: Event) -> None:
        data = event.data
        record_signout(
            session,
            tables,
            str(data["account_id"]),
            before=data["before"],
            disabled=data.get("disabled", False),
        )

    def on_granted(session: Session, event: Event) -> None:
        data = event.data
        record_grant(
            session,
            tables,
            str(data["account_id"]),
            data["scope"],
            data["role"],
            gates=data.get("gates") or (),
            as_of=event.occurred_at,
        )

    def on_withdrawn(session: Session, event: Event) -> None:
        data = event.data
        record_grant(
            session, tables, str(data["account_id"]), data["scope"], None, as_of=event.occurred_at
        )

    return {
        "credential.revoked": on_credential_revoked,
        "account.signed_out": on_signed_out,
        "role.granted": on_granted,
        "role.revoked": on_withdrawn,
    }


def purge_expired_revocations(session: Session, tables: CredentialTables, now: datetime) -> int:
    """Forget revocations of credentials that have expired anyway."""
    result = session.execute(
        delete(tables.revocations).where(
            tables.revocations.c.expires_at.is_not(None), tables.revocations.c.expires_at < now
        )
    )
    return result.rowcount or 0


# -- reading ---------------------------------------------------------------------------------


class CredentialStore:
    """Answers "is this credential still good?" and "what may this account do?" from the
    service's tables, remembering each answer for ``CACHE_SECONDS``."""

    def __init__(self, database: Database, tables: CredentialTables, ttl: float = CACHE_SECONDS):
        self._database = database
        self._tables = tables
        self._ttl = ttl
        self._lock = threading.Lock()
        self._refusals: dict[str, tuple[float, str | None]] = {}
        self._grants: dict[str, tuple[float, dict[str, Grant]]] = {}

    def refusal(self, principal: Principal) -> str | None:
        """Why the credential is no longer accepted (``revoked``, ``signed_out``,
        ``account_disabled``), or None."""
        key = f"{principal.credential_id}:{principal.account_id or ''}:{principal.started_at}"
        now = time.monotonic()
        with self._lock:
            cached = self._refusals.get(key)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        answer = self._look_up_refusal(principal)
        with self._lock:
            if len(self._refusals) > 50_000:
                self._refusals.clear()
            self._refusals[key] = (now, answer)
        return answer

    def grants(self, account_id: str) -> dict[str, Grant]:
        """The account's roles: ceremony id (or ``SUITE``) → grant."""
        now = time.monotonic()
        with self._lock:
            cached = self._grants.get(account_id)
        if cached is not None and now - cached[0] < self._ttl:
            return cached[1]
        table = self._tables.grants
        with self._database.reading() as session:
            rows = session.execute(
                select(table.c.scope, table.c.role, table.c.gates).where(
                    table.c.account_id == account_id
                )
            ).all()
        answer = {row.scope: Grant(row.role, tuple(row.gates or ())) for row in rows}
        with self._lock:
            if len(self._grants) > 50_000:
                self._grants.clear()
            self._grants[account_id] = (now, answer)
        return answer

    def forget(self) -> None:
        """Drop what is cached (after this process changed the tables itself)."""
        with self._lock:
            self._refusals.clear()
            self._grants.clear()

    def _look_up_refusal(self, principal: Principal) -> str | None:
        tables = self._tables
        with self._database.reading() as session:
            revoked = session.execute(
                select(tables.revocations.c.credential_id).where(
                    tables.revocations.c.credential_id == principal.credential_id
                )
            ).first()
            if revoked is not None:
                return "revoked"
            if principal.account_id is None:
                return None
            signout = session.execute(
                select(tables.signouts.c.before, tables.signouts.c.disabled).where(
                    tables.signouts.c.account_id == principal.account_id
                )
            ).first()
        if signout is None:
            return None
        if signout.disabled:
            return "account_disabled"
        started = datetime.fromtimestamp(principal.started_at, UTC)
        if started < signout.before:
            return "signed_out"
        return None


def create_credential_tables(op) -> None:
    """The migration step that adds the three tables (each service's migrations call it)."""
    import sqlalchemy as sa

    op.create_table(
        "credential_revocations",
        sa.Column("credential_id", sa.String(length=36), primary_key=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "account_signouts",
        sa.Column("account_id", sa.String(length=36), primary_key=True),
        sa.Column("before", sa.DateTime(timezone=True), nullable=False),
        sa.Column("disabled", sa.Boolean(), nullable=False),
    )
    op.create_table(
        "role_grants",
        sa.Column("account_id", sa.String(length=36), primary_key=True),
        sa.Column("scope", sa.String(length=36), primary_key=True),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("gates", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )


def drop_credential_tables(op) -> None:
    for name in ("role_grants", "account_signouts", "credential_revocations"):
        op.drop_table(name)
