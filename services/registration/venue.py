"""Rules for a ceremony's venue: its layout of seats (given, read from a CSV, saved and reused),
its blocks, its seating rules, its zones and the gates into them.

Every change is one transaction with its audit entry; a change that would strand a seated
guest or a block is refused whole.
"""

from __future__ import annotations

import uuid
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.contract import fold
from shared.errors import DomainError, not_found
from shared.outbox import publish_event
from shared.venue import LayoutSchema

from .ceremonies import ceremony_data, gate_named, lock_ceremony
from .models import Ceremony, Registration, SeatAssignment, VenueLayout, audit, outbox
from .registration_events import SOURCE
from .venue_csv import parse_seats_csv as parse_seats_csv
from .venue_layout import block_names as block_names
from .venue_layout import block_seats, layout_seats
from .venue_layout import seat_info as seat_info
from .venue_layout import seating_blocks as seating_blocks


def set_layout(
    session: Session,
    ceremony: Ceremony,
    layout: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Replace the layout (``LayoutSchema`` data); refused (409 ``seats_in_use``) when a seat
    someone holds would vanish, or (409 ``blocks_outside_layout``) a block's seats would."""
    ceremony = lock_ceremony(session, ceremony.id)
    stored = LayoutSchema().dump(layout)
    before = {"seats": len((ceremony.layout or {}).get("seats", []))}
    previous = ceremony.layout
    ceremony.layout = stored
    held = session.scalars(
        select(SeatAssignment.seat_id).where(SeatAssignment.ceremony_id == ceremony.id)
    ).all()
    vanished = sorted(set(held) - set(layout_seats(ceremony)))
    if vanished:
        ceremony.layout = previous
        raise DomainError(
            "seats_in_use",
            f"Guests sit in seats the new layout does not have: {', '.join(vanished[:10])}.",
            errors={"seats": vanished},
        )
    problems = block_problems(ceremony, ceremony.blocks or [])
    if problems:
        ceremony.layout = previous
        raise DomainError(
            "blocks_outside_layout",
            "Blocks name seats the new layout does not have: change the blocks first.",
            errors={"blocks": problems},
        )
    _touch(ceremony)
    record(
        session,
        audit,
        actor,
        "venue.layout_set",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        before=before,
        after={"name": stored["name"], "seats": len(stored["seats"])},
    )
    return ceremony


def load_layout(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` checked as a layout; a 422 ``validation_error`` names what is wrong."""
    try:
        return LayoutSchema().load(data)
    except ValidationError as exc:
        raise DomainError(
            "validation_error",
            "The layout is not valid.",
            kind="invalid",
            errors=exc.messages_dict,
        ) from None


def save_layout(
    session: Session, ceremony: Ceremony, name: str, *, actor: dict[str, Any] = SYSTEM
) -> VenueLayout:
    """Keep the ceremony's layout under ``name`` for later ceremonies in the same hall."""
    if not ceremony.layout:
        raise DomainError("no_layout", "This ceremony has no layout to save yet.")
    saved = VenueLayout(
        id=uuid.uuid4(),
        name=" ".join(name.split()),
        layout=dict(ceremony.layout),
        created_at=datetime.now(UTC),
        created_by=str(actor.get("id")) if actor.get("id") else None,
    )
    session.add(saved)
    session.flush()
    record(
        session,
        audit,
        actor,
        "venue.layout_saved",
        "venue_layout",
        saved.id,
        ceremony_id=ceremony.id,
        after={"name": saved.name, "seats": len(saved.layout.get("seats", []))},
    )
    return saved


def saved_layouts(session: Session) -> list[VenueLayout]:
    """The saved layouts, by name then newest first."""
    rows = session.scalars(select(VenueLayout).order_by(VenueLayout.created_at.desc()))
    return sorted(rows, key=lambda saved: fold(saved.name))


def apply_saved_layout(
    session: Session,
    ceremony: Ceremony,
    layout_id: uuid.UUID,
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Give the ceremony a copy of a saved layout (``set_layout``'s rules apply)."""
    saved = session.get(VenueLayout, layout_id)
    if saved is None:
        raise not_found("venue_layout", layout_id)
    return set_layout(session, ceremony, load_layout(saved.layout), actor=actor)


def block_problems(ceremony: Ceremony, blocks: list[dict[str, Any]]) -> dict[int, Any]:
    """What each block names that the layout does not have, or holds that another block does."""
    seats = layout_seats(ceremony)
    sections = {seat["section"] for seat in seats.values()}
    rows = {(seat["section"], seat["row"]) for seat in seats.values()}
    problems: dict[int, Any] = {}
    owner: dict[str, str] = {}
    names = Counter(fold(block["name"]) for block in blocks)
    for index, block in enumerate(blocks):
        if names[fold(block["name"])] > 1:
            problems[index] = {"name": [f"Two blocks are named {block['name']}."]}
            continue
        if block.get("seats"):
            unknown = [ident for ident in block["seats"] if ident not in seats]
            if unknown:
                problems[index] = {"seats": [f"No seat {unknown[0]} in the layout."]}
                continue
        elif block.get("section") not in sections:
            problems[index] = {"section": [f"No section {block.get('section')} in the layout."]}
            continue
        else:
            unknown = [
                row for row in block.get("rows") or [] if (block["section"], row) not in rows
            ]
            if unknown:
                problems[index] = {"rows": [f"No row {unknown[0]} in section {block['section']}."]}
                continue
        shared = [ident for ident in block_seats(seats, block) if ident in owner]
        if shared:
            problems[index] = {
                "seats": [f"Seat {shared[0]} is in the block {owner[shared[0]]} already."]
            }
            continue
        owner.update((ident, block["name"]) for ident in block_seats(seats, block))
    return problems


def set_blocks(
    session: Session,
    ceremony: Ceremony,
    blocks: list[dict[str, Any]],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Replace the blocks (``BlockSchema`` data, in the order they are filled); a block naming
    a seat, section or row the layout lacks, or a person not registered, is a 422."""
    ceremony = lock_ceremony(session, ceremony.id)
    if blocks and not ceremony.layout:
        raise DomainError("no_layout", "Give the ceremony a layout before its blocks.")
    problems = block_problems(ceremony, blocks)
    problems.update(_unknown_people(session, ceremony, blocks, problems))
    if problems:
        raise DomainError(
            "invalid_blocks",
            "Some blocks name what this ceremony does not have.",
            kind="invalid",
            errors={"blocks": dict(sorted(problems.items()))},
        )
    before = [block["name"] for block in ceremony.blocks or []]
    ceremony.blocks = [
        {**block, "people": [str(person) for person in block.get("people") or []]}
        for block in blocks
    ]
    _touch(ceremony)
    record(
        session,
        audit,
        actor,
        "venue.blocks_set",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        before={"blocks": before},
        after={"blocks": [block["name"] for block in blocks]},
    )
    return ceremony


def _unknown_people(session, ceremony, blocks, problems) -> dict[int, Any]:
    named = {person for block in blocks for person in block.get("people") or []}
    if not named:
        return {}
    known = set(
        session.scalars(
            select(Registration.id).where(
                Registration.ceremony_id == ceremony.id, Registration.id.in_(named)
            )
        )
    )
    return {
        index: {"people": [f"{person} is not registered for this ceremony."]}
        for index, block in enumerate(blocks)
        if index not in problems
        for person in [next((p for p in block.get("people") or [] if p not in known), None)]
        if person is not None
    }


def set_seating_rules(
    session: Session,
    ceremony: Ceremony,
    rules: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Set where the seat of honour is (``SeatingRulesSchema`` data); the host must be a
    registration of this ceremony."""
    ceremony = lock_ceremony(session, ceremony.id)
    host = rules.get("host_registration_id")
    if rules.get("seat_of_honour") == "host_right" and host is None:
        raise DomainError(
            "host_required",
            "The host's right needs the host: give host_registration_id.",
            kind="invalid",
            errors={"host_registration_id": ["Required when seat_of_honour is host_right."]},
        )
    if host is not None:
        registration = session.get(Registration, host)
        if registration is None or registration.ceremony_id != ceremony.id:
            raise DomainError(
                "unknown_host",
                "The host is not registered for this ceremony.",
                kind="invalid",
                errors={"host_registration_id": ["Not a registration of this ceremony."]},
            )
    stored = {
        "seat_of_honour": rules.get("seat_of_honour", "centre"),
        "host_registration_id": str(host) if host else None,
    }
    before = dict(ceremony.seating_rules or {})
    ceremony.seating_rules = stored
    _touch(ceremony)
    record(
        session,
        audit,
        actor,
        "venue.seating_rules_set",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        before=before,
        after=stored,
    )
    return ceremony


def set_access(
    session: Session,
    ceremony: Ceremony,
    access: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Set the zones and the gates into them (``AccessSchema`` data); each rule's gate must be
    one of the ceremony's gates. Published as ``ceremony.updated`` for the door."""
    ceremony = lock_ceremony(session, ceremony.id)
    unknown = {
        index: {"gate": [f"Must be one of: {', '.join(ceremony.gates or []) or 'no gates yet'}."]}
        for index, rule in enumerate(access["gates"])
        if gate_named(ceremony, rule["gate"]) is None
    }
    if unknown:
        raise DomainError(
            "unknown_gate",
            "A gate rule names a gate this ceremony does not have.",
            kind="invalid",
            errors={"gates": unknown},
        )
    before = {"zones": ceremony.zones or [], "gate_rules": ceremony.gate_rules or []}
    ceremony.zones = [
        {"name": zone["name"], "categories": list(zone["categories"])} for zone in access["zones"]
    ]
    ceremony.gate_rules = [_stored_rule(ceremony, rule) for rule in access["gates"]]
    ceremony.sequence += 1
    _touch(ceremony)
    session.flush()
    publish_event(session, outbox, "ceremony.updated", ceremony_data(ceremony), SOURCE)
    record(
        session,
        audit,
        actor,
        "venue.access_set",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        before=before,
        after={"zones": ceremony.zones, "gate_rules": ceremony.gate_rules},
    )
    return ceremony


def _stored_rule(ceremony: Ceremony, rule: dict[str, Any]) -> dict[str, Any]:
    zones = {zone["name"].casefold(): zone["name"] for zone in ceremony.zones}
    return {
        "gate": gate_named(ceremony, rule["gate"]),
        "zones": [zones[zone.casefold()] for zone in rule["zones"]],
        "opens_at": _iso(rule.get("opens_at")),
        "closes_at": _iso(rule.get("closes_at")),
    }


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def _touch(ceremony: Ceremony) -> None:
    ceremony.updated_at = datetime.now(UTC)
