"""deploy/rabbitmq/definitions.json, imported into the local RabbitMQ and compared with the code.

The file names the vhost "ceremony"; each test rewrites it to a throwaway vhost, imports it
with `rabbitmqctl import_definitions`, and compares what RabbitMQ then holds with what
``shared.bus.declare_topology`` declares into a second throwaway vhost.
"""

from __future__ import annotations

import json
import os
import tempfile
import uuid
from types import SimpleNamespace
from urllib.parse import urlsplit

import pytest
from kombu import Connection, Queue

from shared.bus import declare_topology
from shared.config import load_settings
from tests.conftest import rabbitmqctl, wait_for
from tests.deploy.contract import definitions

pytestmark = pytest.mark.integration


def listing(vhost: str, what: str, *columns: str) -> list[dict]:
    """`rabbitmqctl list_<what> -p VHOST COLUMNS` as JSON rows."""
    output = rabbitmqctl(f"list_{what}", "-q", "-p", vhost, *columns, "--formatter", "json")
    return json.loads(output or "[]")


def queues(vhost: str) -> dict[str, tuple]:
    rows = listing(vhost, "queues", "name", "durable", "auto_delete", "type", "arguments")
    return {
        row["name"]: (
            row["durable"],
            row["auto_delete"],
            row["type"],
            {key: value for key, _, value in row["arguments"]},
        )
        for row in rows
    }


def exchanges(vhost: str) -> dict[str, tuple]:
    columns = ("name", "type", "durable", "auto_delete", "internal", "arguments")
    rows = listing(vhost, "exchanges", *columns)
    return {row["name"]: tuple(json.dumps(row[c]) for c in columns[1:]) for row in rows}


def bindings(vhost: str) -> set[tuple]:
    columns = ("source_name", "destination_name", "destination_kind", "routing_key", "arguments")
    return {
        tuple(json.dumps(row[c]) for c in columns) for row in listing(vhost, "bindings", *columns)
    }


def settings_for(url: str):
    return load_settings("registration", {"CEREMONY_BROKER_URL": url})


@pytest.fixture
def imported(amqp_url):
    """The definitions imported into the throwaway vhost of ``amqp_url``."""
    vhost = urlsplit(amqp_url).path.lstrip("/")
    document = definitions()
    # The users and their rights are test_rabbitmq_users.py's: users belong to the whole broker.
    for section in ("users", "permissions", "topic_permissions"):
        document.pop(section)
    document["vhosts"] = [{"name": vhost}]
    for section in ("exchanges", "queues", "bindings", "policies"):
        for item in document[section]:
            item["vhost"] = vhost
    # rabbitmqctl reads the file as the broker's user: it must not sit in pytest's private tmp.
    handle, path = tempfile.mkstemp(prefix="ceremony-definitions-", suffix=".json")
    try:
        with os.fdopen(handle, "w") as file:
            json.dump(document, file)
        os.chmod(path, 0o644)
        rabbitmqctl("import_definitions", path)
    finally:
        os.unlink(path)
    # The import runs in the background: wait until every queue and policy is there.
    wait_for(lambda: len(queues(vhost)) == len(document["queues"]), timeout=30, interval=0.2)
    wait_for(lambda: len(listing(vhost, "policies")) == len(document["policies"]), timeout=30)
    return SimpleNamespace(url=amqp_url, vhost=vhost)


@pytest.fixture
def declared_by_code(imported):
    """A second throwaway vhost holding the topology that the code declares."""
    vhost = f"ceremony-test-{uuid.uuid4().hex[:12]}"
    rabbitmqctl("add_vhost", vhost)
    try:
        rabbitmqctl("set_permissions", "-p", vhost, "guest", ".*", ".*", ".*")
        url = imported.url.rsplit("/", 1)[0] + f"/{vhost}"
        with Connection(url) as connection:
            declare_topology(connection, settings_for(url))
        yield vhost
    finally:
        rabbitmqctl("delete_vhost", vhost)


def test_the_definitions_hold_the_queues_the_code_declares(imported, declared_by_code):
    assert queues(imported.vhost) == queues(declared_by_code)


def test_the_definitions_hold_the_exchanges_the_code_declares(imported, declared_by_code):
    assert exchanges(imported.vhost) == exchanges(declared_by_code)


def test_the_definitions_hold_the_bindings_the_code_declares(imported, declared_by_code):
    assert bindings(imported.vhost) == bindings(declared_by_code)


def test_the_code_declares_its_topology_over_the_definitions_without_conflict(imported):
    before = queues(imported.vhost)
    with Connection(imported.url) as connection:
        declare_topology(connection, settings_for(imported.url))
    assert queues(imported.vhost) == before


def test_the_policies_apply_to_every_events_and_retry_queue(imported):
    applied = {
        row["name"]: row["policy"] for row in listing(imported.vhost, "queues", "name", "policy")
    }
    expected = {
        name: {"events": "ceremony-events", "retry": "ceremony-retry"}.get(
            name.rsplit(".", 1)[1], ""
        )
        for name in applied
    }
    assert applied == expected


def test_a_message_expiring_in_a_retry_queue_returns_to_its_events_queue(imported):
    with Connection(imported.url) as connection:
        connection.Producer().publish(
            '{"retry": true}', exchange="", routing_key="badges.retry", expiration=0.05, retry=False
        )
        events = Queue("badges.events", no_declare=True)(connection.default_channel)
        message = wait_for(lambda: events.get(no_ack=True), timeout=10)
    assert message.body == '{"retry": true}'


def test_a_message_redelivered_past_the_delivery_limit_goes_to_the_dead_queue(imported):
    limit = next(q for q in definitions()["queues"] if q["name"] == "badges.events")
    limit = limit["arguments"]["x-delivery-limit"]
    deliveries = 0
    with Connection(imported.url) as connection:
        channel = connection.default_channel
        connection.Producer().publish(
            '{"poison": true}', exchange="", routing_key="badges.events", retry=False
        )
        events = Queue("badges.events", no_declare=True)(channel)
        dead = Queue("badges.dead", no_declare=True)(channel)
        while deliveries <= limit + 1:
            message = wait_for(
                lambda: events.get(no_ack=False) or dead.get(no_ack=True), timeout=10
            )
            if message.delivery_info["routing_key"] == "badges":
                break
            deliveries += 1
            message.requeue()
    assert (message.body, deliveries) == ('{"poison": true}', limit + 1)


def test_the_definitions_hold_users_but_no_passwords():
    users = definitions()["users"]
    assert [u["name"] for u in users if {"password", "password_hash"} & set(u)] == []
