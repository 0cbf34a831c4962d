"""Revocation benchmark: how long after a credential is revoked every service refuses it.

The three services run as gunicorn processes with their workers, on PostgreSQL and RabbitMQ.
Each round makes a fresh viewer API key, waits until badges and notifications accept it, then
revokes it as the registration API does (the revocation and its ``credential.revoked`` event in
one transaction) and polls both services every 10 ms until each answers 401. The time printed
is from that commit to the first refusal, per service; the registration service refuses from
the commit itself. The parts of it: the outbox relay's poll (CEREMONY_RELAY_INTERVAL_SECONDS,
0.1 s by default), the bus, the consuming worker's commit, and each web process's cache of
what it read (at most 1 s).

    python -m benchmarks.revocation [--rounds 30]
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import requests

from benchmarks.load import Gunicorn, drop_database, fresh_database, machine
from services.badges.service import SERVICE as BADGES
from services.notifications.service import SERVICE as NOTIFICATIONS
from services.registration.credential_events import revoke_credential
from services.registration.service import SERVICE as REGISTRATION
from shared.auth import Signer
from shared.db import Database
from shared.migrations import upgrade

SECRET = "benchmark-secret-not-for-production-use"
VHOST = f"ceremony-bench-{uuid.uuid4().hex[:6]}"
AMQP = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
PORTS = {"registration": 18301, "badges": 18302, "notifications": 18303}
SERVICES = {"registration": REGISTRATION, "badges": BADGES, "notifications": NOTIFICATIONS}


def rabbitmqctl(*args: str, check: bool = True) -> None:
    subprocess.run(["rabbitmqctl", *args], check=check, capture_output=True)


def worker(service: str, env: dict) -> subprocess.Popen:
    """``ceremony worker <service>`` as a process."""
    command = [sys.executable, "-m", "shared.cli", "worker", service]
    return subprocess.Popen(command, env={**os.environ, **env})


def wait_until(condition, timeout: float, interval: float = 0.01) -> float:
    """Seconds until ``condition()`` held; raises after ``timeout``."""
    started = time.perf_counter()
    while not condition():
        if time.perf_counter() - started > timeout:
            raise RuntimeError(f"not within {timeout}s")
        time.sleep(interval)
    return time.perf_counter() - started


def status(http: requests.Session, service: str, path: str, token: str) -> int:
    response = http.get(
        f"http://127.0.0.1:{PORTS[service]}{path}",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    return response.status_code


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()

    rabbitmqctl("delete_vhost", VHOST, check=False)
    rabbitmqctl("add_vhost", VHOST)
    rabbitmqctl("set_permissions", "-p", VHOST, "guest", ".*", ".*", ".*")
    urls = {name: fresh_database(f"rev_{name[:5]}") for name in SERVICES}
    for name, service in SERVICES.items():
        upgrade(service, urls[name])
    env = {
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_BROKER_URL": AMQP,
        "CEREMONY_LOG_LEVEL": "WARNING",
        **{f"CEREMONY_{name.upper()}_DATABASE_URL": url for name, url in urls.items()},
        **{f"CEREMONY_PUBLIC_URL_{n.upper()}": f"http://127.0.0.1:{p}" for n, p in PORTS.items()},
    }
    signer = Signer(SECRET)
    admin = signer.issue_token("admin")
    registration = Database(urls["registration"])
    workers = [worker(name, env) for name in SERVICES]
    http = requests.Session()
    delays: dict[str, list[float]] = {"badges": [], "notifications": []}
    try:
        with (
            Gunicorn("services.registration.app:create_app()", PORTS["registration"], env, 2, 4),
            Gunicorn("services.badges.app:create_app()", PORTS["badges"], env, 2, 4),
            Gunicorn("services.notifications.app:create_app()", PORTS["notifications"], env, 2, 4),
        ):
            starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
            created = http.post(
                f"http://127.0.0.1:{PORTS['registration']}/api/ceremonies",
                json={
                    "title": "Revocation benchmark",
                    "starts_at": starts.isoformat(),
                    "ends_at": (starts + timedelta(hours=2)).isoformat(),
                    "timezone": "UTC",
                    "venue": {"name": "Hall"},
                    "capacity": 10,
                    "registration_mode": "open",
                },
                headers={"Authorization": f"Bearer {admin}"},
                timeout=10,
            )
            created.raise_for_status()
            ceremony = created.json()["id"]
            paths = {
                "badges": f"/api/ceremonies/{ceremony}/attendance",
                "notifications": f"/api/deliveries?ceremony={ceremony}",
            }
            wait_until(lambda: status(http, "badges", paths["badges"], admin) == 200, 30)
            for _ in range(args.rounds):
                key_id = str(uuid.uuid4())
                key = signer.issue_token("viewer", ceremony_id=ceremony, credential_id=key_id)
                for service, path in paths.items():
                    wait_until(lambda s=service, p=path, k=key: status(http, s, p, k) == 200, 10)
                with registration.transaction() as session:
                    revoke_credential(session, key_id, "apikey", expires_at=None)
                committed = time.perf_counter()
                pending = dict(paths)
                while pending:
                    for service, path in list(pending.items()):
                        if status(http, service, path, key) == 401:
                            delays[service].append(time.perf_counter() - committed)
                            del pending[service]
                    if time.perf_counter() - committed > 30:
                        raise RuntimeError(f"still accepted after 30 s: {sorted(pending)}")
                    time.sleep(0.01)
    finally:
        for process in workers:
            process.terminate()
        for process in workers:
            process.wait(timeout=30)
        registration.dispose()
        for url in urls.values():
            drop_database(url)
        rabbitmqctl("delete_vhost", VHOST, check=False)

    print(f"machine: {machine()}")
    print(f"rounds: {args.rounds}, relay interval 0.1 s, credential cache 1 s")
    for service, seen in delays.items():
        ordered = sorted(seen)
        p95 = ordered[max(0, round(0.95 * len(ordered)) - 1)]
        print(
            f"{service:<14} revoked to refused: p50 {statistics.median(ordered) * 1000:6.0f} ms  "
            f"p95 {p95 * 1000:6.0f} ms  max {ordered[-1] * 1000:6.0f} ms  "
            f"({ordered[-1] / 2.0:.0%} of the 2 s target at worst)"
        )


if __name__ == "__main__":
    main()
