"""Erasure after retention: run by the worker every hour, and by ``ceremony purge``."""

from __future__ import annotations

import logging
import threading

from shared.config import Settings
from shared.db import Database

from .privacy import due_for_purge, purge_ceremony

log = logging.getLogger(__name__)

#: How often the worker looks for ceremonies past their retention.
INTERVAL_SECONDS = 3600.0


def purge_due(settings: Settings, database: Database, *, dry_run: bool = False) -> list[str]:
    """Erase the people of every ceremony past its retention; a line per ceremony.

    With ``dry_run``, only say what would go. Each ceremony is erased in a transaction of its
    own, with the event that tells the other services.
    """
    with database.transaction() as session:
        due = due_for_purge(session, settings.retention_days)
    lines = []
    for purge in due:
        what = (
            f"{purge.registrations} registration(s), {purge.invitations} invitation(s), "
            f"{purge.requests} request(s)"
        )
        verb = "would erase" if dry_run else "erased"
        if not dry_run:
            with database.transaction() as session:
                purge_ceremony(session, purge.ceremony_id)
            log.info("erased the people of ceremony %s", purge.ceremony_id)
        lines.append(
            f"{purge.ceremony_id}\t{purge.title}\tended {purge.ended_at:%Y-%m-%d}\t{verb} {what}"
        )
    return lines


class RetentionThread(threading.Thread):
    """The registration worker's erasure of ceremonies past their retention, every hour."""

    def __init__(self, settings: Settings, database: Database) -> None:
        super().__init__(name="registration-retention", daemon=True)
        self.settings = settings
        self.database = database
        self.stopping = threading.Event()

    def run(self) -> None:
        """Purge now, then every interval, until stopped; a failure waits for the next turn."""
        while not self.stopping.is_set():
            try:
                purge_due(self.settings, self.database)
            except Exception as exc:  # noqa: BLE001 - the database may be away: try next time
                log.warning("retention purge failed: %r", exc)
            self.stopping.wait(INTERVAL_SECONDS)

    def stop(self) -> None:
        """Stop before the next turn."""
        self.stopping.set()
