"""Messages that must not end a worker, on whichever bus ``bus_settings`` names.

Run on the file bus by ``test_faults_poison.py`` and on RabbitMQ by the integration tests.
Each case sends one malformed message and then a good one: the malformed one is dead-lettered
with its reason, the good one is handled, and the worker's thread is still running.
"""

from __future__ import annotations

import json

import pytest
from kombu.exceptions import ChannelError

from shared import worker
from shared.bus import OccasionalPublisher, dump_body
from shared.worker import ATTEMPT_HEADER
from tests.conftest import wait_for
from tests.shared.worker_cases import Harness, badge_event

DEPTH = 5000


@pytest.fixture
def harness(bus_settings):
    harness = Harness(bus_settings)
    yield harness
    harness.close()


def nested(depth: int) -> str:
    """A ``badge.issued`` envelope whose data holds objects ``depth`` levels deep."""
    envelope = badge_event()
    opening = dump_body(envelope).rsplit('"data":', 1)[0] + '"data":'
    return opening + '{"a":' * depth + "1" + "}" * depth + "}"


def handled_after(harness, malformed: dict, *, taken=lambda: True) -> None:
    """Send the malformed message, then a good event, and wait until the good one is handled.

    ``taken`` says when the malformed message has been taken: the file bus keeps no order
    between messages sent within one millisecond.
    """
    good = badge_event()
    harness.start()
    harness.send(**malformed)
    wait_for(taken, timeout=20)
    harness.send(good)
    wait_for(lambda: harness.effects_for(good["data"]["badge_id"]) == 1, timeout=20)
    assert harness.thread.is_alive()


def only_dead_letter(harness):
    """The one dead letter, once there (it may come after the good event); the worker stopped."""
    wait_for(harness.dead_letters, timeout=20, interval=0.1)
    harness.stop()
    [letter] = harness.dead_letters()
    return letter


@pytest.mark.parametrize(
    ("attempt", "reason"),
    [
        ("first", "unreadable x-ceremony-attempt header 'first'"),
        ({"n": 1}, "unreadable x-ceremony-attempt header"),
        ([1, 2], "unreadable x-ceremony-attempt header"),
        (-1_000_000, "unreadable x-ceremony-attempt header -1000000"),
        ("9" * 5000, "unreadable x-ceremony-attempt header"),
        (2**62, f"failed {2**62 + 1} times"),
    ],
    ids=["word", "table", "list", "negative", "5000-digits", "huge"],
)
def test_a_failing_event_with_a_malformed_attempt_header_is_dead_lettered(harness, attempt, reason):
    harness.behaviour.failures_left = 1
    malformed = {"envelope": badge_event(), "headers": {ATTEMPT_HEADER: attempt}}
    handled_after(harness, malformed, taken=lambda: harness.behaviour.calls == 1)
    assert harness.behaviour.calls == 2
    letter = only_dead_letter(harness)
    assert reason in letter.reason
    assert "failed on purpose" in letter.reason


def test_a_malformed_attempt_header_on_an_event_that_succeeds_changes_nothing(harness):
    event = badge_event()
    handled_after(harness, {"envelope": event, "headers": {ATTEMPT_HEADER: "first"}})
    assert harness.effects_for(event["data"]["badge_id"]) == 1
    harness.stop()
    assert harness.dead_letters() == []


def test_a_body_nested_thousands_of_levels_deep_is_dead_lettered_and_listed(harness):
    handled_after(harness, {"raw": nested(DEPTH)})
    letter = only_dead_letter(harness)
    assert "RecursionError" in letter.reason
    assert letter.event_type == "?"


def test_a_number_too_long_to_read_is_dead_lettered(harness):
    body = json.loads(dump_body(badge_event()))
    raw = json.dumps(body).replace('"version": 1', '"version": ' + "9" * 5000)
    handled_after(harness, {"raw": raw})
    assert "undecodable" in only_dead_letter(harness).reason


def test_a_body_that_is_json_but_not_an_object_is_dead_lettered(harness):
    handled_after(harness, {"raw": "[1, 2, 3]"})
    assert "must be a JSON object" in only_dead_letter(harness).reason


def test_an_unexpected_error_outside_the_handler_dead_letters_the_message(harness, monkeypatch):
    parse = worker.parse_envelope

    def parse_or_overflow(body):
        if body.get("producer") == "overflowing":
            raise RecursionError("maximum recursion depth exceeded")
        return parse(body)

    monkeypatch.setattr(worker, "parse_envelope", parse_or_overflow)
    poison = {**badge_event(), "producer": "overflowing"}
    handled_after(harness, {"envelope": poison})
    assert "unexpected error: RecursionError" in only_dead_letter(harness).reason


def test_a_forward_the_bus_refuses_requeues_the_message_and_loses_nothing(harness, monkeypatch):
    publish = OccasionalPublisher.publish
    refusals = [ChannelError("the bus refused it")]

    def refuse_then_publish(self, message):
        if refusals:
            raise refusals.pop()
        publish(self, message)

    monkeypatch.setattr(OccasionalPublisher, "publish", refuse_then_publish)
    harness.behaviour.failures_left = 2
    event = badge_event()
    handled_after(harness, {"envelope": event})
    wait_for(lambda: harness.effects_for(event["data"]["badge_id"]) == 1, timeout=20)
    # Failed, not forwarded (back on the queue); failed, forwarded to retry; handled.
    assert (harness.behaviour.calls, refusals) == (4, [])
