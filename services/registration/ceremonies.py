"""Rules for ceremonies: create, change (its gates and programme too), find, count, and
whether one has started."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, changes, record, withhold
from shared.auth import GATE_MAX_CHARS
from shared.contract import programme_from_json, programme_to_json
from shared.errors import DomainError, not_found
from shared.outbox import publish_event

from .models import Ceremony, Invitation, Registration, RegistrationRequest, audit, outbox
from .registration_events import SOURCE
from .waitlist import promote_waitlisted

#: Fields an organiser may set, and the model attribute each lands in.
_FIELDS = (
    "title",
    "starts_at",
    "ends_at",
    "timezone",
    "capacity",
    "default_language",
    "languages",
    "protocol_contact_email",
    "registration_mode",
    "privacy_notice",
    "privacy_notice_url",
    "retention_days",
    "translations",
    "reply_note",
)
#: A person's address: the trail says it changed, never what it was (purging removes it).
_PERSONAL = ("protocol_contact_email",)
#: The most gates a venue is described with.
MAX_GATES = 50


def has_privacy_notice(ceremony: Ceremony) -> bool:
    """Whether the ceremony tells guests how their data is used (then it may ask for needs)."""
    return bool(ceremony.privacy_notice or ceremony.privacy_notice_url)


def has_started(ceremony: Ceremony, now: datetime | None = None) -> bool:
    """Whether the ceremony has begun: registration and answers close then."""
    return ceremony.starts_at <= (now or datetime.now(UTC))


def create_ceremony(
    session: Session, fields: dict[str, Any], *, actor: dict[str, Any] = SYSTEM
) -> Ceremony:
    """Create a ceremony and announce it as ``ceremony.created``; ``actor`` made it."""
    ceremony = Ceremony(id=uuid.uuid4(), sequence=0, seats_taken=0, gates=[])
    _apply(ceremony, fields)
    _check_speakers(session, ceremony)
    session.add(ceremony)
    session.flush()
    publish_event(session, outbox, "ceremony.created", ceremony_data(ceremony), SOURCE)
    record(
        session,
        audit,
        actor,
        "ceremony.created",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        after=withhold(_audited(ceremony), _PERSONAL),
    )
    return ceremony


def update_ceremony(
    session: Session,
    ceremony_id: uuid.UUID,
    fields: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Change a ceremony (locked); a capacity below the seats already taken is refused.

    Seats added go to the waitlist first, in the order guests registered. The trail keeps
    the fields ``actor`` changed, before and after.
    """
    ceremony = lock_ceremony(session, ceremony_id)
    previous = _audited(ceremony)
    if "capacity" in fields:
        taken = ceremony.seats_taken
        if fields["capacity"] < taken:
            raise DomainError(
                "capacity_below_confirmed",
                f"{taken} guests are confirmed; the capacity cannot be lower.",
                errors={"capacity": [f"Must be at least {taken}."]},
            )
    _apply(ceremony, fields)
    _check_speakers(session, ceremony)
    if ceremony.ends_at <= ceremony.starts_at:
        raise DomainError(
            "invalid_dates",
            "The ceremony must end after it starts.",
            kind="invalid",
            errors={"ends_at": ["Must be after starts_at."]},
        )
    ceremony.sequence += 1
    ceremony.updated_at = datetime.now(UTC)
    session.flush()
    publish_event(session, outbox, "ceremony.updated", ceremony_data(ceremony), SOURCE)
    promoted = promote_waitlisted(session, ceremony)
    before, after = changes(previous, _audited(ceremony))
    if promoted:
        after["promoted"] = [guest.id for guest in promoted]
    record(
        session,
        audit,
        actor,
        "ceremony.updated",
        "ceremony",
        ceremony.id,
        ceremony_id=ceremony.id,
        before=withhold(before, _PERSONAL),
        after=withhold(after, _PERSONAL),
    )
    return ceremony


def add_programme_item(
    session: Session,
    ceremony_id: uuid.UUID,
    item: dict[str, Any],
    *,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Put ``item`` at the end of the programme (a ceremony update, announced as such)."""
    return _edit_programme(session, ceremony_id, None, lambda items: [*items, item], actor)


def change_programme_item(
    session: Session,
    ceremony_id: uuid.UUID,
    position: int,
    item: dict[str, Any],
    *,
    sequence: int | None = None,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Replace the item at ``position`` (0 first) of the programme as of ``sequence``."""

    def edit(items):
        _ensure_position(items, position)
        return [*items[:position], item, *items[position + 1 :]]

    return _edit_programme(session, ceremony_id, sequence, edit, actor)


def remove_programme_item(
    session: Session,
    ceremony_id: uuid.UUID,
    position: int,
    *,
    sequence: int | None = None,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Take the item at ``position`` out of the programme as of ``sequence``."""

    def edit(items):
        _ensure_position(items, position)
        return [*items[:position], *items[position + 1 :]]

    return _edit_programme(session, ceremony_id, sequence, edit, actor)


def move_programme_item(
    session: Session,
    ceremony_id: uuid.UUID,
    position: int,
    offset: int,
    *,
    sequence: int | None = None,
    actor: dict[str, Any] = SYSTEM,
) -> Ceremony:
    """Move the item at ``position`` ``offset`` places later (earlier when negative); an item
    already first or last stays where it is."""

    def edit(items):
        _ensure_position(items, position)
        target = min(max(position + offset, 0), len(items) - 1)
        moved = [*items[:position], *items[position + 1 :]]
        moved.insert(target, items[position])
        return moved

    return _edit_programme(session, ceremony_id, sequence, edit, actor)


def _edit_programme(session, ceremony_id, sequence, edit, actor) -> Ceremony:
    """Items are named by their place, so a change to an older copy than the stored one (two
    organisers at once) is refused instead of hitting the item that moved into that place."""
    ceremony = lock_ceremony(session, ceremony_id)
    if sequence is not None and sequence != ceremony.sequence:
        raise DomainError(
            "programme_changed",
            "The ceremony was changed meanwhile: look at the programme again and retry.",
        )
    items = edit(programme_from_json(ceremony.programme))
    return update_ceremony(session, ceremony_id, {"programme": items}, actor=actor)


def _ensure_position(items: list, position: int) -> None:
    if not 0 <= position < len(items):
        raise DomainError(
            "programme_item_not_found", f"No programme item {position + 1}.", kind="not_found"
        )


def _audited(ceremony: Ceremony) -> dict[str, Any]:
    """What an organiser sets on a ceremony, as the trail compares it."""
    values = {name: getattr(ceremony, name) for name in _FIELDS}
    values["languages"] = list(ceremony.languages or [])
    values["venue"] = {"name": ceremony.venue_name, "address": ceremony.venue_address}
    values["programme"] = ceremony.programme
    values["gates"] = list(ceremony.gates or [])
    return values


def _apply(ceremony: Ceremony, fields: dict[str, Any]) -> None:
    for name in _FIELDS:
        if name in fields:
            setattr(ceremony, name, fields[name])
    if "translations" in fields:
        # Only what was given is kept: a missing word falls back to the ceremony's own.
        ceremony.translations = {
            tag: {name: value for name, value in words.items() if value not in (None, "", [])}
            for tag, words in (fields["translations"] or {}).items()
        }
    if "programme" in fields:
        ceremony.programme = programme_to_json(fields["programme"])
    if "venue" in fields:
        ceremony.venue_name = fields["venue"]["name"]
        ceremony.venue_address = fields["venue"].get("address")
    if "gates" in fields:
        ceremony.gates = normalised_gates(fields["gates"])
    _check_translations(ceremony)
    if ceremony.default_language and ceremony.default_language not in (ceremony.languages or []):
        ceremony.languages = [ceremony.default_language, *(ceremony.languages or [])]


def _check_translations(ceremony: Ceremony) -> None:
    """A translated programme has no more titles than the programme has items."""
    items = len(ceremony.programme or [])
    for tag, words in (ceremony.translations or {}).items():
        if len(words.get("programme") or []) > items:
            raise DomainError(
                "translation_longer_than_programme",
                "A translated programme has more titles than the programme has items.",
                kind="invalid",
                errors={"translations": {tag: {"programme": [f"At most {items} titles."]}}},
            )


def get_ceremony(session: Session, ceremony_id: uuid.UUID) -> Ceremony:
    """One ceremony, or a ``ceremony_not_found`` error."""
    ceremony = session.get(Ceremony, ceremony_id)
    if ceremony is None:
        raise not_found("ceremony", ceremony_id)
    return ceremony


def lock_ceremony(session: Session, ceremony_id: uuid.UUID) -> Ceremony:
    """The ceremony row, locked until the transaction ends: seat counting is serialised on it."""
    ceremony = session.get(Ceremony, ceremony_id, with_for_update=True, populate_existing=True)
    if ceremony is None:
        raise not_found("ceremony", ceremony_id)
    return ceremony


def list_ceremonies(session: Session) -> list[Ceremony]:
    """Every ceremony, soonest first."""
    return list(session.scalars(select(Ceremony).order_by(Ceremony.starts_at, Ceremony.title)))


def find_ceremonies(
    session: Session,
    among: Iterable[object] | None,
    *,
    title: str = "",
    offset: int = 0,
    limit: int = 50,
) -> tuple[list[Ceremony], int]:
    """A page of the ceremonies ``among`` those ids (None: all), soonest first, whose title
    holds ``title`` (case ignored), and how many match in all."""
    where = []
    if among is not None:
        where.append(Ceremony.id.in_([uuid.UUID(str(ident)) for ident in among]))
    if title.strip():
        where.append(Ceremony.title.icontains(title.strip(), autoescape=True))
    total = session.scalar(select(func.count()).select_from(Ceremony).where(*where)) or 0
    page = session.scalars(
        select(Ceremony)
        .where(*where)
        .order_by(Ceremony.starts_at, Ceremony.title)
        .offset(offset)
        .limit(limit)
    )
    return list(page), total


def ceremony_counts(session: Session, ceremony_id: uuid.UUID) -> dict[str, int]:
    """How many registrations are in each status, and public requests in each of theirs:
    counted by the database, whatever the number of guests."""
    counts: dict[str, int] = {}
    for model in (Registration, RegistrationRequest):
        rows = session.execute(
            select(model.status, func.count())
            .where(model.ceremony_id == ceremony_id)
            .group_by(model.status)
        )
        counts.update((status, count) for status, count in rows)
    return counts


def local_instant(day: date, clock: time, zone: str) -> datetime:
    """The UTC instant of a wall-clock time on ``day`` in ``zone``.

    A time the clocks skip when summer time starts does not exist (``nonexistent_time``); one
    they pass twice when it ends is ambiguous (``ambiguous_time``): both are refused rather
    than guessed, since an organiser who means the other one would never notice.
    """
    naive = datetime.combine(day, clock.replace(second=0, microsecond=0, tzinfo=None))
    earlier = naive.replace(tzinfo=ZoneInfo(zone), fold=0)
    later = naive.replace(tzinfo=ZoneInfo(zone), fold=1)
    if earlier.utcoffset() != later.utcoffset():
        back = earlier.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None)
        if back != naive:
            raise DomainError(
                "nonexistent_time",
                f"{naive:%H:%M} does not exist on {day.isoformat()} in {zone}: the clocks "
                "skip it for summer time.",
                kind="invalid",
            )
        raise DomainError(
            "ambiguous_time",
            f"{naive:%H:%M} happens twice on {day.isoformat()} in {zone}, when the clocks go "
            "back: choose a time outside that hour.",
            kind="invalid",
        )
    return earlier.astimezone(UTC)


def gate_key(name: str) -> str:
    """How gate names are compared: spaces collapsed, case ignored ("Main gate" ~ "main  Gate")."""
    return " ".join(name.split()).casefold()


def normalised_gates(names: Iterable[str]) -> list[str]:
    """A venue's gates as stored: each trimmed to single spaces, in the order given; two
    names that differ only by case or spacing are one gate, so the second is refused."""
    gates: list[str] = []
    seen: dict[str, str] = {}
    for raw in names:
        name = " ".join((raw or "").split())
        if not name or len(name) > GATE_MAX_CHARS or not name.isprintable():
            raise _gate_error(
                "invalid_gate", f"Each gate: one line of 1 to {GATE_MAX_CHARS} characters."
            )
        if gate_key(name) in seen:
            raise _gate_error(
                "duplicate_gate", f"{name} and {seen[gate_key(name)]} are the same gate."
            )
        seen[gate_key(name)] = name
        gates.append(name)
    if len(gates) > MAX_GATES:
        raise _gate_error("too_many_gates", f"At most {MAX_GATES} gates.")
    return gates


def gate_named(ceremony: Ceremony, name: str) -> str | None:
    """The ceremony's own spelling of the gate ``name``, or None when it has no such gate."""
    return next((gate for gate in ceremony.gates or [] if gate_key(gate) == gate_key(name)), None)


def known_gate(ceremony: Ceremony, gate: str, field: str = "gate") -> str:
    """The ceremony's spelling of ``gate`` (422 ``unknown_gate`` naming ``field`` when it has
    no such gate); a ceremony that names no gates takes any."""
    if not ceremony.gates:
        return gate
    known = gate_named(ceremony, gate)
    if known is None:
        choices = ", ".join(ceremony.gates)
        raise DomainError(
            "unknown_gate",
            f"{gate} is not a gate of this ceremony; its gates are {choices}.",
            kind="invalid",
            errors={field: [f"Must be one of: {choices}."]},
        )
    return known


def _gate_error(code: str, message: str) -> DomainError:
    return DomainError(code, message, kind="invalid", errors={"gates": [message]})


def _check_speakers(session: Session, ceremony: Ceremony) -> None:
    """A programme item's speaker may be linked to an invitee or a registration of this
    ceremony only."""
    unknown: dict[int, dict[str, list[str]]] = {}
    for field, model, message in (
        ("invitation_id", Invitation, "Not an invitation of this ceremony."),
        ("registration_id", Registration, "Not a registration of this ceremony."),
    ):
        linked = {
            index: uuid.UUID(str(item[field]))
            for index, item in enumerate(ceremony.programme or [])
            if item.get(field)
        }
        if not linked:
            continue
        known = set(
            session.scalars(
                select(model.id).where(
                    model.ceremony_id == ceremony.id, model.id.in_(linked.values())
                )
            )
        )
        for index, value in linked.items():
            if value not in known:
                unknown.setdefault(index, {})[field] = [message]
    if unknown:
        raise DomainError(
            "unknown_speaker",
            "A programme item names a speaker of another ceremony, or none.",
            kind="invalid",
            errors={"programme": dict(sorted(unknown.items()))},
        )


def ceremony_data(ceremony: Ceremony) -> dict[str, Any]:
    """The ceremony as the ``ceremony.*`` events carry it."""
    return {
        "ceremony_id": ceremony.id,
        "title": ceremony.title,
        "starts_at": ceremony.starts_at,
        "ends_at": ceremony.ends_at,
        "timezone": ceremony.timezone,
        "venue": {"name": ceremony.venue_name, "address": ceremony.venue_address},
        "capacity": ceremony.capacity,
        "default_language": ceremony.default_language,
        "languages": list(ceremony.languages or []),
        "protocol_contact_email": ceremony.protocol_contact_email,
        "programme": programme_from_json(ceremony.programme),
        "gates": list(ceremony.gates or []),
        "zones": list(ceremony.zones or []),
        "gate_rules": [_gate_rule_data(rule) for rule in ceremony.gate_rules or []],
        "sequence": ceremony.sequence,
        "translations": dict(ceremony.translations or {}),
        "reply_note": ceremony.reply_note,
    }


def _gate_rule_data(rule: dict[str, Any]) -> dict[str, Any]:
    """A stored gate rule with its door hours as instants, as the events carry them."""
    hours = {
        name: datetime.fromisoformat(rule[name]) if rule.get(name) else None
        for name in ("opens_at", "closes_at")
    }
    return {"gate": rule["gate"], "zones": list(rule["zones"]), **hours}


def invitation_counts(session: Session, ceremony_id: uuid.UUID) -> dict[str, int]:
    """How many invitations of the ceremony are in each status, counted by the database."""
    rows = session.execute(
        select(Invitation.status, func.count())
        .where(Invitation.ceremony_id == ceremony_id)
        .group_by(Invitation.status)
    )
    return {status: count for status, count in rows}
