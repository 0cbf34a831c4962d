"""Seating chart benchmark: the console's chart page of a 2,000-seat hall with every seat taken.

The hall, its blocks and its 2,000 guests are those of ``benchmarks.seating``, seated by
``auto_seat`` on SQLite. The page is then asked for through the Flask test client by the
ceremony's owner, after a warm-up, a few times over; the median time is printed with its
ratio to the 300 ms target, and the run fails (status 1) if a page is not a 200 with every seat
drawn.

    python -m benchmarks.seating_chart [--runs 7]
"""

from __future__ import annotations

import argparse
import logging
import os
import statistics
import tempfile
import time
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

from benchmarks.load import machine
from benchmarks.seating import BLOCKS, layout, people, registration_row
from services.registration.app import create_app
from services.registration.ceremonies import create_ceremony, get_ceremony
from services.registration.credential_events import set_role
from services.registration.seat_assignments import auto_seat
from services.registration.service import SERVICE
from services.registration.venue import load_layout, set_blocks, set_layout
from shared.auth import Signer
from shared.sessions import SESSION_COOKIE
from tests.conftest import SECRET, make_settings, migrated

TARGET_MS = 300.0


def seated_hall(app) -> tuple[uuid.UUID, int]:
    """A ceremony in the 2,000-seat hall with its guests seated by the rules; its id and how
    many sit."""
    database = app.extensions["ceremony"].database
    starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
    with database.transaction() as session:
        ceremony = create_ceremony(
            session,
            {
                "title": "Chart benchmark",
                "starts_at": starts,
                "ends_at": starts + timedelta(hours=2),
                "timezone": "Europe/Paris",
                "venue": {"name": "Benchmark hall"},
                "capacity": 3000,
            },
        )
        set_layout(session, ceremony, load_layout(layout()))
        for guest in people():
            session.add(registration_row(ceremony.id, guest))
        session.flush()
        set_blocks(
            session,
            ceremony,
            [
                {"name": name, "categories": list(categories), "section": section}
                for name, categories, section, _ in BLOCKS
            ],
        )
        ceremony_id = ceremony.id
    with database.transaction() as session:
        result = auto_seat(session, get_ceremony(session, ceremony_id))
    return ceremony_id, len(result["changed"])


def owner_client(app, ceremony_id: uuid.UUID):
    """A test client signed in as the ceremony's owner."""
    account = uuid.uuid4()
    with app.extensions["ceremony"].database.transaction() as session:
        set_role(session, account, str(ceremony_id), "owner")
    client = app.test_client()
    client.set_cookie(SESSION_COOKIE, Signer(SECRET).issue_session(str(account), name="Owner"))
    return client


def time_page(client, path: str, runs: int, seats: int) -> list[float]:
    """Milliseconds of each GET of the page after one warm-up; every answer must draw every
    seat."""
    timings = []
    for attempt in range(runs + 1):
        started = time.perf_counter()
        answer = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        drawn = answer.get_data(as_text=True).count("data-seat=")
        if answer.status_code != 200 or drawn != seats:
            raise SystemExit(f"the chart answered {answer.status_code} with {drawn} seats drawn")
        if attempt:
            timings.append(elapsed)
    return timings


def main() -> None:
    """Build the hall, time the chart page and print the median against the target."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    with tempfile.TemporaryDirectory(prefix="chart-bench-") as workdir:
        settings = migrated(
            SERVICE, make_settings("registration", Path(workdir) / "var", log_level="WARNING")
        )
        app = create_app(settings)
        try:
            ceremony_id, seated = seated_hall(app)
            client = owner_client(app, ceremony_id)
            seats = len(layout()["seats"])
            timings = time_page(
                client, f"/console/ceremonies/{ceremony_id}/seating", args.runs, seats
            )
            size = len(client.get(f"/console/ceremonies/{ceremony_id}/seating").data)
        finally:
            app.extensions["ceremony"].database.dispose()
    median = statistics.median(timings)
    print(f"machine: {machine()}")
    print(f"seating chart page: {seats} seats, {seated} guests seated, {size / 1024:.0f} KiB")
    print(
        f"GET /console/ceremonies/<id>/seating  median {median:7.1f} ms of {len(timings)} runs "
        f"(fastest {min(timings):.1f}, slowest {max(timings):.1f})  "
        f"{median / TARGET_MS:5.2f} x the {TARGET_MS:.0f} ms target"
    )
    print(f"load average while measured: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
