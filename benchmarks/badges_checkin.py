"""Badges benchmark: door check-ins on gunicorn and PostgreSQL, badge images, print sheets.

Prints first-time check-ins per second with 8 and 32 concurrent scanners (closed loop), p50/p99
latency at a steady 50 scans per second (open loop), the floors of the same gunicorn settings on
the same PostgreSQL (one ORM row insert, hello world) with the ratios, PNG badges rendered per
second, and the time to build a 1,000-badge print sheet through the API.

Every check-in is a badge's first scan with a fresh nonce, as a door sends it. The seeded
tables are vacuumed and both servers warmed up before anything is measured; each closed loop
runs in rounds that take turns with its floors, so that the ratios compare like with like on a
machine doing other work. The ``checkin.recorded`` events wait in the outbox meanwhile; the
badges worker then relays them to RabbitMQ with confirms, and that rate is printed too.

    python -m benchmarks.badges_checkin [--seconds 15]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta

import psycopg
import requests

from benchmarks.floor_app import create_tables
from benchmarks.load import (
    Gunicorn,
    Result,
    drop_database,
    fresh_database,
    machine,
    report,
    run_closed_loop,
    run_open_loop,
)
from services.badges.models import badges, ceremonies, presence, registrations
from services.badges.printing import rendering
from services.badges.printing.layout import BadgeView
from services.badges.service import SERVICE
from services.badges.signing import codes
from services.badges.signing.keys import KeyRing
from shared.auth import Signer
from shared.db import Database
from shared.migrations import upgrade
from shared.outbox import backlog

SECRET = "benchmark-secret-not-for-production-use"
VHOST = f"ceremony-bench-{uuid.uuid4().hex[:6]}"
AMQP = f"amqp://guest:guest@127.0.0.1:5672/{VHOST}"
BADGES_PORT, FLOOR_PORT = 18002, 18009
#: The load runners number each process's requests from i * 10,000,000, the open loop from
#: 50,000,000: each of those blocks gets its own badges, so that every scan is a first one.
BLOCK = 10_000_000
OPEN_LOOP_BLOCK = 5
#: Codes each block of each run may scan: room for this many first check-ins per second.
MAX_RATE = 1500
WARM_UP_SECONDS = 2.0
#: Each closed loop is measured in this many rounds, taking turns with its floors.
ROUNDS = 3
NAMES = ("Maria-Elena Fernández", "王伟", "محمد بن عبد الله", "Jean Dupont", "Aiko Tanaka")
CATEGORIES = ("guest", "participant", "press", "speaker", "dignitary")

#: What the request makers read; set before each run, so forked clients inherit it.
LOAD: dict = {"blocks": {}, "headers": {}}


def checkin_request(n: int):
    """The n-th scan: a badge not scanned before, with a fresh nonce."""
    pool = LOAD["blocks"][n // BLOCK]
    body = {"code": pool[n % BLOCK % len(pool)], "nonce": uuid.uuid4().hex}
    return "POST", "/api/checkins", body, LOAD["headers"]


def insert_request(n: int):
    """One row through the ORM."""
    return "POST", "/insert", {"n": n}, {}


def hello_request(n: int):
    """Nothing at all."""
    return "GET", "/hello", None, {}


def seed_ceremony(database: Database, keys: KeyRing, count: int, title: str):
    """A ceremony with ``count`` confirmed guests and their badges; returns its id and codes."""
    ceremony_id = uuid.uuid4()
    now = datetime.now(UTC)
    with database.transaction() as session:
        session.execute(
            ceremonies.insert().values(
                id=ceremony_id,
                title=title,
                starts_at=now + timedelta(days=1),
                ends_at=now + timedelta(days=1, hours=2),
                timezone="Europe/Paris",
                venue_name="Palais des Nations",
                default_language="en",
                languages=["en"],
                programme=[],
                sequence=0,
                as_of=now,
            )
        )
        signing = keys.signing_key(session, ceremony_id)
    issued: list[str] = []
    for start in range(0, count, 5000):
        rows = [
            _badge_rows(signing, ceremony_id, n, now)
            for n in range(start, min(count, start + 5000))
        ]
        with database.transaction() as session:
            session.execute(registrations.insert(), [r[0] for r in rows])
            session.execute(badges.insert(), [r[1] for r in rows])
            session.execute(presence.insert(), [r[2] for r in rows])
        issued += [r[1]["code"] for r in rows]
    return ceremony_id, issued


def _badge_rows(signing, ceremony_id: uuid.UUID, n: int, now: datetime):
    registration_id, badge_id, serial = uuid.uuid4(), uuid.uuid4(), codes.new_serial()
    registration = {
        "id": registration_id,
        "ceremony_id": ceremony_id,
        "full_name": f"{NAMES[n % len(NAMES)]} {n}",
        "email": f"guest{n}@example.org",
        "honorific": "H.E." if n % 7 == 0 else None,
        "organisation": "Ministry of Foreign Affairs",
        "job_title": None,
        "language": "en",
        "category": CATEGORIES[n % len(CATEGORIES)],
        "precedence": n % 50 if n % 5 == 4 else None,
        "status": "confirmed",
        "reserved": False,
        "as_of": now,
    }
    badge = {
        "id": badge_id,
        "registration_id": registration_id,
        "ceremony_id": ceremony_id,
        "serial": serial.hex(),
        "kid": signing.kid,
        "code": codes.sign_code(signing.key, ceremony_id, serial),
        "status": "issued",
        "issued_at": now,
    }
    return registration, badge, {"badge_id": badge_id, "ceremony_id": ceremony_id, "inside": False}


def png_rate(seconds: float) -> tuple[float, int]:
    """PNG badges rendered per second in this one process, each badge a different one."""
    key = codes.generate_key()
    ceremony_id = uuid.uuid4()
    rendered = 0
    started = time.perf_counter()
    while time.perf_counter() - started < seconds:
        view = BadgeView(
            full_name=f"{NAMES[rendered % len(NAMES)]} {rendered}",
            category=CATEGORIES[rendered % len(CATEGORIES)],
            ceremony_title="Closing Ceremony of the Senior Officers' Course",
            starts_at=datetime(2031, 6, 20, 13, 0, tzinfo=UTC),
            timezone="Europe/Paris",
            venue_name="Palais des Nations",
            code=codes.sign_code(key, ceremony_id, codes.new_serial()),
            honorific="H.E.",
            organisation="Ministry of Foreign Affairs",
        )
        rendering.render_png(view)
        rendered += 1
    return rendered / (time.perf_counter() - started), rendered


def sheet_seconds(ceremony_id: uuid.UUID) -> tuple[float, int]:
    """Time to fetch a ceremony's print sheets from the API; returns seconds and bytes."""
    token = Signer(SECRET).issue_token("admin")
    started = time.perf_counter()
    response = requests.get(
        f"http://127.0.0.1:{BADGES_PORT}/api/ceremonies/{ceremony_id}/badges.pdf",
        headers={"Authorization": f"Bearer {token}"},
        timeout=300,
    )
    response.raise_for_status()
    return time.perf_counter() - started, len(response.content)


def measure_http(codes_by_run: list[list[str]], staff: str, env: dict, args) -> dict:
    """The door and the floors, in alternating rounds so that they share the machine's state.

    On a machine doing other work, load comes and goes; rounds of door, insert and hello in
    turn spread it evenly over the three, where one long loop each would not.
    """
    LOAD["headers"] = {"Authorization": f"Bearer {staff}"}
    gunicorn = {"workers": args.workers, "threads": args.threads}
    results: dict = {}
    with (
        Gunicorn("services.badges.app:create_app()", BADGES_PORT, env, **gunicorn),
        Gunicorn("benchmarks.floor_app:create_app()", FLOOR_PORT, env, **gunicorn),
    ):
        # Unmeasured: every worker opens its connections and prepares its statements.
        LOAD["blocks"] = {0: codes_by_run.pop(0), 1: codes_by_run.pop(0)}
        run_closed_loop(BADGES_PORT, checkin_request, 16, WARM_UP_SECONDS)
        run_closed_loop(FLOOR_PORT, insert_request, 16, WARM_UP_SECONDS)
        for clients in (8, 32):
            blocks = (codes_by_run.pop(0), codes_by_run.pop(0))
            for kind in ("door", "insert", "hello"):
                results[kind, clients] = Result()
            for round_ in range(ROUNDS):
                LOAD["blocks"] = {i: _share(block, round_) for i, block in enumerate(blocks)}
                for kind, port, maker in (
                    ("door", BADGES_PORT, checkin_request),
                    ("insert", FLOOR_PORT, insert_request),
                    ("hello", FLOOR_PORT, hello_request),
                ):
                    measured = run_closed_loop(port, maker, clients, args.seconds / ROUNDS)
                    results[kind, clients].merge(measured)
                    results[kind, clients].seconds += measured.seconds
        LOAD["blocks"] = {OPEN_LOOP_BLOCK: codes_by_run.pop(0)}
        results["open"] = run_open_loop(BADGES_PORT, checkin_request, 50, args.seconds)
    return results


def _share(block: list[str], round_: int) -> list[str]:
    """The part of a block of codes that one round may scan."""
    size = len(block) // ROUNDS
    return block[round_ * size : (round_ + 1) * size]


def measure_relay(database_url: str, env: dict) -> tuple[float, int]:
    """Start the badges worker and time it publishing every waiting ``checkin.recorded``."""
    database = Database(database_url)
    waiting = backlog(database, SERVICE.outbox)
    worker = subprocess.Popen(
        [sys.executable, "-m", "shared.cli", "worker", "badges"], env={**os.environ, **env}
    )
    started = time.perf_counter()
    try:
        while backlog(database, SERVICE.outbox):
            time.sleep(0.05)  # polling the backlog: this measures a separate process
        elapsed = time.perf_counter() - started
    finally:
        worker.terminate()
        worker.wait(timeout=30)
        database.dispose()
    return waiting / elapsed, waiting


def seed(database_url: str, seconds: float) -> tuple[uuid.UUID, list[list[str]], uuid.UUID]:
    """The door's ceremony with badges for the warm-up and five runs, and a print run.

    Returns the door's ceremony, its codes in blocks (the two warm-up blocks first), and the
    1,000-badge ceremony to print.
    """
    database = Database(database_url)
    keys = KeyRing(SECRET)
    sizes = [int(MAX_RATE * WARM_UP_SECONDS)] * 2 + [int(MAX_RATE * seconds)] * 5
    door, door_codes = seed_ceremony(database, keys, sum(sizes), "Door")
    print_run, _ = seed_ceremony(database, keys, 1000, "Print run")
    database.dispose()
    starts = [sum(sizes[:index]) for index in range(len(sizes))]
    blocks = [door_codes[start : start + size] for start, size in zip(starts, sizes, strict=True)]
    settle(database_url)
    return door, blocks, print_run


def settle(database_url: str) -> None:
    """VACUUM ANALYZE the fresh tables, so no loop pays for the bulk load's after-effects.

    Without it the first loop meets autovacuum at work and every first read of a new row
    writing its hint bits.
    """
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")


def figures(http: dict, relay: tuple[float, int], png: tuple[float, int], sheet) -> list[str]:
    """The lines of the report."""
    lines = []
    for clients in (8, 32):
        door, insert, hello = (http[kind, clients] for kind in ("door", "insert", "hello"))
        lines += [
            report(f"first check-ins, {clients} scanners (closed)", door),
            report(f"floor: one ORM insert, {clients} clients", insert),
            report(f"floor: hello world, {clients} clients", hello),
            f"  check-in / insert floor: {door.per_second / insert.per_second:.0%} (target 50%)"
            f"   check-in / hello floor: {door.per_second / hello.per_second:.0%}",
        ]
    opened = http["open"]
    return [
        *lines,
        report("first check-ins, 50/s (open loop)", opened),
        f"  p99 at 50/s: {opened.percentile(99):.1f} ms (target < 20 ms)",
        f"{'relay of checkin.recorded, with confirms':<44} {relay[0]:9.1f}/s  ({relay[1]} events)",
        f"{'PNG badges rendered, one process':<44} {png[0]:9.1f}/s  ({png[1]} badges)",
        f"{'print sheet of 1,000 badges (API)':<44} {sheet[0]:9.2f} s  "
        f"({sheet[1] / 2**20:.1f} MiB; target < 15 s)",
    ]


def load_average() -> str:
    """The machine's load average: other work on it skews every figure."""
    return "{:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


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
    badges_db = fresh_database("badges")
    floor_db = fresh_database("floor")
    env = {
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_BROKER_URL": AMQP,
        "CEREMONY_BADGES_DATABASE_URL": badges_db,
        "CEREMONY_FLOOR_DATABASE_URL": floor_db,
        "CEREMONY_LOG_LEVEL": "WARNING",
    }
    header = [
        f"machine: {machine()}",
        f"gunicorn: {args.workers} workers x {args.threads} threads, {args.seconds:g} s a loop",
        f"load average at start: {load_average()}",
    ]
    try:
        upgrade(SERVICE, badges_db)
        create_tables(floor_db)
        door, codes_by_run, print_run = seed(badges_db, args.seconds)
        staff = Signer(SECRET).issue_token("staff", ceremony_id=str(door), gate="North")
        http = measure_http(codes_by_run, staff, env, args)
        relay = measure_relay(badges_db, env)
        with Gunicorn("services.badges.app:create_app()", BADGES_PORT, env, workers=1):
            sheet = sheet_seconds(print_run)
        png = png_rate(min(args.seconds, 10.0))
    finally:
        for url in (badges_db, floor_db):
            drop_database(url)
        subprocess.run(["rabbitmqctl", "delete_vhost", VHOST], check=False, capture_output=True)
    footer = [f"load average at end: {load_average()}"]
    print("\n".join(header + figures(http, relay, png, sheet) + footer))


if __name__ == "__main__":
    main()
