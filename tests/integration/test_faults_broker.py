"""A broker that freezes (answers nothing, closes nothing) or idles: workers and relays go on.

Each test reaches RabbitMQ through a TCP proxy with a 2 s heartbeat, so a frozen broker is
noticed within seconds; ``freeze`` holds every byte in both directions, as a hung broker or a
black-holed network would.
"""

from __future__ import annotations

import logging
import threading
import time

import pytest
from sqlalchemy import func, select

from shared import topology
from shared.bus import (
    ConfirmingPublisher,
    Outgoing,
    PublishNotConfirmed,
    broker_timeout,
    connect,
    declare_topology,
    dump_body,
)
from shared.outbox import publish_event
from shared.relay import Relay
from shared.worker import EventWorker
from tests.conftest import make_settings, wait_for
from tests.integration.proxy import CuttableProxy
from tests.shared.worker_cases import Harness, badge_event, outbox

pytestmark = pytest.mark.integration

HEARTBEAT = 2
#: Two heartbeats missed, then a new connection: what noticing a frozen broker takes at most.
NOTICED_WITHIN = 4 * HEARTBEAT + 5


@pytest.fixture
def proxy():
    proxy = CuttableProxy(("127.0.0.1", 5672))
    proxy.up()
    yield proxy
    proxy.down()


@pytest.fixture
def harness(tmp_path, amqp_url, postgres_databases):
    """The worker cases' harness, on RabbitMQ directly: it publishes and reads past the proxy."""
    settings = make_settings(
        "badges",
        tmp_path / "var",
        broker_url=amqp_url,
        database_url=postgres_databases(f"frozen_{tmp_path.name[-8:].lower()}"),
        max_attempts=1,
    )
    harness = Harness(settings)
    yield harness
    harness.close()


@pytest.fixture
def proxied(harness, proxy):
    """The harness's settings, reaching the broker through the proxy with a short heartbeat."""
    url = harness.settings.broker_url.replace(":5672/", f":{proxy.port}/")
    return harness.settings.with_overrides(broker_url=f"{url}?heartbeat={HEARTBEAT}")


def in_thread(target) -> threading.Thread:
    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    return thread


def returns_within(seconds: float, call) -> object:
    """Run ``call`` and return what it returned or raised; fail if it takes longer."""
    outcome = []

    def run():
        try:
            outcome.append(call())
        except Exception as exc:  # noqa: BLE001 - the outcome is what the test looks at
            outcome.append(exc)

    started = time.monotonic()
    in_thread(run).join(seconds)
    assert outcome, f"still waiting for the broker after {seconds}s"
    assert time.monotonic() - started < seconds
    return outcome[0]


@pytest.fixture
def consumer(harness, proxied):
    """The harness service's consumer alone, through the proxy (no relay beside it)."""
    handlers = harness.service.build_handlers(proxied, harness.database)
    worker = EventWorker(harness.service, proxied, harness.database, handlers)
    thread = in_thread(worker.run)
    yield worker, thread
    worker.should_stop = True
    thread.join(timeout=30)
    worker.close()


@pytest.fixture
def relay(harness, proxied):
    relay = Relay(harness.service, proxied, harness.database)
    relay.start()
    yield relay
    relay.stop()
    relay.join(timeout=30)


def unpublished(harness) -> int:
    with harness.database.sessions() as session:
        query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        return session.execute(query).scalar_one()


def store_event(harness) -> str:
    """Write a ``badge.issued`` event into the outbox; returns its badge id."""
    with harness.database.transaction() as session:
        envelope = publish_event(session, outbox, "badge.issued", badge_event()["data"], "badges")
    return envelope["data"]["badge_id"]


def queued_badge_ids(harness) -> list[str]:
    """Take the events waiting on the harness service's queue; their badge ids."""
    queue = topology.events_queue("notifications")(harness.connection.default_channel)
    ids = []
    while (message := queue.get(no_ack=True, accept=["json"])) is not None:
        ids.append(message.payload["data"]["badge_id"])
    return ids


def test_every_call_to_a_frozen_broker_returns_within_its_timeout(proxied, proxy):
    connection = connect(proxied)
    connection.ensure_connection(max_retries=1)
    publisher = ConfirmingPublisher(connection)
    bound = broker_timeout(connection)
    assert bound == HEARTBEAT
    proxy.freeze()
    try:
        event = badge_event()
        message = Outgoing(body=dump_body(event), routing_key=event["type"], message_id="m")
        unconfirmed = returns_within(bound + 3, lambda: publisher.publish_batch([message]))
        assert isinstance(unconfirmed, PublishNotConfirmed)
        declared = returns_within(bound + 3, lambda: declare_topology(connection, proxied))
        assert isinstance(declared, TimeoutError)
        returns_within(2 * bound + 3, connection.release)
        refused = returns_within(
            connection.connect_timeout + 3,
            lambda: connect(proxied).ensure_connection(max_retries=0),
        )
        assert isinstance(refused, Exception)
    finally:
        proxy.thaw()


def test_a_consumer_notices_a_frozen_broker_reconnects_and_goes_on(
    harness, consumer, proxy, caplog
):
    caplog.set_level(logging.INFO, logger="shared.worker")
    _, thread = consumer
    before = badge_event()
    harness.send(before)
    wait_for(lambda: harness.effects_for(before["data"]["badge_id"]) == 1, timeout=20)
    # Frozen once consuming, not while declaring: what must notice it is the heartbeat.
    wait_for(lambda: "consuming notifications.events" in caplog.text, timeout=20)
    connections = proxy.accepted

    proxy.freeze()
    wait_for(lambda: proxy.accepted > connections, timeout=NOTICED_WITHIN)
    proxy.thaw()

    after = badge_event()
    harness.send(after)
    wait_for(lambda: harness.effects_for(after["data"]["badge_id"]) == 1, timeout=30)
    assert thread.is_alive()


def test_a_relay_keeps_events_through_a_frozen_broker_and_publishes_them_after(
    harness, relay, proxy
):
    store_event(harness)
    wait_for(lambda: unpublished(harness) == 0, timeout=20)
    connections = proxy.accepted

    proxy.freeze()
    kept = store_event(harness)
    wait_for(lambda: proxy.accepted > connections, timeout=NOTICED_WITHIN)
    assert unpublished(harness) == 1
    proxy.thaw()

    wait_for(lambda: unpublished(harness) == 0, timeout=30)
    assert kept in wait_for(lambda: queued_badge_ids(harness), timeout=10)
    assert relay.is_alive()


def test_an_idle_relay_keeps_its_one_connection(harness, relay, proxy):
    store_event(harness)
    wait_for(lambda: unpublished(harness) == 0, timeout=20)
    heard = proxy.bytes_to_clients

    # Eight heartbeats of the broker (one every half interval): four intervals of idling, twice
    # what a relay that reads no frames survives.
    wait_for(lambda: proxy.bytes_to_clients >= heard + 8 * 8, timeout=8 * HEARTBEAT)
    assert (proxy.accepted, proxy.open_connections) == (1, 1)

    store_event(harness)
    wait_for(lambda: unpublished(harness) == 0, timeout=10)
    assert proxy.accepted == 1


def test_a_forward_after_the_broker_dropped_the_idle_publisher_succeeds_first_time(
    harness, consumer, proxy
):
    harness.behaviour.failures_left = 2
    first = badge_event()
    harness.send(first)
    wait_for(lambda: len(harness.dead_letters()) == 1, timeout=20, interval=0.2)
    assert proxy.open_connections == 2  # the consumer's, and the one that forwarded

    # Nothing heartbeats an idle publishing connection: the broker drops it.
    wait_for(lambda: proxy.open_connections == 1, timeout=4 * HEARTBEAT + 5)
    second = badge_event()
    harness.send(second)

    wait_for(lambda: len(harness.dead_letters()) == 2, timeout=20, interval=0.2)
    assert harness.behaviour.calls == 2  # never handed back to the queue and tried again
