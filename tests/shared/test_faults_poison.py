"""Malformed messages on the file bus of the embedded run (see ``poison_cases``)."""

from __future__ import annotations

import pytest

from shared import topology
from shared.bus import Outgoing, dump_body
from shared.worker import RETRY_AT_HEADER
from tests.conftest import make_settings, wait_for
from tests.shared.poison_cases import *  # noqa: F403 - the cases run here on the file bus
from tests.shared.poison_cases import badge_event, handled_after


@pytest.fixture
def bus_settings(tmp_path):
    return make_settings("badges", tmp_path / "var", max_attempts=3)


def test_headers_that_are_not_a_mapping_are_dropped_and_the_event_handled(harness):
    event = badge_event()
    handled_after(harness, {"envelope": event, "headers": ["x-ceremony-attempt", 1]})
    assert harness.effects_for(event["data"]["badge_id"]) == 1


@pytest.mark.parametrize("retry_at", ["later", [1], float("inf"), 1e300])
def test_a_retry_whose_time_cannot_be_one_the_worker_wrote_is_due_at_once(harness, retry_at):
    event = badge_event()
    harness.start()
    retry = Outgoing(
        body=dump_body(event),
        routing_key=topology.retry_queue_name("notifications"),
        message_id="m",
        exchange="",
        headers={RETRY_AT_HEADER: retry_at},
    )
    harness.publisher.publish_batch([retry])
    wait_for(lambda: harness.effects_for(event["data"]["badge_id"]) == 1, timeout=20)
    assert harness.thread.is_alive()
