"""Logs with request and event ids, and the worker's metrics."""

from __future__ import annotations

import json
import logging

import pytest
from flask import Flask, g
from prometheus_client import REGISTRY

from shared.logs import ContextFilter, JsonFormatter, current_event_id
from tests.conftest import make_settings, wait_for
from tests.shared.worker_cases import Harness, badge_event


def test_json_log_lines_carry_the_request_id():
    app = Flask(__name__)
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello %s", ("guest",), None)
    with app.test_request_context("/"):
        g.request_id = "req-1"
        ContextFilter().filter(record)
    line = json.loads(JsonFormatter().format(record))
    assert (line["message"], line["request_id"], line["level"]) == ("hello guest", "req-1", "INFO")


def test_json_log_lines_carry_the_event_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "handled", (), None)
    token = current_event_id.set("evt-9")
    try:
        ContextFilter().filter(record)
    finally:
        current_event_id.reset(token)
    assert json.loads(JsonFormatter().format(record))["event_id"] == "evt-9"


@pytest.fixture
def harness(tmp_path):
    harness = Harness(make_settings("badges", tmp_path / "var"))
    yield harness
    harness.close()


def test_the_worker_counts_the_events_it_handles(harness):
    labels = {"service": "notifications", "event_type": "badge.issued", "outcome": "handled"}
    before = REGISTRY.get_sample_value("ceremony_events_handled_total", labels) or 0
    event = badge_event()
    harness.start()
    harness.send(event)
    wait_for(lambda: harness.effects_for(event["data"]["badge_id"]) == 1)
    wait_for(
        lambda: REGISTRY.get_sample_value("ceremony_events_handled_total", labels) == before + 1
    )
