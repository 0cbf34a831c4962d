"""Seating benchmark: 2,000 guests in a 2,000-seat hall, by the rules alone and as stored.

The hall has four sections of 20 rows of 25 seats (the ends of the first five rows accessible) and
four blocks: dignitaries and speakers in front, participants, press, and guests behind. The
guests have precedences, forty heads of delegation bring a companion each, and one in fifty
needs an accessible seat. It times ``seating.seat_guests`` on plain data, then ``auto_seat`` on
SQLite (reading the guests, writing 2,000 seats and their 2,000 events in one transaction),
each a few times over on a fresh database, and prints the medians against the 1 s target.

    python -m benchmarks.seating [--runs 3]
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
from services.registration.app import create_app
from services.registration.ceremonies import create_ceremony, get_ceremony
from services.registration.models import Registration
from services.registration.seat_assignments import auto_seat
from services.registration.seating import Block, Guest, Seat, seat_guests
from services.registration.service import SERVICE
from services.registration.venue import load_layout, set_blocks, set_layout
from tests.conftest import make_settings, migrated

TARGET_S = 1.0
SECTIONS = ("A", "B", "C", "D")
ROWS, PER_ROW = 20, 25
#: (block, categories, section, how many guests of the first category).
BLOCKS = (
    ("Dignitaries", ("dignitary", "speaker"), "A", 460),
    ("Participants", ("participant",), "B", 500),
    ("Press", ("press",), "C", 500),
    ("Guests", ("guest",), "D", 500),
)


def layout() -> dict:
    """The hall as a layout: 2,000 seats."""
    return {
        "name": "Benchmark hall",
        "sections": [{"name": name} for name in SECTIONS],
        "seats": [
            {"section": name, "row": str(row), "number": n, "accessible": row <= 5 and n in (1, 25)}
            for name in SECTIONS
            for row in range(1, ROWS + 1)
            for n in range(1, PER_ROW + 1)
        ],
    }


def people() -> list[dict]:
    """The guests: each block's, ranked, with delegations among the dignitaries."""
    found = []
    for block, categories, _, count in BLOCKS:
        for n in range(count):
            found.append(
                {
                    "id": uuid.uuid4(),
                    "name": f"{block} guest {n:04d}",
                    "category": categories[0],
                    "precedence": n + 1 if block == "Dignitaries" else None,
                    "accessible": n % 50 == 7,
                    "head": None,
                }
            )
    heads = [person for person in found if person["category"] == "dignitary"][:40]
    for head in heads:
        found.append(
            {
                "id": uuid.uuid4(),
                "name": f"Companion of {head['name']}",
                "category": "dignitary",
                "precedence": None,
                "accessible": False,
                "head": head["id"],
            }
        )
    return found


def plain_run(guests: list[dict]) -> tuple[float, float, int]:
    """``seat_guests`` on plain data; the seconds (wall, CPU) and how many were seated."""
    blocks = [
        Block(
            name,
            categories,
            tuple(
                Seat(f"{section}:{row}:{n}", row, n, row <= 5 and n in (1, 25))
                for row in range(1, ROWS + 1)
                for n in range(1, PER_ROW + 1)
            ),
        )
        for name, categories, section, _ in BLOCKS
    ]
    rule_guests = [
        Guest(
            str(g["id"]),
            g["name"],
            g["category"],
            g["precedence"],
            delegation_of=str(g["head"]) if g["head"] else None,
            needs_accessible=g["accessible"],
        )
        for g in guests
    ]
    started, cpu = time.perf_counter(), time.process_time()
    plan = seat_guests(rule_guests, blocks)
    return time.perf_counter() - started, time.process_time() - cpu, len(plan.placements)


def stored_run(guests: list[dict], workdir: Path) -> tuple[float, float, int]:
    """``auto_seat`` on SQLite; the seconds (wall, CPU) and how many seats changed."""
    settings = migrated(
        SERVICE, make_settings("registration", workdir / "var", log_level="WARNING")
    )
    app = create_app(settings)
    database = app.extensions["ceremony"].database
    try:
        starts = datetime.now(UTC).replace(microsecond=0) + timedelta(days=30)
        with database.transaction() as session:
            ceremony = create_ceremony(
                session,
                {
                    "title": "Benchmark ceremony",
                    "starts_at": starts,
                    "ends_at": starts + timedelta(hours=2),
                    "timezone": "Europe/Paris",
                    "venue": {"name": "Benchmark hall"},
                    "capacity": 3000,
                },
            )
            ceremony_id = ceremony.id
            set_layout(session, ceremony, load_layout(layout()))
            for g in guests:
                session.add(registration_row(ceremony_id, g))
            session.flush()
            set_blocks(
                session,
                ceremony,
                [
                    {"name": name, "categories": list(categories), "section": section}
                    for name, categories, section, _ in BLOCKS
                ],
            )
        started, cpu = time.perf_counter(), time.process_time()
        with database.transaction() as session:
            result = auto_seat(session, get_ceremony(session, ceremony_id))
        return time.perf_counter() - started, time.process_time() - cpu, len(result["changed"])
    finally:
        database.dispose()


def registration_row(ceremony_id: uuid.UUID, g: dict) -> Registration:
    email = f"{g['id'].hex}@example.org"
    return Registration(
        id=g["id"],
        ceremony_id=ceremony_id,
        full_name=g["name"],
        email=email,
        email_key=email,
        language="en",
        category=g["category"],
        precedence=g["precedence"],
        status="confirmed",
        reserved=g["category"] in ("dignitary", "speaker"),
        delegation_of=g["head"],
        accessible_seat=g["accessible"],
        created_at=datetime.now(UTC),
    )


def figure(label: str, seconds: float, cpu: float, count: int, what: str) -> str:
    """One line: the time (and the CPU time, which a busy machine inflates less), what it
    did, and its share of the target."""
    return (
        f"{label:<34} {seconds * 1000:8.1f} ms (CPU {cpu * 1000:7.1f} ms)  {count} {what}  "
        f"{seconds / TARGET_S:5.2f} x the {TARGET_S:.0f} s target"
    )


def median_run(runs: list[tuple[float, float, int]]) -> tuple[float, float, int]:
    """The run of median wall time (an odd count gives a run that happened)."""
    wall = statistics.median_low(run[0] for run in runs)
    return next(run for run in runs if run[0] == wall)


def main() -> None:
    """Run both measurements and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    guests = people()
    plain = median_run([plain_run(guests) for _ in range(args.runs)])
    stored = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory(prefix="seating-bench-") as workdir:
            stored.append(stored_run(guests, Path(workdir)))
    print(f"machine: {machine()}")
    print(f"seating {len(guests)} guests in {len(SECTIONS) * ROWS * PER_ROW} seats")
    print(figure("rules on plain data (seat_guests)", *plain, "seated"))
    print(figure("stored on SQLite (auto_seat)", *median_run(stored), "seats written"))
    print(f"medians of {args.runs} runs; the slowest stored run {max(stored)[0] * 1000:.1f} ms")
    print(f"load average while measured: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
