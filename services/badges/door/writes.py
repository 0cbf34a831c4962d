"""How the door writes a scan: presence, the scan's log row and its event, in one statement.

The door is the hot path, and each statement costs a round trip and the driver's work. On
PostgreSQL the writes of one scan go as one statement (data-modifying CTEs); SQLite, which has
no such CTEs, runs the same statements one after the other. The statements are built once.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import bindparam, func
from sqlalchemy.engine import Connection

from ..models import checkins, outbox, presence


def _param(name: str, column):
    return bindparam(name, type_=column.type)


ENTER = (
    presence.update()
    .where(presence.c.badge_id == bindparam("presence_badge"))
    .values(
        inside=True,
        last_in_at=_param("presence_at", presence.c.last_in_at),
        last_in_gate=_param("presence_gate", presence.c.last_in_gate),
        first_in_at=func.coalesce(
            presence.c.first_in_at, _param("presence_at", presence.c.last_in_at)
        ),
    )
)
LEAVE = (
    presence.update()
    .where(presence.c.badge_id == bindparam("presence_badge"))
    .values(
        inside=False,
        last_out_at=_param("presence_at", presence.c.last_out_at),
        last_out_gate=_param("presence_gate", presence.c.last_out_gate),
    )
)
_LOG = checkins.insert().values(
    {column: _param(f"log_{column.name}", column) for column in checkins.c}
)
_EVENT = outbox.insert().values(
    event_id=_param("event_id", outbox.c.event_id),
    event_type=_param("event_type", outbox.c.event_type),
    body=_param("event_body", outbox.c.body),
)


def _chained(*steps):
    """One statement running every step: the last one, with the others as CTEs before it."""
    statement = steps[-1]
    for index, step in enumerate(steps[:-1]):
        statement = statement.add_cte(step.cte(f"step_{index}"))
    return statement


# Every combination a scan can need: a presence change or none, always a log, an event or none.
_CHAINS = {
    (change, announced): _chained(
        *[step for step in (change, _LOG, _EVENT if announced else None) if step is not None]
    )
    for change in (ENTER, LEAVE, None)
    for announced in (True, False)
}


def write_scan(
    connection: Connection,
    log: dict[str, Any],
    change=None,
    event: dict[str, Any] | None = None,
) -> None:
    """Write a scan's log row, its presence ``change`` (ENTER, LEAVE or None), its outbox row.

    The presence change applies to the log row's badge, at its time and gate.
    """
    steps = []
    if change is not None:
        presence_values = {
            "presence_badge": log["badge_id"],
            "presence_at": log["scanned_at"],
            "presence_gate": log["gate"],
        }
        steps.append((change, presence_values))
    steps.append((_LOG, {f"log_{name}": value for name, value in log.items()}))
    if event is not None:
        event_values = {
            "event_id": event["event_id"],
            "event_type": event["event_type"],
            "event_body": event["body"],
        }
        steps.append((_EVENT, event_values))
    if connection.dialect.name == "postgresql":
        values = {name: value for _, step_values in steps for name, value in step_values.items()}
        connection.execute(_CHAINS[change, event is not None], values)
        return
    for statement, step_values in steps:
        connection.execute(statement, step_values)
