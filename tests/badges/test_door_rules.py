"""The door's rules on their own: hours per gate and for a scan at no gate, zones by
category, and rules cached per ceremony event."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest

from services.badges.door.access import NO_RULES, RulesCache, door_rules, refusal

T = datetime(2031, 6, 20, 13, 0, tzinfo=UTC)
HOUR = timedelta(hours=1)
ZONES = [
    {"name": "Hall", "categories": ["guest", "dignitary"]},
    {"name": "VIP lounge", "categories": ["dignitary"]},
]


def rule(gate, zones, opens_at=None, closes_at=None) -> dict:
    """A gate rule as ``ceremony_access`` keeps it: times as ISO text."""
    return {"gate": gate, "zones": zones, "opens_at": _iso(opens_at), "closes_at": _iso(closes_at)}


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


RULES = door_rules(
    ZONES,
    [
        rule("Main door", ["Hall"], T - HOUR, T + HOUR),
        rule("Lounge door", ["vip LOUNGE"], T - 2 * HOUR, T + 3 * HOUR),
    ],
)


@pytest.mark.parametrize(
    ("gate", "category", "when", "expected"),
    [
        ("Main door", "guest", T, None),
        ("Main door", "guest", T - 2 * HOUR, ("too_early", {"opens_at": T - HOUR})),
        ("Main door", "guest", T + HOUR, ("too_late", {"closes_at": T + HOUR})),
        ("Main door", "guest", T + HOUR - timedelta(microseconds=1), None),
        ("Main door", "guest", T - HOUR, None),
        ("  main   DOOR ", "guest", T, None),
        ("Lounge door", "guest", T, ("not_allowed_here", {"zones": ["Hall"]})),
        ("Lounge door", "dignitary", T, None),
        ("Lounge door", "press", T, ("not_allowed_here", {"zones": []})),
        ("Garden gate", "press", T - 100 * HOUR, None),
        (None, "press", T, None),
        (None, "guest", T - 3 * HOUR, ("too_early", {"opens_at": T - 2 * HOUR})),
        (None, "guest", T + 3 * HOUR, ("too_late", {"closes_at": T + 3 * HOUR})),
        ("", "guest", T - 3 * HOUR, ("too_early", {"opens_at": T - 2 * HOUR})),
    ],
    ids=[
        "in hours",
        "before opening",
        "at closing",
        "just before closing",
        "at opening",
        "gate in other case and spacing",
        "wrong zone",
        "right zone",
        "a category of no zone",
        "a gate without a rule",
        "no gate, in the hours of all gates",
        "no gate, before the earliest opening",
        "no gate, from the latest closing",
        "an empty gate is no gate",
    ],
)
def test_each_scan_gets_the_rules_answer(gate, category, when, expected):
    assert refusal(RULES, gate, category, when) == expected


def test_a_gate_open_at_any_time_leaves_no_gate_scans_open_that_side():
    rules = door_rules(ZONES, [rule("Main door", ["Hall"], T, T + HOUR), rule("Side", ["Hall"])])
    assert refusal(rules, None, "guest", T - 100 * HOUR) is None
    assert refusal(rules, None, "guest", T + 100 * HOUR) is None


def test_no_rules_refuse_nothing():
    assert refusal(NO_RULES, "Main door", "press", T) is None


def test_rules_are_parsed_once_per_ceremony_event():
    cache, ceremony = RulesCache(), uuid.uuid4()
    first = cache.get(ceremony, T, ZONES, [rule("Main door", ["Hall"])])
    assert cache.get(ceremony, T, [], []) is first
    newer = cache.get(ceremony, T + HOUR, [], [])
    assert newer is not first and newer.gates == {}
    assert cache.get(ceremony, None, ZONES, []) is NO_RULES
