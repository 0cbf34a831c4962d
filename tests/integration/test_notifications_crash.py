"""A notifications worker killed (SIGKILL) in the middle of a batch: after a restart every email
is delivered, and none twice.

The worker runs as a real process. The SMTP server holds one message of the batch unanswered
while the worker is killed: emails before it were accepted and recorded, the held one was not
accepted, the rest were not tried. The held email is leased to the dead worker: the next one
sends it once the lease has run out (six SMTP timeouts; 2 s timeouts here, so 12 s).

The one case that sends a copy is a kill between the end of DATA and the server's reply when
the server took the message: the copy goes out once the lease has run out, with the same
Message-ID, and a test below shows exactly that.
"""

from __future__ import annotations

import asyncio
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
from tests.notifications.on_the_bus import (
    ceremony_created,
    confirmed_guests,
    publish,
    waitlisted_guests,
)
from tests.notifications.smtp_server import RecordingHandler, SmtpTestServer, Stall

pytestmark = pytest.mark.integration

GUESTS = 20
KILLED_AT = 8
#: The workers' SMTP timeout: their lease on an email being sent is six of them.
SMTP_TIMEOUT = 2
LEASE = 6 * SMTP_TIMEOUT


class HoldingHandler(RecordingHandler):
    """The recording handler, able also to hold a session at EHLO, before any transaction, or
    to take a message and then hold its 250, as a server does whose reply is slow or lost."""

    def __init__(self) -> None:
        super().__init__()
        self.held_ehlo: Stall | None = None
        self.held_reply: Stall | None = None

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        stall, self.held_ehlo = self.held_ehlo, None
        if stall is not None:
            await _hold(stall)
        return responses

    async def handle_DATA(self, server, session, envelope) -> str:
        stall, self.held_reply = self.held_reply, None
        reply = await super().handle_DATA(server, session, envelope)
        if stall is not None:
            await _hold(stall)
        return reply


async def _hold(stall: Stall) -> None:
    stall.arrived.set()
    # Bounded, so a test that fails before releasing cannot hang the server.
    await asyncio.get_running_loop().run_in_executor(None, stall.released.wait, 30)


@pytest.fixture
def smtp_server():
    """A running SMTP server on 127.0.0.1 that records what it accepts, and can hold sessions."""
    server = SmtpTestServer()
    server.handler = HoldingHandler()
    server.start()
    yield server
    server.stop()


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
        "CEREMONY_SMTP_TIMEOUT_SECONDS": str(SMTP_TIMEOUT),
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

    def rows(**where):
        query = select(deliveries)
        for column, value in where.items():
            query = query.where(deliveries.c[column] == value)
        with database.sessions() as session:
            return list(session.execute(query))

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


def leased(log) -> list:
    """The emails that a worker holds the lease of."""
    return [d for d in log() if d.lease_holder is not None]


def kill(process: subprocess.Popen) -> None:
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)


@pytest.mark.parametrize("held_at", ["EHLO, before any transaction", "DATA, unanswered"])
def test_an_email_whose_worker_was_killed_while_sending_goes_once_its_lease_ran_out(
    settings, start_worker, smtp_server, log, held_at
):
    ceremony_id = uuid.uuid4()
    publish(settings, [ceremony_created(ceremony_id), *waitlisted_guests(ceremony_id, 4)])
    if held_at.startswith("EHLO"):
        held = smtp_server.handler.held_ehlo = Stall(1)
    else:
        held = smtp_server.stall_at(3)  # two emails are sent and recorded before it
    first = start_worker()
    assert held.arrived.wait(timeout=60), "no email reached the held point"
    [email] = leased(log)
    kill(first)
    held.release()
    sent_before = {d.message_id for d in log() if d.status == "sent"}
    start_worker()

    wait_for(lambda: len(log(status="sent")) == 4, timeout=LEASE + 30)
    again = next(d for d in log() if d.id == email.id)
    assert again.sent_at >= email.lease_expires_at  # not before the dead worker's lease ran out
    assert again.attempts == 2
    counts = Counter(smtp_server.message_ids())
    assert sorted(counts) == sorted(d.message_id for d in log())
    assert max(counts.values()) == 1  # none twice, those recorded before the kill included
    assert len(sent_before) == (0 if held_at.startswith("EHLO") else 2)


def test_a_kill_after_the_server_took_the_message_sends_one_copy_after_the_lease(
    settings, start_worker, smtp_server, log
):
    ceremony_id = uuid.uuid4()
    publish(settings, [ceremony_created(ceremony_id), *waitlisted_guests(ceremony_id, 1)])
    held = smtp_server.handler.held_reply = Stall(1)
    first = start_worker()
    assert held.arrived.wait(timeout=60), "the email never reached the server"
    [email] = leased(log)
    kill(first)
    held.release()
    assert smtp_server.message_ids() == [email.message_id]  # taken, but never confirmed
    start_worker()

    [sent] = wait_for(lambda: log(status="sent"), timeout=LEASE + 30)
    assert sent.sent_at >= email.lease_expires_at
    # The documented duplicate: the copy carries the same Message-ID, so it is recognisable.
    assert smtp_server.message_ids() == [email.message_id] * 2
