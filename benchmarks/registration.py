"""Registration benchmark: gunicorn on PostgreSQL with the outbox relayed to RabbitMQ.

Prints registrations per second with 32 clients (closed loop), p50/p99 at a steady 50 per
second (open loop), the same gunicorn settings' floors (one ORM insert, hello world), and the
outbox relay's events per second with publisher confirms.

    python -m benchmarks.registration [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

from benchmarks.floor_app import create_tables
from benchmarks.load import (
    Gunicorn,
    drop_database,
    fresh_database,
    machine,
    report,
    run_closed_loop,
    run_open_loop,
)
from services.registration.service import SERVICE
from shared.auth import Signer
from shared.bus import ConfirmingPublisher, connect, declare_topology
from shared.config import load_settings
from shared.db import Database
from shared.migrations import upgrade
from shared.outbox import publish_event, relay_batch

SECRET = "benchmark-secret-not-for-production-use"
VHOST = f"ceremony-bench-{uuid.uuid4().hex[:6]}"
AMQP = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
CEREMONY: dict[str, str] = {}


def register_request(n: int):
    """The n-th guest's registration."""
    body = {"full_name": f"Guest {n}", "email": f"guest{n}@example.org", "category": "guest"}
    return "POST", f"/api/ceremonies/{CEREMONY['id']}/registrations", body, {}


def insert_request(n: int):
    """One row through the ORM."""
    return "POST", "/insert", {"n": n}, {}


def hello_request(n: int):
    """Nothing at all."""
    return "GET", "/hello", None, {}


def create_ceremony(port: int) -> str:
    """A ceremony with room for every guest of the run."""
    import requests

    token = Signer(SECRET).issue_token("admin")
    starts = datetime.now(UTC) + timedelta(days=30)
    response = requests.post(
        f"http://127.0.0.1:{port}/api/ceremonies",
        json={
            "title": "Benchmark Ceremony",
            "starts_at": starts.isoformat(),
            "ends_at": (starts + timedelta(hours=2)).isoformat(),
            "timezone": "Europe/Paris",
            "venue": {"name": "Hall"},
            "capacity": 100_000,
            # The load measures registering itself: guests register at once.
            "registration_mode": "open",
        },
        headers={"Authorization": f"Bearer {token}"},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["id"]


def measure_relay(database_url: str, events: int) -> tuple[float, int]:
    """Fill the outbox with ``events`` rows, then time the relay publishing them with confirms."""
    database = Database(database_url)
    data = {
        "badge_id": str(uuid.uuid4()),
        "registration_id": str(uuid.uuid4()),
        "ceremony_id": str(uuid.uuid4()),
        "code": "BENCH",
    }
    for _ in range(events // 1000):
        with database.transaction() as session:
            for _ in range(1000):
                publish_event(session, SERVICE.outbox, "badge.issued", data, "badges")
    settings = load_settings("registration").with_overrides(broker_url=AMQP)
    with connect(settings) as connection:
        declare_topology(connection, settings)
        publisher = ConfirmingPublisher(connection)
        started = time.perf_counter()
        sent = 0
        while batch := relay_batch(database, SERVICE.outbox, publisher, limit=1000):
            sent += batch
        elapsed = time.perf_counter() - started
    database.dispose()
    return sent / elapsed, sent


def main() -> None:
    """Run every measurement and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=15.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=4)
    args = parser.parse_args()

    subprocess.run(["rabbitmqctl", "add_vhost", VHOST], check=True, capture_output=True)
    subprocess.run(
        ["rabbitmqctl", "set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*"],
        check=True,
        capture_output=True,
    )
    registration_db = fresh_database("registration")
    floor_db = fresh_database("floor")
    create_tables(floor_db)
    relay_db = fresh_database("relay")
    upgrade(SERVICE, registration_db)
    upgrade(SERVICE, relay_db)
    env = {
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_BROKER_URL": AMQP,
        "CEREMONY_REGISTRATION_DATABASE_URL": registration_db,
        "CEREMONY_FLOOR_DATABASE_URL": floor_db,
        "CEREMONY_LOG_LEVEL": "WARNING",
        # One load generator on one address: the limits would measure themselves.
        "CEREMONY_RATE_LIMIT_PER_ADDRESS": "10000000/minute",
        "CEREMONY_RATE_LIMIT_PER_CEREMONY": "10000000/minute",
    }
    gunicorn = {"workers": args.workers, "threads": args.threads}
    lines = [f"machine: {machine()}", f"gunicorn: {args.workers} workers x {args.threads} threads"]
    try:
        relay = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "worker", "registration"],
            env={**os.environ, **env},
        )
        try:
            with Gunicorn("services.registration.app:create_app()", 18001, env, **gunicorn):
                CEREMONY["id"] = create_ceremony(18001)
                closed = run_closed_loop(18001, register_request, 32, args.seconds)
                opened = run_open_loop(18001, register_request, 50, args.seconds)
        finally:
            relay.terminate()
            relay.wait(timeout=30)
        with Gunicorn("benchmarks.floor_app:create_app()", 18009, env, **gunicorn):
            insert = run_closed_loop(18009, insert_request, 32, args.seconds)
            hello = run_closed_loop(18009, hello_request, 32, args.seconds)
        relay_rate, relayed = measure_relay(relay_db, 20_000)
    finally:
        for url in (registration_db, floor_db, relay_db):
            drop_database(url)
        subprocess.run(["rabbitmqctl", "delete_vhost", VHOST], check=False, capture_output=True)

    lines += [
        report("registrations, 32 clients (closed loop)", closed),
        report("registrations, 50/s (open loop)", opened),
        report("floor: one ORM insert, 32 clients", insert),
        report("floor: hello world, 32 clients", hello),
        f"{'outbox relay with publisher confirms':<44} {relay_rate:9.1f}/s  ({relayed} events)",
        f"registration / insert floor: {closed.per_second / insert.per_second:.0%}   "
        f"registration / hello floor: {closed.per_second / hello.per_second:.0%}",
    ]
    print("\n".join(lines))


if __name__ == "__main__":
    main()
