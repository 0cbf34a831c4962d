"""Notifications on RabbitMQ and PostgreSQL: events in, emails out over real SMTP, each once."""

from __future__ import annotations

import json
import threading
import uuid
from collections import Counter

import pytest
from kombu import Connection, Queue
from sqlalchemy import select

from services.notifications.models import deliveries
from services.notifications.service import SERVICE
from shared import topology
from shared.db import Database
from shared.worker import ServiceWorker
from tests.conftest import make_settings, migrated, wait_for
from tests.notifications.fake_badges import decode_badge
from tests.notifications.on_the_bus import (
    ceremony_created,
    confirmed_guests,
    publish,
    waitlisted_guests,
)

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path, amqp_url, postgres_databases, smtp_server, badges):
    database = postgres_databases(f"notif_{tmp_path.name[-8:].lower()}")
    return migrated(
        SERVICE,
        make_settings(
            "notifications",
            tmp_path / "var",
            broker_url=amqp_url,
            database_url=database,
            smtp_url=smtp_server.url,
            internal_urls={"badges": badges.url},
            mail_from="Protocol Office <protocol@ceremony.example.org>",
            smtp_rate_per_second=0,
            delivery_poll_seconds=0.05,
            delivery_retry_schedule=",".join(["0.2"] * 50),
        ),
    )


@pytest.fixture
def workers(settings):
    """Start notifications workers (replicas) in threads; all are stopped at the end."""
    running = []

    def start():
        worker = ServiceWorker(SERVICE, settings)
        thread = threading.Thread(target=worker.run, daemon=True)
        thread.start()
        running.append((worker, thread))
        return worker

    yield start
    for worker, thread in running:
        worker.stop()
        thread.join(timeout=15)
        worker.database.dispose()


@pytest.fixture
def log(settings):
    database = Database(settings.database_url)

    def rows(**where):
        query = select(deliveries)
        for column, value in where.items():
            query = query.where(deliveries.c[column] == value)
        with database.sessions() as session:
            return list(session.execute(query))

    yield rows
    database.dispose()


def test_a_confirmed_guest_receives_the_email_with_the_badge_issued(
    settings, workers, smtp_server, badges
):
    ceremony_id = uuid.uuid4()
    guest = confirmed_guests(ceremony_id, badges, 1)
    workers()
    publish(settings, [ceremony_created(ceremony_id), *guest])

    [message] = wait_for(lambda: smtp_server.received, timeout=30)
    [badge] = [p for p in message.parsed().iter_attachments() if p.get_filename() == "badge.pdf"]
    assert decode_badge(badge.get_content()) == guest[1]["data"]["code"]


def test_emails_are_delivered_once_the_smtp_server_is_back(settings, workers, smtp_server, log):
    smtp_server.stop()
    ceremony_id = uuid.uuid4()
    workers()
    publish(settings, [ceremony_created(ceremony_id), *waitlisted_guests(ceremony_id, 3)])
    wait_for(lambda: len(log()) == 3 and all(d.attempts >= 2 for d in log()), timeout=30)
    smtp_server.start()

    wait_for(lambda: len(log(status="sent")) == 3, timeout=30)
    assert len(smtp_server.received) == 3


def test_two_workers_on_one_database_send_each_email_once(
    settings, workers, smtp_server, badges, log
):
    ceremony_id = uuid.uuid4()
    workers()
    workers()
    publish(settings, [ceremony_created(ceremony_id), *confirmed_guests(ceremony_id, badges, 40)])

    wait_for(lambda: len(log(status="sent")) == 40, timeout=60)
    counts = Counter(smtp_server.message_ids())
    assert (len(counts), max(counts.values())) == (40, 1)


def test_a_refused_email_is_published_as_delivery_failed(settings, workers, smtp_server, amqp_url):
    watcher = Queue("test.delivery-failed", exchange=topology.EVENTS, routing_key="delivery.failed")
    with Connection(amqp_url) as connection:
        watcher(connection.default_channel).declare()
    smtp_server.refuse_next(550)
    ceremony_id = uuid.uuid4()
    workers()
    publish(settings, [ceremony_created(ceremony_id), *waitlisted_guests(ceremony_id, 1)])

    def failure():
        with Connection(amqp_url) as connection:
            message = watcher(connection.default_channel).get(no_ack=True, accept=["json"])
            return message and json.loads(message.body)

    event = wait_for(failure, timeout=30)
    assert (event["type"], event["data"]["smtp_code"]) == ("delivery.failed", 550)


def test_an_email_being_sent_is_left_to_its_sender_by_every_other_worker(
    settings, workers, smtp_server, log
):
    held = smtp_server.stall_at(1)
    ceremony_id = uuid.uuid4()
    workers()
    workers()
    publish(settings, [ceremony_created(ceremony_id), *waitlisted_guests(ceremony_id, 5)])
    assert held.arrived.wait(timeout=30)

    wait_for(lambda: len(log(status="sent")) == 4, timeout=30)
    [sending] = log(status="queued")
    assert sending.lease_holder is not None  # no row lock held meanwhile: the lease keeps off
    held.release()  # answered 451: tried again on the retry schedule, by whichever worker

    wait_for(lambda: len(log(status="sent")) == 5, timeout=30)
    counts = Counter(smtp_server.message_ids())
    assert (len(counts), max(counts.values())) == (5, 1)
