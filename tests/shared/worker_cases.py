"""How a worker treats what arrives on its queue, on whichever bus ``bus_settings`` names.

Run on the file bus by ``test_worker.py`` and on RabbitMQ by the integration tests. The worker
under test is given a service with a handler whose effect is counted, so that any second effect
would show.
"""

from __future__ import annotations

import threading
import uuid

import pytest
from sqlalchemy import Column, Integer, String, Table, func, select

from shared import topology
from shared.bus import ConfirmingPublisher, Outgoing, connect, declare_topology, dump_body
from shared.db import Database, service_metadata
from shared.dead_letters import list_dead_letters, replay_dead_letters
from shared.events import make_envelope
from shared.inbox import inbox_table
from shared.outbox import outbox_table, publish_event
from shared.service import Service
from shared.worker import ServiceWorker
from tests.conftest import wait_for

metadata = service_metadata()
outbox = outbox_table(metadata)
inbox = inbox_table(metadata)
effects = Table(
    "effects", metadata, Column("id", Integer, primary_key=True), Column("badge_id", String(36))
)


class Behaviour:
    """What the handler does: fail a number of times first, then record its effect."""

    def __init__(self):
        self.failures_left = 0
        self.calls = 0


def badge_event(badge_id: str | None = None) -> dict:
    """A valid ``badge.issued`` envelope."""
    return make_envelope(
        "badge.issued",
        {
            "badge_id": badge_id or str(uuid.uuid4()),
            "registration_id": str(uuid.uuid4()),
            "ceremony_id": str(uuid.uuid4()),
            "code": "TESTCODE",
        },
        "badges",
    )


class Harness:
    """A worker running in a thread on the test bus, and ways to feed and observe it."""

    def __init__(self, settings):
        self.settings = settings
        self.database = Database(settings.database_url)
        metadata.create_all(self.database.engine)
        self.behaviour = Behaviour()
        self.service = Service(
            name="notifications",
            app_factory="",
            metadata=metadata,
            outbox=outbox,
            inbox=inbox,
            migrations=None,
            build_handlers=lambda settings, database: {"badge.issued": self._handle},
        )
        self.connection = connect(settings)
        declare_topology(self.connection, settings)
        self.publisher = ConfirmingPublisher(self.connection)
        self.worker = None
        self.thread = None

    def _handle(self, session, event) -> None:
        self.behaviour.calls += 1
        if self.behaviour.failures_left > 0:
            self.behaviour.failures_left -= 1
            raise RuntimeError("the handler failed on purpose")
        session.execute(effects.insert().values(badge_id=str(event.data["badge_id"])))

    def start(self) -> None:
        self.worker = ServiceWorker(self.service, self.settings, self.database)
        self.thread = threading.Thread(target=self.worker.run, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.worker is not None:
            self.worker.stop()
            self.thread.join(timeout=15)
            assert not self.thread.is_alive(), "the worker did not stop"

    def send(self, envelope: dict | None = None, raw: str | None = None, **kw) -> None:
        body = raw if raw is not None else dump_body(envelope)
        key = envelope["type"] if envelope else "badge.issued"
        self.publisher.publish_batch([Outgoing(body=body, routing_key=key, message_id="m", **kw)])

    def effects_for(self, badge_id: str) -> int:
        with self.database.sessions() as session:
            query = select(func.count()).where(effects.c.badge_id == badge_id)
            return session.execute(query).scalar_one()

    def dead_letters(self):
        return list_dead_letters(self.settings.with_overrides(service="notifications"))

    def close(self) -> None:
        self.stop()
        self.publisher.close()
        self.connection.release()
        self.database.dispose()


@pytest.fixture
def harness(bus_settings):
    harness = Harness(bus_settings)
    yield harness
    harness.close()


def test_an_event_is_handled_once(harness):
    event = badge_event()
    harness.start()
    harness.send(event)
    wait_for(lambda: harness.effects_for(event["data"]["badge_id"]) == 1)


def test_a_redelivered_event_has_no_second_effect(harness):
    event = badge_event()
    harness.start()
    harness.send(event)
    harness.send(event)  # the same event_id again, as after a relay crash before marking
    later = badge_event()
    harness.send(later)
    wait_for(lambda: harness.effects_for(later["data"]["badge_id"]) == 1)
    assert harness.effects_for(event["data"]["badge_id"]) == 1
    assert harness.behaviour.calls == 2


def test_an_invalid_message_is_dead_lettered_and_does_not_block_the_queue(harness):
    broken = badge_event()
    del broken["data"]["code"]
    good = badge_event()
    harness.start()
    harness.send(broken)
    harness.send(good)
    wait_for(lambda: harness.effects_for(good["data"]["badge_id"]) == 1)
    harness.stop()
    letters = wait_for(harness.dead_letters)
    assert len(letters) == 1
    assert "code" in letters[0].reason
    assert letters[0].event_type == "badge.issued"


def test_a_body_that_is_not_json_is_dead_lettered(harness):
    good = badge_event()
    harness.start()
    harness.send(raw="this is not json")
    harness.send(good)
    wait_for(lambda: harness.effects_for(good["data"]["badge_id"]) == 1)
    harness.stop()
    assert len(wait_for(harness.dead_letters)) == 1


def test_a_failing_handler_is_retried_after_a_delay_then_succeeds(harness):
    harness.behaviour.failures_left = 2
    event = badge_event()
    harness.start()
    harness.send(event)
    wait_for(lambda: harness.effects_for(event["data"]["badge_id"]) == 1)
    assert harness.behaviour.calls == 3
    harness.stop()
    assert harness.dead_letters() == []


def test_exhausted_tries_go_to_the_dead_queue_and_can_be_replayed(harness):
    harness.behaviour.failures_left = harness.settings.max_attempts
    event = badge_event()
    harness.start()
    harness.send(event)
    wait_for(lambda: harness.behaviour.calls == harness.settings.max_attempts)
    harness.stop()
    letters = wait_for(harness.dead_letters)
    assert "failed" in letters[0].reason
    assert harness.effects_for(event["data"]["badge_id"]) == 0
    assert replay_dead_letters(harness.settings.with_overrides(service="notifications")) == 1
    harness.start()
    wait_for(lambda: harness.effects_for(event["data"]["badge_id"]) == 1)


def test_the_relay_publishes_what_the_outbox_holds(harness):
    with harness.database.transaction() as session:
        envelope = publish_event(session, outbox, "badge.issued", badge_event()["data"], "badges")
    harness.start()
    wait_for(lambda: harness.effects_for(envelope["data"]["badge_id"]) == 1)
    with harness.database.sessions() as session:
        unpublished = select(func.count()).where(outbox.c.published_at.is_(None))
        assert wait_for(lambda: session.execute(unpublished).scalar_one() == 0, timeout=5)


def test_nothing_is_left_on_the_queue_after_handling(harness):
    event = badge_event()
    harness.start()
    harness.send(event)
    wait_for(lambda: harness.effects_for(event["data"]["badge_id"]) == 1)
    harness.stop()
    queue = topology.events_queue("notifications", amqp=False)(harness.connection.default_channel)
    assert queue.get(no_ack=True) is None
