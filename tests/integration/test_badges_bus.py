"""The badges worker on RabbitMQ and PostgreSQL: issue and revoke from the bus, once."""

from __future__ import annotations

import json
import threading
import uuid

import pytest
from sqlalchemy import func, select

from services.badges.models import badges, outbox
from services.badges.service import SERVICE
from shared import topology
from shared.bus import ConfirmingPublisher, Outgoing, connect, declare_topology, dump_body
from shared.db import Database
from shared.worker import ServiceWorker
from tests.badges.fixtures import ceremony_envelope, registration_envelope
from tests.conftest import make_settings, migrated, wait_for

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path, amqp_url, postgres_databases):
    url = postgres_databases(f"badges_bus_{uuid.uuid4().hex[:8]}")
    return migrated(
        SERVICE,
        make_settings("badges", tmp_path / "var", broker_url=amqp_url, database_url=url),
    )


class Bus:
    """The badges worker running in a thread, a publisher to feed it, and its database."""

    def __init__(self, settings):
        self.database = Database(settings.database_url)
        self.connection = connect(settings)
        declare_topology(self.connection, settings)
        self.publisher = ConfirmingPublisher(self.connection)
        self.worker = ServiceWorker(SERVICE, settings, self.database)
        self.thread = threading.Thread(target=self.worker.run, daemon=True)
        self.thread.start()

    def send(self, envelope: dict) -> None:
        self.publisher.publish_batch(
            [
                Outgoing(
                    body=dump_body(envelope),
                    routing_key=envelope["type"],
                    message_id=envelope["event_id"],
                )
            ]
        )

    def badges_of(self, registration_id, status: str | None = None) -> int:
        query = select(func.count()).where(badges.c.registration_id == registration_id)
        if status:
            query = query.where(badges.c.status == status)
        with self.database.transaction() as session:
            return session.execute(query).scalar_one()

    def unpublished(self) -> int:
        query = select(func.count()).where(outbox.c.published_at.is_(None))
        with self.database.transaction() as session:
            return session.execute(query).scalar_one()

    def close(self) -> None:
        self.worker.stop()
        self.thread.join(timeout=15)
        self.publisher.close()
        self.connection.release()
        self.database.dispose()


@pytest.fixture
def bus(settings):
    bus = Bus(settings)
    yield bus
    bus.close()


@pytest.fixture
def ceremony_id(bus):
    ceremony_id = uuid.uuid4()
    bus.send(ceremony_envelope(ceremony_id))
    return ceremony_id


def confirmed(ceremony_id, registration_id=None) -> dict:
    return registration_envelope(
        "registration.confirmed", registration_id or uuid.uuid4(), ceremony_id
    )


def test_a_confirmation_on_the_bus_issues_a_badge(bus, ceremony_id):
    envelope = confirmed(ceremony_id)
    bus.send(envelope)
    wait_for(lambda: bus.badges_of(envelope["data"]["registration_id"]) == 1)


def test_a_redelivered_confirmation_issues_no_second_badge(bus, ceremony_id):
    envelope = confirmed(ceremony_id)
    bus.send(envelope)
    bus.send(envelope)  # the same event again, as after a relay crash before marking it sent
    marker = confirmed(ceremony_id)
    bus.send(marker)  # handled after both copies: once it has its badge, they have been seen
    wait_for(lambda: bus.badges_of(marker["data"]["registration_id"]) == 1)
    assert bus.badges_of(envelope["data"]["registration_id"]) == 1


def test_a_cancellation_on_the_bus_revokes_the_badge(bus, ceremony_id):
    registration_id = uuid.uuid4()
    bus.send(confirmed(ceremony_id, registration_id))
    wait_for(lambda: bus.badges_of(registration_id) == 1)
    bus.send(registration_envelope("registration.cancelled", registration_id, ceremony_id))
    wait_for(lambda: bus.badges_of(registration_id, status="revoked") == 1)


def test_badge_issued_reaches_its_subscribers(bus, settings, ceremony_id):
    envelope = confirmed(ceremony_id)
    bus.send(envelope)
    wait_for(lambda: bus.badges_of(envelope["data"]["registration_id"]) == 1)
    wait_for(lambda: bus.unpublished() == 0)
    queue = topology.events_queue("notifications")(bus.connection.default_channel)

    def next_badge_issued():
        message = queue.get(no_ack=True, accept=["json"])
        while message is not None and json.loads(message.body)["type"] != "badge.issued":
            message = queue.get(no_ack=True, accept=["json"])
        return message and json.loads(message.body)

    received = wait_for(next_badge_issued)
    assert received["data"]["registration_id"] == envelope["data"]["registration_id"]
