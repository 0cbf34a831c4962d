"""The delivery loop: threads of the worker that send due emails, one at a time each.

An email is claimed with a row lock (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so threads and
replicas never take the same one; on SQLite the one thread holds the database's write lock) and
composed; then a lease (who sends it, until when) is committed before the SMTP transaction
starts, and the outcome (sent, to be tried again, failed) is committed after it. No database
transaction stays open while the SMTP server is talked to.

A sender that dies before composing is done loses only its row lock: the email is due again at
once. One that dies after taking the lease leaves the email leased: others take it only once
the lease has run out, and only if no outcome was recorded meanwhile, so an email whose outcome
was committed is never sent again. An outcome the database could not take (it was away) is
kept and committed first thing on the next round.

Two windows are left, and in both the email is sent again, with the same Message-ID, once its
lease has run out: a sender that dies between the end of DATA and the server's reply (the
server may have taken the message), and a 250 whose outcome cannot be committed before the
lease runs out (the database away that long, or the sender dead just after the reply). So
delivery is at least once with those windows, and never lost.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
import uuid
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta
from functools import partial
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from shared.db import Database

from ..models import deliveries
from .assembly import Assembler, Composed, SkipDelivery
from .log import RECORDED
from .outcomes import mark_failed, mark_sent, mark_skipped, mark_transient
from .sender import PermanentDeliveryError, Sender, TransientDeliveryError

log = logging.getLogger(__name__)

#: How many SMTP timeouts the lease of an email being sent lasts. An SMTP transaction is about
#: a dozen commands, each answered within the timeout or failed; a slow answer or two, and the
#: rate limiter's wait, fit in six (a minute with the default ``CEREMONY_SMTP_TIMEOUT_SECONDS``).
LEASE_IN_SMTP_TIMEOUTS = 6
#: The timeout assumed for a sender that has none (the mail folder).
DEFAULT_SENDER_TIMEOUT_SECONDS = 10.0

#: How to record an outcome, once a database transaction is open.
Record = Callable[[Session], None]


def _now() -> datetime:
    return datetime.now(UTC)


def lease_seconds_for(sender: Sender) -> float:
    """How long an email sent through ``sender`` is leased: six of its SMTP timeouts."""
    timeout = getattr(sender, "timeout", None) or DEFAULT_SENDER_TIMEOUT_SECONDS
    return LEASE_IN_SMTP_TIMEOUTS * float(timeout)


def holder_name() -> str:
    """Names one sender of one process in the leases it takes: host, process id, a nonce."""
    return f"{socket.gethostname()[:200]}/{os.getpid()}/{uuid.uuid4().hex[:12]}"


def claim_next(session: Session, now: datetime, *, skip_locked: bool) -> Any:
    """The next due email, locked for this transaction; None when nothing is due.

    An email being sent is not due before its lease runs out: the lease is its due time.
    """
    query = (
        select(deliveries)
        .where(deliveries.c.status == "queued", deliveries.c.next_attempt_at <= now)
        .order_by(deliveries.c.next_attempt_at, deliveries.c.created_at)
        .limit(1)
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).first()


def take_lease(session: Session, delivery: Any, holder: str, until: datetime) -> None:
    """Mark the claimed email as being sent by ``holder`` until ``until``; the try counts."""
    if delivery.lease_holder is not None:
        log.warning(
            "delivery %s: %s stopped without an outcome; sending it again, same Message-ID",
            delivery.id,
            delivery.lease_holder,
            extra={"delivery_id": str(delivery.id), "message_id": delivery.message_id},
        )
    session.execute(
        update(deliveries)
        .where(deliveries.c.id == delivery.id)
        .values(
            lease_holder=holder,
            lease_expires_at=until,
            next_attempt_at=until,
            attempts=delivery.attempts + 1,
        )
    )


def holds_lease(session: Session, delivery_id: Any, holder: str) -> bool:
    """Whether ``holder`` still holds the email's lease; locks its row for the outcome."""
    query = (
        select(deliveries.c.id)
        .where(deliveries.c.id == delivery_id, deliveries.c.lease_holder == holder)
        .with_for_update()
    )
    return session.execute(query).first() is not None


class DeliveryAgent:
    """Sends due emails one at a time through one sender."""

    def __init__(
        self,
        database: Database,
        sender: Sender,
        assembler: Assembler,
        schedule: Sequence[float],
        clock: Callable[[], datetime] = _now,
        *,
        lease_seconds: float | None = None,
    ) -> None:
        self.database = database
        self.sender = sender
        self.assembler = assembler
        self.schedule = tuple(schedule)
        self.clock = clock
        #: How long others keep off an email this agent sends (default: ``lease_seconds_for``).
        self.lease_seconds = lease_seconds_for(sender) if lease_seconds is None else lease_seconds
        self.holder = holder_name()
        self._unrecorded: tuple[Any, Record] | None = None

    def deliver_next(self) -> bool:
        """Send the next due email, if any, and record its outcome; False when none was due."""
        self._record_outcome()
        with self.database.transaction() as session:
            delivery = claim_next(session, self.clock(), skip_locked=self.database.is_postgresql)
            if delivery is None:
                return False
            composed = self._compose(session, delivery)
            if composed is None:
                return True
            until = self.clock() + timedelta(seconds=self.lease_seconds)
            take_lease(session, delivery, self.holder, until)
        self._unrecorded = (delivery, self._send(delivery, composed))
        self._record_outcome()
        return True

    def _compose(self, session: Session, delivery: Any) -> Composed | None:
        """The message to send; None once an email that cannot be composed is recorded so."""
        try:
            return self.assembler.compose(session, delivery, self.clock())
        except SkipDelivery as exc:
            mark_skipped(session, delivery, str(exc))
        except PermanentDeliveryError as exc:
            mark_failed(session, delivery, exc, None, self.clock())
        except TransientDeliveryError as exc:
            mark_transient(session, delivery, exc, None, self.schedule, self.clock())
        except Exception as exc:
            # Counted as a try like any other, so an email that trips a bug cannot spin.
            log.exception("composing delivery %s failed unexpectedly", delivery.id)
            error = TransientDeliveryError(f"unexpected error: {exc!r}")
            mark_transient(session, delivery, error, None, self.schedule, self.clock())
        return None

    def _send(self, delivery: Any, composed: Composed) -> Record:
        """Hand the message to the sender; returns how to record what came of it."""
        language = composed.language_used
        try:
            self.sender.send(composed.message)
        except PermanentDeliveryError as exc:
            return partial(
                mark_failed, delivery=delivery, error=exc, language_used=language, now=self.clock()
            )
        except Exception as exc:
            if not isinstance(exc, TransientDeliveryError):
                log.exception("sending delivery %s failed unexpectedly", delivery.id)
                exc = TransientDeliveryError(f"unexpected error: {exc!r}")
            return partial(
                mark_transient,
                delivery=delivery,
                error=exc,
                language_used=language,
                schedule=self.schedule,
                now=self.clock(),
            )
        return partial(mark_sent, delivery=delivery, language_used=language, now=self.clock())

    def _record_outcome(self) -> None:
        """Commit the outcome of the last send, if it is not committed yet.

        It is kept until the database takes it, and recorded only while this agent still holds
        the lease: once another sender took the email over, that sender's outcome stands.
        """
        if self._unrecorded is None:
            return
        delivery, record = self._unrecorded
        with self.database.transaction() as session:
            if holds_lease(session, delivery.id, self.holder):
                record(session)
            else:
                log.warning(
                    "delivery %s: the lease ran out before its outcome was recorded",
                    delivery.id,
                    extra={"delivery_id": str(delivery.id), "message_id": delivery.message_id},
                )
        self._unrecorded = None

    def close(self) -> None:
        """Close the sender's connection and the assembler's (badges, certificates)."""
        self.sender.close()
        self.assembler.close()


#: A step the loop takes now and then besides sending (queueing scheduled announcements);
#: given the agent's clock, returns how much it did.
PeriodicStep = Callable[[datetime], int]
#: How often a periodic step runs, at most.
PERIODIC_SECONDS = 5.0


class DeliveryThread(threading.Thread):
    """Runs one agent until stopped; a lost database or SMTP server only pauses it.

    ``periodic`` runs every ``PERIODIC_SECONDS`` or so between emails (one thread of a worker
    is given it; it must be safe for several workers to run it at once).
    """

    def __init__(
        self,
        name: str,
        agent: DeliveryAgent,
        poll_seconds: float,
        periodic: PeriodicStep | None = None,
    ) -> None:
        super().__init__(name=name, daemon=True)
        self.agent = agent
        self.poll_seconds = poll_seconds
        self.periodic = periodic
        self.stopping = threading.Event()
        self._last_periodic = -PERIODIC_SECONDS

    def run_periodic(self) -> int:
        """Take the periodic step if it is time; returns how much it did."""
        if self.periodic is None or time.monotonic() - self._last_periodic < PERIODIC_SECONDS:
            return 0
        self._last_periodic = time.monotonic()
        return self.periodic(self.agent.clock())

    def run(self) -> None:
        """Deliver until stopped: at once while emails are due, then on news or every poll."""
        backoff = 0.5
        try:
            while not self.stopping.is_set():
                try:
                    self.run_periodic()
                    if not self.agent.deliver_next():
                        # Emails recorded by this process wake it; others' (the API, other
                        # replicas, retries coming due) are found by the poll.
                        RECORDED.wait(self.poll_seconds)
                        RECORDED.clear()
                    backoff = 0.5
                except Exception as exc:  # noqa: BLE001 - an outage: wait and go on
                    log.warning("%s paused: %r", self.name, exc)
                    self.stopping.wait(backoff)
                    backoff = min(backoff * 2, 5.0)
        finally:
            self.agent.close()

    def stop(self) -> None:
        """Finish the email in hand, then stop."""
        self.stopping.set()
        RECORDED.set()


class DeliveryPool:
    """The delivery threads of one worker and the database connections they use."""

    def __init__(self, threads: Sequence[DeliveryThread], database: Database) -> None:
        self.threads = list(threads)
        self.database = database

    def start(self) -> None:
        """Start every thread."""
        for thread in self.threads:
            thread.start()

    def stop(self) -> None:
        """Ask every thread to stop after its current email."""
        for thread in self.threads:
            thread.stop()

    def join(self, timeout: float | None = None) -> None:
        """Wait for the threads, then close their connections."""
        for thread in self.threads:
            thread.join(timeout)
        self.database.dispose()
