"""What the three services' audit endpoints share: the query, the entry, the CSV answer.

Each service serves ``GET /api/ceremonies/<id>/audit`` and ``.../audit.csv`` for the entries
it recorded; the view checks the ceremony exists there and hands the filters to
``audit_entries`` or ``audit_csv``.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from flask import Response, request
from marshmallow import Schema, ValidationError, fields, validate, validates_schema
from sqlalchemy import Table
from sqlalchemy.orm import Session

from .audit import ACTOR_KINDS, entries, entries_csv
from .contract import Instant, single_line

#: How many entries one page holds by default, and at most.
DEFAULT_LIMIT, MAX_LIMIT = 200, 1000


def guest_actor() -> dict[str, Any]:
    """The guest acting through their own link or a public page: no id, their address.

    Used where the rules treat the caller as the guest, whatever credential the browser holds.
    """
    return {"kind": "guest", "id": None, "name": None, "address": request.remote_addr}


class AuditQuerySchema(Schema):
    """Filters of a ceremony's audit trail; all of them together."""

    action = fields.String(
        validate=[validate.Length(min=1, max=64), single_line],
        metadata={"description": "Only this action, e.g. registration.cancelled."},
    )
    actor = fields.String(
        validate=[validate.Length(min=1, max=200), single_line],
        metadata={"description": "Only what this account, API key or device did: its id or name."},
    )
    subject_id = fields.String(
        validate=[validate.Length(min=1, max=64), single_line],
        metadata={"description": "Only entries about this subject (a registration's id, ...)."},
    )
    since = Instant(
        default_timezone=UTC,
        metadata={"description": "From this instant on (ISO 8601; without an offset, UTC)."},
    )
    until = Instant(
        default_timezone=UTC,
        metadata={"description": "Before this instant (ISO 8601; without an offset, UTC)."},
    )
    limit = fields.Integer(
        load_default=DEFAULT_LIMIT,
        validate=validate.Range(1, MAX_LIMIT),
        metadata={"description": f"At most this many entries (1 to {MAX_LIMIT})."},
    )
    offset = fields.Integer(
        load_default=0,
        validate=validate.Range(0, 10_000_000),
        metadata={"description": "Skip this many of the newest entries first."},
    )

    @validates_schema
    def _in_order(self, data, **kwargs):
        since, until = data.get("since"), data.get("until")
        if since is not None and until is not None and until <= since:
            raise ValidationError("Must be after since.", "until")


class AuditActorSchema(Schema):
    """Who made a change."""

    kind = fields.String(
        validate=validate.OneOf(ACTOR_KINDS),
        metadata={"description": "session (an account), apikey, device, guest or system."},
    )
    id = fields.String(
        allow_none=True,
        metadata={"description": "The account of a session, the API key's or device's id."},
    )
    name = fields.String(
        allow_none=True, metadata={"description": "The account's, key's or device's name."}
    )
    address = fields.String(
        allow_none=True, metadata={"description": "The network address the change came from."}
    )


class AuditEntrySchema(Schema):
    """One change: who, when, what, and the fields it changed."""

    id = fields.UUID()
    at = fields.AwareDateTime(metadata={"description": "When, in UTC."})
    actor = fields.Nested(AuditActorSchema)
    action = fields.String(metadata={"description": "What was done, e.g. ceremony.updated."})
    subject_type = fields.String(
        metadata={"description": "What it was done to: ceremony, registration, invitation, ..."}
    )
    subject_id = fields.String(allow_none=True, metadata={"description": "Its id."})
    before = fields.Dict(
        allow_none=True,
        metadata={"description": "The changed fields before (null for something new)."},
    )
    after = fields.Dict(allow_none=True, metadata={"description": "The changed fields after."})


def entry(row) -> dict[str, Any]:
    """An ``audit_entries`` row as the API shows it."""
    return {
        "id": row.id,
        "at": row.at,
        "actor": {
            "kind": row.actor_kind,
            "id": row.actor_id,
            "name": row.actor_name,
            "address": row.address,
        },
        "action": row.action,
        "subject_type": row.subject_type,
        "subject_id": row.subject_id,
        "before": row.before,
        "after": row.after,
    }


def audit_entries(
    session: Session, table: Table, ceremony_id: object, filters: dict
) -> list[dict[str, Any]]:
    """A ceremony's entries for the API, newest first, filtered."""
    return [entry(row) for row in entries(session, table, ceremony_id, **filters)]


def audit_csv(session: Session, table: Table, ceremony_id: object, filters: dict) -> Response:
    """A ceremony's entries as a CSV attachment, newest first, filtered."""
    rows = entries(session, table, ceremony_id, **filters)
    return Response(
        entries_csv(rows),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="audit-{ceremony_id}.csv"'},
    )
