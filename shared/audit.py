"""The audit trail: every change a person makes, with who, when, from where, and what changed.

Each service records the changes made in it, in its own ``audit_entries`` table, in the
transaction that makes the change. Who acted comes from the request (``shared.access.actor``):
an account's session, an API key, a door device, or a guest acting through their own link. A
change the bus causes (a waitlist promotion after a cancellation) is recorded with the action
that caused it, not on its own.

Entries name their subjects by id and never copy a person's name or email address into
``before`` and ``after`` (``withhold`` marks such a field as changed without its value): when a
person is erased, or a ceremony purged, the trail keeps what happened and no longer who it
happened to. What a guest did keeps their address only until then (``forget_addresses``).

Actions, by service:

- registration: ``ceremony.created``, ``ceremony.updated``, ``ceremony.purged``;
  ``registration.created`` (by the guest), ``registration.added_by_staff``,
  ``registration.cancelled``, ``registration.erased``; ``invitation.created``,
  ``invitation.reminded``, ``invitation.answered`` (by the invitee),
  ``invitation.answered_by_staff``; ``registration_request.created``, ``.renewed``,
  ``.confirmed`` (by the guest), ``.approved``, ``.declined``.
- badges: ``checkin.admitted_by_name`` (a scanned badge is a check-in, not an entry);
  ``certificate.released``, ``certificate.revoked``.
- notifications: ``delivery.resent``, ``announcement.sent``.
"""

from __future__ import annotations

import csv
import io
import json
import uuid
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import JSON, Column, Index, MetaData, String, Table, Uuid, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from .db import UTCDateTime

ACTOR_KINDS = ("session", "apikey", "device", "guest", "system")
#: Who acts when no person does: a command, the retention sweep, a test calling a rule.
SYSTEM: dict[str, Any] = {"kind": "system", "id": None, "name": None, "address": None}
#: What an entry shows for a personal value that changed (an address), instead of the value.
WITHHELD = "(withheld)"
CSV_COLUMNS = (
    "at",
    "action",
    "subject_type",
    "subject_id",
    "actor_kind",
    "actor_id",
    "actor_name",
    "address",
    "before",
    "after",
)


def audit_table(metadata: MetaData) -> Table:
    """The ``audit_entries`` table, declared in a service's metadata."""
    table = Table(
        "audit_entries",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("ceremony_id", Uuid),
        Column("at", UTCDateTime(), nullable=False),
        Column("actor_kind", String(16), nullable=False),
        # The account of a session, or the id of an API key or device; none for a guest.
        Column("actor_id", String(36)),
        Column("actor_name", String(200)),
        Column("address", String(64)),
        # What was done, past tense: "ceremony.updated", "registration.cancelled", ...
        Column("action", String(64), nullable=False),
        Column("subject_type", String(32), nullable=False),
        Column("subject_id", String(64)),
        # The fields that changed, before and after (None when created or deleted).
        Column("before", JSON),
        Column("after", JSON),
    )
    Index("ix_audit_entries_ceremony_at", table.c.ceremony_id, table.c.at)
    return table


def create_audit_table(op) -> None:
    """The migration step that adds the table (each service's migrations call it)."""
    import sqlalchemy as sa

    op.create_table(
        "audit_entries",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("ceremony_id", sa.Uuid(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("actor_kind", sa.String(length=16), nullable=False),
        sa.Column("actor_id", sa.String(length=36), nullable=True),
        sa.Column("actor_name", sa.String(length=200), nullable=True),
        sa.Column("address", sa.String(length=64), nullable=True),
        sa.Column("action", sa.String(length=64), nullable=False),
        sa.Column("subject_type", sa.String(length=32), nullable=False),
        sa.Column("subject_id", sa.String(length=64), nullable=True),
        sa.Column("before", sa.JSON(), nullable=True),
        sa.Column("after", sa.JSON(), nullable=True),
    )
    op.create_index("ix_audit_entries_ceremony_at", "audit_entries", ["ceremony_id", "at"])


def drop_audit_table(op) -> None:
    op.drop_index("ix_audit_entries_ceremony_at", table_name="audit_entries")
    op.drop_table("audit_entries")


def _plain(value: Any) -> Any:
    """A JSON-ready copy of a recorded value."""
    if isinstance(value, dict):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(item) for item in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return str(value)


def changes(before: dict[str, Any], after: dict[str, Any]) -> tuple[dict, dict]:
    """Only the fields that differ, before and after."""
    keys = [key for key in after if before.get(key) != after.get(key)]
    keys += [key for key in before if key not in after]
    return (
        {key: _plain(before.get(key)) for key in keys},
        {key: _plain(after.get(key)) for key in keys},
    )


def withhold(values: dict[str, Any], names: tuple[str, ...]) -> dict[str, Any]:
    """``values`` with each of ``names`` that holds something replaced by ``WITHHELD``."""
    return {
        key: WITHHELD if key in names and value is not None else value
        for key, value in values.items()
    }


def entry_values(
    actor: dict[str, Any],
    action: str,
    subject_type: str,
    subject_id: object | None,
    *,
    ceremony_id: object | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The columns of one entry, as ``record`` writes them (for a statement that writes its
    own)."""
    return {
        "id": uuid.uuid4(),
        "ceremony_id": _uuid(ceremony_id),
        "at": datetime.now(UTC),
        "actor_kind": actor.get("kind") or "system",
        "actor_id": _text(actor.get("id"), 36),
        "actor_name": _text(actor.get("name"), 200),
        "address": _text(actor.get("address"), 64),
        "action": action,
        "subject_type": subject_type,
        "subject_id": _text(subject_id, 64),
        "before": _plain(before) if before is not None else None,
        "after": _plain(after) if after is not None else None,
    }


def record(
    session: Session | Connection,
    table: Table,
    actor: dict[str, Any],
    action: str,
    subject_type: str,
    subject_id: object | None,
    *,
    ceremony_id: object | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add one entry to the trail, in the caller's transaction (a session or a connection)."""
    values = entry_values(
        actor,
        action,
        subject_type,
        subject_id,
        ceremony_id=ceremony_id,
        before=before,
        after=after,
    )
    session.execute(table.insert().values(**values))


def forget_addresses(
    session: Session,
    table: Table,
    ceremony_id: object,
    subject_ids: list[object] | None = None,
) -> None:
    """Drop the network address of what guests did about ``subject_ids`` (every subject of
    the ceremony when None): an erased person is no longer traceable through the trail."""
    query = table.update().where(
        table.c.ceremony_id == _uuid(ceremony_id), table.c.actor_kind == "guest"
    )
    if subject_ids is not None:
        query = query.where(table.c.subject_id.in_([str(subject) for subject in subject_ids]))
    session.execute(query.values(address=None))


def entries(
    session: Session,
    table: Table,
    ceremony_id: object,
    *,
    action: str | None = None,
    actor: str | None = None,
    subject_id: str | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    limit: int = 500,
    offset: int = 0,
) -> list:
    """A ceremony's entries, newest first, filtered."""
    query = select(table).where(table.c.ceremony_id == _uuid(ceremony_id))
    if action:
        query = query.where(table.c.action == action)
    if actor:
        query = query.where((table.c.actor_id == actor) | (table.c.actor_name == actor))
    if subject_id:
        query = query.where(table.c.subject_id == subject_id)
    if since is not None:
        query = query.where(table.c.at >= since)
    if until is not None:
        query = query.where(table.c.at < until)
    query = query.order_by(table.c.at.desc(), table.c.id).limit(limit).offset(offset)
    return list(session.execute(query))


def entries_csv(rows) -> str:
    """Entries as CSV, every cell quoted, spreadsheet formulas neutralised."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for row in rows:
        values = []
        for column in CSV_COLUMNS:
            value = getattr(row, column)
            if column in ("before", "after"):
                value = (
                    "" if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)
                )
            elif isinstance(value, datetime):
                value = value.isoformat()
            values.append(_cell("" if value is None else str(value)))
        writer.writerow(values)
    return out.getvalue()


def _cell(text: str) -> str:
    """A cell a spreadsheet shows as text, never runs as a formula."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _uuid(value: object | None) -> uuid.UUID | None:
    if value is None or isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


def _text(value: object | None, limit: int) -> str | None:
    return None if value is None else str(value)[:limit]
