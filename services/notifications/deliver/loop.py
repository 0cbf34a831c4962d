"""The delivery loop: threads of the worker that send due emails, one transaction per email.

Each email is claimed with a row lock (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, so threads and
replicas never take the same one; on SQLite the one thread holds the database's write lock),
composed, sent, and its outcome committed before the next. A worker killed mid-batch loses its
locks with its connection; the emails it had not marked are due again at once.

The one window left is between the server's 250 and the commit (a crash, or the database gone
at that instant): that email stays queued and is sent again, with the same Message-ID, so the
copy is recognisable. Delivery is at-least-once with that narrow window, and never lost.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.db import Database

from ..models import deliveries
from .assembly import Assembler, SkipDelivery
from .log import RECORDED
from .outcomes import mark_failed, mark_sent, mark_skipped, mark_transient
from .sender import PermanentDeliveryError, Sender, TransientDeliveryError

log = logging.getLogger(__name__)


def _now() -> datetime:
    return datetime.now(UTC)


def claim_next(session: Session, now: datetime, *, skip_locked: bool) -> Any:
    """The next due email, locked for this transaction; None when nothing is due."""
    query = (
        select(deliveries)
        .where(deliveries.c.status == "queued", deliveries.c.next_attempt_at <= now)
        .order_by(deliveries.c.next_attempt_at, deliveries.c.created_at)
        .limit(1)
    )
    if skip_locked:
        query = query.with_for_update(skip_locked=True)
    return session.execute(query).first()


class DeliveryAgent:
    """Sends due emails one at a time through one sender."""

    def __init__(
        self,
        database: Database,
        sender: Sender,
        assembler: Assembler,
        schedule: Sequence[float],
        clock: Callable[[], datetime] = _now,
    ) -> None:
        self.database = database
        self.sender = sender
        self.assembler = assembler
        self.schedule = tuple(schedule)
        self.clock = clock

    def deliver_next(self) -> bool:
        """Send the next due email, if any, and record its outcome; False when none was due."""
        with self.database.transaction() as session:
            delivery = claim_next(session, self.clock(), skip_locked=self.database.is_postgresql)
            if delivery is None:
                return False
            self._attempt(session, delivery)
        return True

    def _attempt(self, session: Session, delivery: Any) -> None:
        language_used = None
        try:
            composed = self.assembler.compose(session, delivery)
            language_used = composed.language_used
            self.sender.send(composed.message)
        except SkipDelivery as exc:
            mark_skipped(session, delivery, str(exc))
        except PermanentDeliveryError as exc:
            mark_failed(session, delivery, exc, language_used, self.clock())
        except TransientDeliveryError as exc:
            mark_transient(session, delivery, exc, language_used, self.schedule, self.clock())
        except Exception as exc:
            # Counted as a try like any other, so an email that trips a bug cannot spin.
            log.exception("sending delivery %s failed unexpectedly", delivery.id)
            error = TransientDeliveryError(f"unexpected error: {exc!r}")
            mark_transient(session, delivery, error, language_used, self.schedule, self.clock())
        else:
            mark_sent(session, delivery, language_used, self.clock())

    def close(self) -> None:
        """Close the sender's connection and the badge source's."""
        self.sender.close()
        self.assembler.badges.close()


class DeliveryThread(threading.Thread):
    """Runs one agent until stopped; a lost database or SMTP server only pauses it."""

    def __init__(self, name: str, agent: DeliveryAgent, poll_seconds: float) -> None:
        super().__init__(name=name, daemon=True)
        self.agent = agent
        self.poll_seconds = poll_seconds
        self.stopping = threading.Event()

    def run(self) -> None:
        """Deliver until stopped: at once while emails are due, then on news or every poll."""
        backoff = 0.5
        try:
            while not self.stopping.is_set():
                try:
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
