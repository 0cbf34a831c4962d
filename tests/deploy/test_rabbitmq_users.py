"""Each service's RabbitMQ user of deploy/rabbitmq/definitions.json, on the local RabbitMQ.

The definitions are imported into a throwaway vhost with their users renamed, then a passwords
file like the one compose and Kubernetes mount beside them, in the order RabbitMQ imports its
definitions folder at boot. As each service's user, what its worker and ``ceremony
dead-letters`` do must work; publishing another service's events and reading another service's
queues must be refused.
"""

from __future__ import annotations

import json
import threading
import uuid
from types import SimpleNamespace

import pytest
from amqp.exceptions import AccessRefused
from kombu import Connection, Queue

from shared import topology
from shared.bus import ConfirmingPublisher, Outgoing
from shared.cli import services
from shared.config import PORTS
from shared.db import Database
from shared.dead_letters import list_dead_letters, replay_dead_letters
from shared.events import EVENT_SCHEMAS, make_envelope
from shared.observability import dead_letter_count
from shared.outbox import backlog
from shared.worker import ATTEMPT_HEADER, REASON_HEADER, EventWorker, Relay
from tests.conftest import (
    RABBIT_HOST,
    RABBIT_PORT,
    make_settings,
    migrated,
    rabbitmqctl,
    reachable,
    service_missing,
    wait_for,
)
from tests.deploy.broker import import_definitions, listing, remove, throwaway
from tests.deploy.contract import definitions

pytestmark = pytest.mark.integration

#: The event families each service produces: the first part of its routing keys.
PUBLISHES = {
    "registration": (
        "ceremony",
        "registration",
        "invitation",
        "credential",
        "account",
        "role",
        "seating",
        "course",
        "graduate",
    ),
    "badges": ("badge", "checkin", "certificate"),
    "notifications": ("delivery",),
}


def produced_by(service: str) -> list[str]:
    """The event types ``service`` publishes."""
    return [name for name in EVENT_SCHEMAS if name.split(".")[0] in PUBLISHES[service]]


def service_queues(service: str) -> list[str]:
    return [
        topology.events_queue_name(service),
        topology.retry_queue_name(service),
        topology.dead_queue_name(service),
    ]


@pytest.fixture(scope="module")
def broker():
    """The definitions and the services' passwords imported; a URL per service's user."""
    if not reachable(RABBIT_HOST, RABBIT_PORT):
        service_missing(f"RabbitMQ on {RABBIT_HOST}:{RABBIT_PORT}")
    suffix = uuid.uuid4().hex[:10]
    vhost = f"ceremony-test-{suffix}"
    document = throwaway(definitions(), vhost, suffix)
    users = [user["name"] for user in document["users"]]
    try:
        import_definitions(document)
        # The import runs in the background: its last sections are queues, bindings, policies.
        wait_for(lambda: len(listing(vhost, "queues")) == len(document["queues"]), timeout=30)
        wait_for(lambda: len(listing(vhost, "policies")) == len(document["policies"]), timeout=30)
        passwords = {name: uuid.uuid4().hex for name in users}
        import_definitions(
            {
                "users": [
                    {"name": u["name"], "password": passwords[u["name"]], "tags": u["tags"]}
                    for u in document["users"]
                ]
            }
        )
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        base = f"{RABBIT_HOST}:{RABBIT_PORT}/{vhost}"
        urls = {
            name: f"amqp://{name}-{suffix}:{passwords[f'{name}-{suffix}']}@{base}" for name in PORTS
        }
        wait_for(lambda: all(_logs_in(url) for url in urls.values()), timeout=30, interval=0.2)
        yield SimpleNamespace(vhost=vhost, urls=urls, guest=f"amqp://guest:guest@{base}")
    finally:
        remove(vhost, users)


def _logs_in(url: str) -> bool:
    try:
        with Connection(url, connect_timeout=2) as connection:
            connection.ensure_connection(max_retries=1)
        return True
    except Exception:  # noqa: BLE001 - not yet: the import is still running
        return False


@pytest.fixture(autouse=True)
def empty_queues(broker):
    """Every queue empty before each test, so that each reads only what it caused."""
    with Connection(broker.guest) as connection:
        for service in PORTS:
            for name in service_queues(service):
                Queue(name, no_declare=True)(connection.default_channel).purge()


def settings_as(broker, service: str, tmp_path, user: str | None = None):
    """``service``'s settings on SQLite, on the broker as its own user (or ``user``'s)."""
    ttl = next(q for q in definitions()["queues"] if q["name"] == f"{service}.retry")
    return make_settings(
        service,
        tmp_path / service,
        broker_url=broker.urls[user or service],
        retry_delay_seconds=ttl["arguments"]["x-message-ttl"] / 1000,
    )


def take(broker, queue: str, timeout: float = 15):
    """The next message of ``queue``, read as guest; fails after ``timeout`` seconds."""
    with Connection(broker.guest) as connection:
        bound = Queue(queue, no_declare=True)(connection.default_channel)
        message = wait_for(lambda: bound.get(no_ack=True), timeout=timeout)
        return SimpleNamespace(body=message.body, headers=message.headers)


def publish_as_guest(broker, queue: str, body: str) -> None:
    with Connection(broker.guest) as connection:
        connection.Producer().publish(
            body, exchange="", routing_key=queue, content_type="application/json", retry=False
        )


def refused(action, *args) -> bool:
    """Whether RabbitMQ refuses ``action(*args)`` with ACCESS_REFUSED."""
    try:
        action(*args)
    except AccessRefused:
        return True
    return False


def _fail(session, event):
    raise RuntimeError("the handler fails, so the worker retries")


@pytest.mark.parametrize("service", PORTS)
def test_the_worker_declares_consumes_retries_and_dead_letters_as_its_user(
    broker, service, tmp_path
):
    descriptor = services()[service]
    settings = migrated(descriptor, settings_as(broker, service, tmp_path))
    worker = EventWorker(
        descriptor, settings, Database(settings.database_url), {"ceremony.purged": _fail}
    )
    runner = threading.Thread(target=worker.run, daemon=True)
    runner.start()
    try:
        queue = topology.events_queue_name(service)
        publish_as_guest(broker, queue, '{"not": "an event"}')
        dead = take(broker, topology.dead_queue_name(service))
        envelope = make_envelope("ceremony.purged", {"ceremony_id": str(uuid.uuid4())}, "test")
        publish_as_guest(broker, queue, json.dumps(envelope))
        retry = take(broker, topology.retry_queue_name(service))
    finally:
        worker.should_stop = True
        runner.join(timeout=10)
        worker.close()
    assert (
        dead.body,
        dead.headers[REASON_HEADER].startswith("invalid"),
        json.loads(retry.body)["event_id"],
        retry.headers[ATTEMPT_HEADER],
    ) == ('{"not": "an event"}', True, envelope["event_id"], 1)


@pytest.mark.parametrize("service", PORTS)
def test_the_relay_publishes_every_event_of_its_service_as_its_user(broker, service, tmp_path):
    descriptor = services()[service]
    settings = migrated(descriptor, settings_as(broker, service, tmp_path))
    database = Database(settings.database_url)
    with database.transaction() as session:
        for event_type in produced_by(service):
            session.execute(
                descriptor.outbox.insert().values(
                    event_id=str(uuid.uuid4()), event_type=event_type, body='{"relayed": true}'
                )
            )
    relay = Relay(descriptor, settings, database)
    relay.start()
    try:
        wait_for(lambda: backlog(database, descriptor.outbox) == 0, timeout=15)
    finally:
        relay.stop()
        relay.join(timeout=10)
    assert not relay.is_alive()


@pytest.mark.parametrize("service", PORTS)
def test_a_user_may_publish_the_events_of_its_service_only(broker, service):
    found = {}
    with Connection(broker.urls[service]) as connection:
        for event_type in EVENT_SCHEMAS:
            publisher = ConfirmingPublisher(connection)
            message = Outgoing(body="{}", routing_key=event_type, message_id=str(uuid.uuid4()))
            found[event_type] = not refused(publisher.publish_batch, [message])
            publisher.close()
    assert found == {name: name in produced_by(service) for name in EVENT_SCHEMAS}


@pytest.mark.parametrize("service", PORTS)
def test_a_user_may_read_the_queues_of_its_service_only(broker, service):
    found = {}
    with Connection(broker.urls[service]) as connection:
        for other in PORTS:
            for name in service_queues(other):
                # A refusal closes the channel: each queue is tried on a channel of its own.
                with connection.channel() as channel:
                    queue = Queue(name, no_declare=True)(channel)
                    found[name] = not refused(queue.get, True)
    assert found == {name: other == service for other in PORTS for name in service_queues(other)}


@pytest.mark.parametrize("service", PORTS)
def test_a_user_may_not_bind_a_queue_to_every_event(broker, service):
    queue = topology.events_queue_name(service)
    with Connection(broker.urls[service]) as connection:
        channel = connection.default_channel
        assert refused(channel.queue_bind, queue, topology.EVENTS.name, "#")


@pytest.mark.parametrize("service", PORTS)
def test_dead_letters_of_its_service_are_listed_counted_and_replayed_as_its_user(
    broker, service, tmp_path
):
    with Connection(broker.guest) as connection:
        connection.Producer().publish(
            '{"dead": true}',
            exchange=topology.DEAD.name,
            routing_key=service,
            headers={REASON_HEADER: "invalid: test"},
            message_id="dead-1",
            retry=False,
        )
    settings = settings_as(broker, service, tmp_path)
    wait_for(lambda: dead_letter_count(settings) == 1, timeout=10)
    letters = [(letter.message_id, letter.reason) for letter in list_dead_letters(settings)]
    replayed = replay_dead_letters(settings)
    back = take(broker, topology.events_queue_name(service))
    assert (letters, replayed, back.body) == ([("dead-1", "invalid: test")], 1, '{"dead": true}')


@pytest.mark.parametrize("service", PORTS)
def test_a_user_may_not_list_the_dead_letters_of_another_service(broker, service, tmp_path):
    others = [name for name in PORTS if name != service]
    found = {
        other: refused(list_dead_letters, settings_as(broker, other, tmp_path, service))
        for other in others
    }
    assert found == dict.fromkeys(others, True)
