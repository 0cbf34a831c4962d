"""A notifications worker killed (SIGKILL) in the middle of a batch: after a restart every email
is delivered, and none twice.

The worker runs as a real process. The SMTP server holds one message of the batch unanswered
while the worker is killed: emails before it were accepted and recorded, the held one was not
accepted, the rest were not tried. The one case this cannot show is a kill between the server's
250 and the worker's commit; that copy would be sent again with the same Message-ID.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import uuid
from collections import Counter

import pytest
from sqlalchemy import select

from services.notifications.models import deliveries
from services.notifications.service import SERVICE
from shared.db import Database
from tests.conftest import SECRET, make_settings, migrated, wait_for
from tests.notifications.on_the_bus import ceremony_created, confirmed_guests, publish

pytestmark = pytest.mark.integration

GUESTS = 20
KILLED_AT = 8


@pytest.fixture
def settings(tmp_path, amqp_url, postgres_databases):
    database = postgres_databases(f"crash_{tmp_path.name[-8:].lower()}")
    return migrated(
        SERVICE,
        make_settings(
            "notifications", tmp_path / "var", broker_url=amqp_url, database_url=database
        ),
    )


@pytest.fixture
def start_worker(settings, smtp_server, badges, tmp_path):
    """Start ``ceremony worker notifications`` as a process; every one is ended at the end."""
    processes = []
    env = {
        **os.environ,
        "CEREMONY_BROKER_URL": settings.broker_url,
        "CEREMONY_NOTIFICATIONS_DATABASE_URL": settings.database_url,
        "CEREMONY_SECRET_KEY": SECRET,
        "CEREMONY_VAR_DIR": str(settings.var_dir),
        "CEREMONY_RETRY_DELAY_SECONDS": str(settings.retry_delay_seconds),
        "CEREMONY_SMTP_URL": smtp_server.url,
        "CEREMONY_INTERNAL_URL_BADGES": badges.url,
        "CEREMONY_SMTP_RATE_PER_SECOND": "0",
        # One sending thread: the held message is then the only one in flight at the kill.
        "CEREMONY_DELIVERY_THREADS": "1",
        "CEREMONY_DELIVERY_POLL_SECONDS": "0.05",
        "CEREMONY_DELIVERY_RETRY_SCHEDULE": "0.2,0.2,0.2",
    }

    def start() -> subprocess.Popen:
        log = open(tmp_path / f"worker-{len(processes)}.log", "wb")  # noqa: SIM115 - kept open
        process = subprocess.Popen(
            [sys.executable, "-m", "shared.cli", "worker", "notifications"],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        processes.append((process, log))
        return process

    yield start
    for process, log in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
        log.close()


@pytest.fixture
def log(settings):
    database = Database(settings.database_url)

    def rows():
        with database.sessions() as session:
            return list(session.execute(select(deliveries)))

    yield rows
    database.dispose()


def test_a_worker_killed_mid_batch_delivers_every_email_once_after_restart(
    settings, start_worker, smtp_server, badges, log
):
    ceremony_id = uuid.uuid4()
    publish(
        settings, [ceremony_created(ceremony_id), *confirmed_guests(ceremony_id, badges, GUESTS)]
    )
    held = smtp_server.stall_at(KILLED_AT)
    first = start_worker()
    assert held.arrived.wait(timeout=60), "the batch never reached the held message"

    os.kill(first.pid, signal.SIGKILL)
    first.wait(timeout=30)
    held.release()
    assert len(smtp_server.received) == KILLED_AT - 1
    start_worker()

    wait_for(lambda: len(log()) == GUESTS and all(d.status == "sent" for d in log()), timeout=60)
    counts = Counter(smtp_server.message_ids())
    assert sorted(counts) == sorted(d.message_id for d in log())
    assert max(counts.values()) == 1
