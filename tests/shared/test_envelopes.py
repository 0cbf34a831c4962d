"""Envelopes built in a batch: the same envelopes as one by one, and the contract still checked."""

from __future__ import annotations

import uuid

import pytest
from marshmallow import ValidationError

from shared.events import make_envelope, make_envelopes, parse_envelope

CEREMONY = uuid.uuid4()


def seating(number: int, **overrides) -> dict:
    """The data of one ``seating.assigned`` event, seat A:1:<number>."""
    data = {
        "ceremony_id": CEREMONY,
        "registration_id": uuid.uuid4(),
        "seat": {"id": f"A:1:{number}", "section": "A", "row": "1", "number": number},
        "previous_seat": None,
        "reason": "precedence 3, block Dignitaries",
        "accessible_seat": False,
        "announce": False,
    }
    return {**data, **overrides}


def test_a_batch_gives_each_item_the_envelope_make_envelope_gives_it():
    items = [seating(number) for number in range(1, 4)]
    batch = make_envelopes("seating.assigned", items, "registration")
    single = [make_envelope("seating.assigned", item, "registration") for item in items]
    assert [envelope["data"] for envelope in batch] == [envelope["data"] for envelope in single]
    for envelope, one in zip(batch, single, strict=True):
        assert {key: envelope[key] for key in ("type", "version", "producer")} == {
            "type": "seating.assigned",
            "version": one["version"],
            "producer": "registration",
        }
        assert parse_envelope(envelope).data["seat"]["id"] == envelope["data"]["seat"]["id"]
    assert len({envelope["event_id"] for envelope in batch}) == 3


def test_an_item_breaking_the_contract_is_refused_by_its_index_and_field():
    items = [seating(1), seating(2, reason="two\nlines"), seating(3)]
    with pytest.raises(ValidationError) as error:
        make_envelopes("seating.assigned", items, "registration")
    assert list(error.value.messages) == [1]
    assert list(error.value.messages[1]) == ["reason"]


def test_a_nested_seat_breaking_the_contract_is_refused_too():
    bad = seating(1, seat={"id": "A:1:0", "section": "A", "row": "1", "number": 0})
    with pytest.raises(ValidationError) as error:
        make_envelopes("seating.assigned", [seating(2), bad], "registration")
    assert list(error.value.messages) == [1]
    assert list(error.value.messages[1]["seat"]) == ["number"]


def test_an_unknown_event_type_is_refused():
    with pytest.raises(ValidationError) as error:
        make_envelopes("seating.guessed", [seating(1)], "registration")
    assert "type" in error.value.messages


def test_an_empty_batch_is_no_envelopes():
    assert make_envelopes("seating.assigned", [], "registration") == []
