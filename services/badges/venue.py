"""The venue as badges keeps it from the bus: each ceremony's zones and door hours, each
holder's seat.

Both arrive out of order after a retry like every projection, so each row remembers the
``occurred_at`` of the event it reflects and older events are ignored. A seat may arrive before
the registration it belongs to: it is kept on its own, keyed by the registration.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.events import Event
from shared.venue import seat_label, usher_hint

from .models import ceremony_access, seats

#: The seat fields a seat row and an event share.
SEAT_FIELDS = ("section", "kind", "row", "number", "block")


def zones_admitting(zones: Iterable[Mapping[str, Any]], category: str) -> list[str]:
    """The names of the zones a holder of ``category`` is admitted to, in the ceremony's order."""
    return [zone["name"] for zone in zones if category in zone["categories"]]


def apply_access(session: Session, event: Event) -> set[str]:
    """Keep the zones and gate rules a ceremony event carries; returns the categories whose
    zones changed (none when a newer copy is kept already)."""
    data = event.data
    row = {
        "zones": [
            {"name": zone["name"], "categories": list(zone["categories"])}
            for zone in data.get("zones", [])
        ],
        "gate_rules": [_rule_to_json(rule) for rule in data.get("gate_rules", [])],
        "as_of": event.occurred_at,
    }
    current = session.execute(
        select(ceremony_access.c.zones, ceremony_access.c.as_of)
        .where(ceremony_access.c.ceremony_id == data["ceremony_id"])
        .with_for_update()
    ).first()
    if current is None:
        session.execute(ceremony_access.insert().values(ceremony_id=data["ceremony_id"], **row))
        return _changed_categories([], row["zones"])
    if current.as_of > event.occurred_at:
        return set()
    session.execute(
        ceremony_access.update()
        .where(ceremony_access.c.ceremony_id == data["ceremony_id"])
        .values(**row)
    )
    return _changed_categories(current.zones, row["zones"])


def _rule_to_json(rule: Mapping[str, Any]) -> dict[str, Any]:
    return {
        "gate": rule["gate"],
        "zones": list(rule["zones"]),
        "opens_at": _iso(rule.get("opens_at")),
        "closes_at": _iso(rule.get("closes_at")),
    }


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _changed_categories(before: Sequence[Mapping], after: Sequence[Mapping]) -> set[str]:
    categories = {c for zone in (*before, *after) for c in zone["categories"]}
    return {c for c in categories if zones_admitting(before, c) != zones_admitting(after, c)}


def apply_seat(session: Session, event: Event) -> bool:
    """Keep the seat ``seating.assigned`` gives; returns True when the holder's seat changed
    (False for an older event, or one that only repeats the seat kept)."""
    data = event.data
    seat = data.get("seat") or {}
    row = {
        "ceremony_id": data["ceremony_id"],
        "seat_id": seat.get("id"),
        **{name: seat.get(name) for name in SEAT_FIELDS},
        "accessible_seat": bool(data.get("accessible_seat")),
        "as_of": event.occurred_at,
    }
    key = data["registration_id"]
    current = session.execute(
        select(seats).where(seats.c.registration_id == key).with_for_update()
    ).first()
    if current is None:
        session.execute(seats.insert().values(registration_id=key, **row))
        return row["seat_id"] is not None
    if current.as_of > event.occurred_at:
        return False
    session.execute(seats.update().where(seats.c.registration_id == key).values(**row))
    return _printed_seat(current._mapping) != _printed_seat(row)


def _printed_seat(row: Mapping[str, Any]) -> tuple:
    return (row["seat_id"], *(row[name] for name in SEAT_FIELDS))


def seat_view(row: Any, language: str | None = "en") -> dict[str, Any] | None:
    """A holder's seat from a row with the seat columns (``seat_id`` and ``SEAT_FIELDS``), with
    its name and the usher's hint in ``language``; None when they have no seat."""
    if getattr(row, "seat_id", None) is None:
        return None
    seat = {"id": row.seat_id, **{name: getattr(row, name) for name in SEAT_FIELDS}}
    seat["kind"] = seat["kind"] or "rows"
    return {**seat, "label": seat_label(seat, language), "usher": usher_hint(seat, language)}


#: The seat columns ``seat_view`` reads, for a query outer-joined to ``seats``.
SEAT_COLUMNS = (
    seats.c.seat_id,
    *(seats.c[name] for name in SEAT_FIELDS),
    seats.c.accessible_seat,
)
