"""Registration on PostgreSQL, its events relayed to RabbitMQ: nothing lost, nothing twice."""

from __future__ import annotations

import json
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from kombu import Connection
from sqlalchemy import func, select, update

from services.badges.service import SERVICE as BADGES
from services.registration.app import create_app
from services.registration.ceremonies import get_ceremony
from services.registration.models import Ceremony, Registration, outbox
from services.registration.registrations import register_in_transaction as register_guest
from services.registration.service import SERVICE as REGISTRATION
from shared import topology
from shared.auth import Signer
from shared.bus import connect, declare_topology
from shared.relay import Relay
from shared.worker import ServiceWorker
from tests.conftest import SECRET, make_settings, migrated, rabbitmqctl, wait_for
from tests.integration.proxy import CuttableProxy
from tests.registration.bad_inputs import ALL_CASES, field_named, send
from tests.registration.conftest import ceremony_body, register

pytestmark = pytest.mark.integration


@pytest.fixture
def settings(tmp_path, amqp_url, postgres_databases):
    database = postgres_databases(f"reg_{tmp_path.name[-8:].lower()}")
    return migrated(
        REGISTRATION,
        make_settings("registration", tmp_path / "var", broker_url=amqp_url, database_url=database),
    )


@pytest.fixture
def app(settings):
    app = create_app(settings)
    yield app
    app.extensions["ceremony"].database.dispose()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ceremony(client, organiser_headers):
    return client.post("/api/ceremonies", json=ceremony_body(), headers=organiser_headers).json


@pytest.fixture
def relay(app, settings):
    relays = []

    def start(relay_settings=settings):
        relay = Relay(REGISTRATION, relay_settings, app.extensions["ceremony"].database)
        relay.start()
        relays.append(relay)
        return relay

    yield start
    for relay in relays:
        relay.stop()
        relay.join(timeout=10)


def queued(amqp_url: str, queue_name: str) -> list[dict]:
    """Take every message waiting on a queue (acking them) and return their bodies."""
    bodies = []
    with Connection(amqp_url) as connection:
        queue = topology.events_queue(queue_name.split(".")[0])(connection.default_channel)
        while (message := queue.get(no_ack=False, accept=["json"])) is not None:
            bodies.append(message.payload)
            message.ack()
    return bodies


def unpublished(app) -> int:
    with app.extensions["ceremony"].database.sessions() as session:
        query = select(func.count()).select_from(outbox).where(outbox.c.published_at.is_(None))
        return session.execute(query).scalar_one()


def confirmed_for(bodies: list[dict], registration_id: str) -> list[dict]:
    return [
        b
        for b in bodies
        if b["type"] == "registration.confirmed" and b["data"]["registration_id"] == registration_id
    ]


def test_an_event_written_with_a_registration_reaches_other_queues_exactly_once(
    app, client, ceremony, relay, amqp_url
):
    created = register(client, ceremony["id"], "ada@example.org").json
    relay()
    wait_for(lambda: unpublished(app) == 0)
    badges = queued(amqp_url, "badges.events")
    assert len(confirmed_for(badges, created["id"])) == 1
    notifications = queued(amqp_url, "notifications.events")
    assert len(confirmed_for(notifications, created["id"])) == 1
    assert queued(amqp_url, "registration.events") == []


def test_a_registration_made_while_rabbitmq_is_unreachable_is_published_when_it_returns(
    app, client, ceremony, relay, settings, amqp_url
):
    proxy = CuttableProxy(("127.0.0.1", 5672))  # down: nothing listens on its port yet
    through_proxy = amqp_url.replace(":5672/", f":{proxy.port}/")
    relay(settings.with_overrides(broker_url=through_proxy))
    response = register(client, ceremony["id"], "ada@example.org")
    assert response.status_code == 201
    assert unpublished(app) == 2  # ceremony.created and registration.confirmed, kept
    proxy.up()
    try:
        wait_for(lambda: unpublished(app) == 0, timeout=30)
    finally:
        proxy.down()
    badges = queued(amqp_url, "badges.events")
    assert len(confirmed_for(badges, response.json["id"])) == 1


def test_forty_concurrent_registrations_on_capacity_five_confirm_exactly_five(
    app, client, organiser_headers
):
    ceremony = client.post(
        "/api/ceremonies", json=ceremony_body(capacity=5), headers=organiser_headers
    ).json
    barrier = threading.Barrier(40)

    def one(n: int) -> int:
        own = app.test_client()
        barrier.wait()
        return register(own, ceremony["id"], f"guest{n}@example.org").status_code

    with ThreadPoolExecutor(max_workers=40) as pool:
        statuses = list(pool.map(one, range(40)))
    assert statuses == [201] * 40
    listed = client.get(
        f"/api/ceremonies/{ceremony['id']}/registrations", headers=organiser_headers
    ).json
    assert sum(r["status"] == "confirmed" for r in listed) == 5
    assert sum(r["status"] == "waitlisted" for r in listed) == 35
    assert client.get(f"/api/ceremonies/{ceremony['id']}").json["seats_taken"] == 5
    # One event per registration, telling the status it was stored with.
    with app.extensions["ceremony"].database.transaction() as session:
        bodies = [json.loads(b) for b in session.execute(select(outbox.c.body)).scalars()]
    told = {
        b["data"]["registration_id"]: b["type"]
        for b in bodies
        if b["type"].startswith("registration.")
    }
    assert told == {r["id"]: f"registration.{r['status']}" for r in listed}
    assert len([b for b in bodies if b["type"].startswith("registration.")]) == 40


def test_an_organiser_seats_a_dignitary_on_a_full_ceremony_outside_its_capacity(
    client, organiser_headers
):
    ceremony = client.post(
        "/api/ceremonies", json=ceremony_body(capacity=1), headers=organiser_headers
    ).json
    assert register(client, ceremony["id"], "guest@example.org").json["status"] == "confirmed"
    response = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Li Wei", "email": "li.wei@example.org", "category": "dignitary"},
        headers=organiser_headers,
    )
    assert response.status_code == 201
    assert (response.json["status"], response.json["reserved"]) == ("confirmed", True)
    assert response.json["manage_url"]
    assert client.get(f"/api/ceremonies/{ceremony['id']}").json["seats_taken"] == 1


@pytest.mark.parametrize(
    ("taken_meanwhile", "expected"),
    [("capacity", "waitlisted"), ("0", "confirmed")],
    ids=["read-free-but-filled", "read-full-but-freed"],
)
def test_a_seat_count_changed_after_it_was_read_gives_the_right_status_and_one_event(
    app, client, ceremony, taken_meanwhile, expected
):
    """The status is guessed from the ceremony as read; the seat taken at the end decides."""
    database = app.extensions["ceremony"].database
    ceremony_id = uuid.UUID(ceremony["id"])
    if taken_meanwhile == "0":
        with database.transaction() as session:
            session.execute(update(Ceremony).values(seats_taken=Ceremony.capacity))
    with app.app_context(), database.transaction() as session:
        get_ceremony(session, ceremony_id)  # what register() will go by
        with database.transaction() as other:
            other.execute(
                update(Ceremony).values(
                    seats_taken=Ceremony.capacity if taken_meanwhile == "capacity" else 0
                )
            )
        registration = register_guest(session, ceremony_id, {"full_name": "A", "email": "a@x.org"})
        registration_id = registration.id
    assert registration.status == expected
    with database.transaction() as session:
        bodies = [json.loads(b) for b in session.execute(select(outbox.c.body)).scalars()]
    mine = [b["type"] for b in bodies if b["data"].get("registration_id") == str(registration_id)]
    assert mine == [f"registration.{expected}"]


def test_the_same_email_registering_twice_at_once_gets_one_registration(app, client, ceremony):
    barrier = threading.Barrier(8)

    def one(_n: int) -> int:
        own = app.test_client()
        barrier.wait()
        return register(own, ceremony["id"], "same@example.org").status_code

    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = sorted(pool.map(one, range(8)))
    assert statuses == [201] + [409] * 7
    with app.extensions["ceremony"].database.sessions() as session:
        assert session.execute(select(func.count()).select_from(Registration)).scalar_one() == 1


@pytest.fixture(scope="module")
def refusing_app(tmp_path_factory, postgres_databases):
    """One app on PostgreSQL for the whole bad-input table, without a bus: every row is
    refused and must write nothing (each row checks), so the rows can share it and a ceremony."""
    settings = migrated(
        REGISTRATION,
        make_settings(
            "registration",
            tmp_path_factory.mktemp("bad-input") / "var",
            database_url=postgres_databases("reg_bad_input"),
        ),
    )
    app = create_app(settings)
    yield app
    app.extensions["ceremony"].database.dispose()


@pytest.fixture(scope="module")
def refusing_ceremony(refusing_app) -> dict:
    headers = {"Authorization": f"Bearer {Signer(SECRET).issue_token('admin')}"}
    response = refusing_app.test_client().post(
        "/api/ceremonies", json=ceremony_body(), headers=headers
    )
    assert response.status_code == 201, response.json
    return response.json


def written(app) -> tuple[int, int]:
    """How many registrations and outbox events the database holds."""
    with app.extensions["ceremony"].database.sessions() as session:
        return (
            session.execute(select(func.count()).select_from(Registration)).scalar_one(),
            session.execute(select(func.count()).select_from(outbox)).scalar_one(),
        )


@pytest.mark.parametrize(
    ("method", "path", "body", "status", "code", "field"),
    [case[1:] for case in ALL_CASES],
    ids=[case[0] for case in ALL_CASES],
)
def test_bad_input_on_postgresql_is_refused_by_name(
    refusing_app, refusing_ceremony, organiser_headers, method, path, body, status, code, field
):
    before = written(refusing_app)
    client = refusing_app.test_client()
    response = send(client, organiser_headers, refusing_ceremony["id"], method, path, body)
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.json["code"] == code
    if field:
        assert field_named(response.json["errors"], field)
    assert written(refusing_app) == before


def test_the_worker_survives_a_broker_restart(
    tmp_path, amqp_url, postgres_databases, client, ceremony, relay, app
):
    badges_settings = migrated(
        BADGES,
        make_settings(
            "badges",
            tmp_path / "badges-var",
            broker_url=amqp_url,
            database_url=postgres_databases(f"badges_{tmp_path.name[-8:].lower()}"),
        ),
    )
    worker = ServiceWorker(BADGES, badges_settings)
    thread = threading.Thread(target=worker.run, daemon=True)
    thread.start()
    relay()
    projected = BADGES.metadata.tables["registrations"]

    def projected_count() -> int:
        with worker.database.sessions() as session:
            return session.execute(select(func.count()).select_from(projected)).scalar_one()

    try:
        register(client, ceremony["id"], "before@example.org")
        wait_for(lambda: projected_count() == 1, timeout=20)
        rabbitmqctl("stop_app")
        rabbitmqctl("start_app")
        rabbitmqctl("await_startup")
        register(client, ceremony["id"], "after@example.org")
        wait_for(lambda: projected_count() == 2, timeout=60)
        assert thread.is_alive()
    finally:
        worker.stop()
        thread.join(timeout=15)
        worker.database.dispose()


def test_declared_topology_matches_the_design(amqp_url, tmp_path):
    settings = make_settings("badges", tmp_path / "var", broker_url=amqp_url)
    with connect(settings) as connection:
        declare_topology(connection, settings)
    vhost = amqp_url.rsplit("/", 1)[1]
    listed = rabbitmqctl("list_queues", "-p", vhost, "name", "type", "--no-table-headers", "-q")
    types = dict(line.split() for line in listed.strip().splitlines())
    for service in ("registration", "badges", "notifications"):
        assert types[f"{service}.events"] == "quorum"
        assert types[f"{service}.dead"] == "quorum"
        assert f"{service}.retry" in types
    exchanges = rabbitmqctl(
        "list_exchanges", "-p", vhost, "name", "type", "--no-table-headers", "-q"
    )
    assert "ceremony.events\ttopic" in exchanges
    assert "ceremony.dead\tdirect" in exchanges
    bindings = json.loads(
        rabbitmqctl(
            "list_bindings",
            "-p",
            vhost,
            "source_name",
            "destination_name",
            "routing_key",
            "--formatter",
            "json",
            "-q",
        )
    )
    badge_keys = {
        b["routing_key"]
        for b in bindings
        if b["source_name"] == "ceremony.events" and b["destination_name"] == "badges.events"
    }
    assert badge_keys == set(topology.SUBSCRIPTIONS["badges"])
