"""Zones and door hours: whether a gate may let a badge holder in at a given moment.

A gate with a rule leads into some zones and may have hours; a gate without one admits every
category at any time, so ceremonies from before zones existed behave as they did. A scan that
names no gate is held to the hours of all the ruled gates together, from the earliest opening
to the latest closing (a gate open at any time leaves that end open).
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..venue import zones_admitting

#: How many ceremonies' parsed rules a process keeps; a door serves a few at a time.
_CACHED = 256


@dataclass(frozen=True)
class GateRule:
    """What one gate leads into, and when it is open (None: no limit that side)."""

    gate: str
    zones: tuple[str, ...]
    opens_at: datetime | None
    closes_at: datetime | None


@dataclass(frozen=True)
class DoorRules:
    """A ceremony's zones (as its events carry them) and its gates' rules by gate."""

    zones: tuple[Mapping[str, Any], ...] = ()
    #: By ``gate_key``.
    gates: Mapping[str, GateRule] = field(default_factory=dict)

    def hours(self, gate: str | None) -> tuple[datetime | None, datetime | None]:
        """When a scan at ``gate`` (None: any gate) may admit: (opens_at, closes_at)."""
        if not gate:
            rules = list(self.gates.values())
            if not rules:
                return None, None
            opens = [rule.opens_at for rule in rules]
            closes = [rule.closes_at for rule in rules]
            return (
                None if None in opens else min(opens),
                None if None in closes else max(closes),
            )
        rule = self.gates.get(gate_key(gate))
        return (rule.opens_at, rule.closes_at) if rule else (None, None)


NO_RULES = DoorRules()


def gate_key(gate: str) -> str:
    """A gate's name as rules are matched by it: spaces collapsed, in lower case (as the
    door page folds it too)."""
    return " ".join(gate.split()).lower()


def door_rules(zones: Sequence[Mapping[str, Any]], gate_rules: Sequence[Mapping]) -> DoorRules:
    """The rules of a ceremony from what ``ceremony_access`` keeps (times as ISO text)."""
    gates = {
        gate_key(rule["gate"]): GateRule(
            gate=rule["gate"],
            zones=tuple(rule["zones"]),
            opens_at=_instant(rule.get("opens_at")),
            closes_at=_instant(rule.get("closes_at")),
        )
        for rule in gate_rules
    }
    return DoorRules(tuple(zones), gates)


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def refusal(
    rules: DoorRules, gate: str | None, category: str, at: datetime
) -> tuple[str, dict[str, Any]] | None:
    """Why the door may not let this holder in at ``at``, and what the answer says; None if
    it may. Hours come first: a closed door is closed to everyone. A door is closed from its
    ``closes_at`` on."""
    opens_at, closes_at = rules.hours(gate)
    if opens_at is not None and at < opens_at:
        return "too_early", {"opens_at": opens_at}
    if closes_at is not None and at >= closes_at:
        return "too_late", {"closes_at": closes_at}
    rule = rules.gates.get(gate_key(gate)) if gate else None
    if rule is None:
        return None
    # Zone names are matched without regard to case, as the ceremony's contract checks them.
    leads_into = {zone.lower() for zone in rule.zones}
    allowed = zones_admitting(rules.zones, category)
    if not any(zone.lower() in leads_into for zone in allowed):
        return "not_allowed_here", {"zones": allowed}
    return None


class RulesCache:
    """Parsed rules per ceremony, keyed by the time of the event they came from: a newer
    ceremony event brings a new key, so an update is never served stale."""

    def __init__(self) -> None:
        self._rules: dict[tuple[uuid.UUID, datetime], DoorRules] = {}
        self._lock = threading.Lock()

    def get(self, ceremony_id: uuid.UUID, as_of: datetime | None, zones, gate_rules) -> DoorRules:
        """The ceremony's rules as of ``as_of`` (None: it has none)."""
        if as_of is None:
            return NO_RULES
        key = (ceremony_id, as_of)
        cached = self._rules.get(key)
        if cached is None:
            cached = door_rules(zones, gate_rules)
            with self._lock:
                if len(self._rules) >= _CACHED:
                    self._rules.clear()
                self._rules[key] = cached
        return cached
