"""The console world with guests registered, and the notifications worker's parts a test
drives by hand: its delivery agent (to the test SMTP server) and its periodic step."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import select, update

from services.notifications.announcements import release_due_announcements
from services.notifications.compose.identity import MailIdentity
from services.notifications.deliver.smtp import RateLimiter
from services.notifications.models import announcements, deliveries
from services.notifications.service import build_agent, build_sender
from tests.console.harness import ConsoleWorld


class EmailWorld(ConsoleWorld):
    """An owner's ceremony whose emails go to a real SMTP server when ``deliver`` is called."""

    def __init__(self, var_dir, smtp_url: str, **ceremony):
        super().__init__(var_dir, smtp_url=smtp_url, **{"capacity": 50, **ceremony})
        self.settings_of = self.settings["notifications"]
        self.database = self.apps["notifications"].extensions["ceremony"].database
        sender = build_sender(self.settings_of, RateLimiter(None))
        self.agent = build_agent(self.settings_of, self.database, sender)
        self.identity = MailIdentity.from_setting(self.settings_of.mail_from)

    def register(self, email: str, **fields) -> str:
        """A guest registers from the public form; returns the registration's id."""
        body = {"full_name": "Amina Diallo", "email": email, **fields}
        response = self.client("registration").post(
            f"/api/ceremonies/{self.ceremony_id}/registrations", json=body
        )
        assert response.status_code == 201, response.get_json()
        self.pump()
        return response.json["id"]

    def deliver(self) -> int:
        """Send every email due now, as the worker's delivery thread would."""
        count = 0
        while self.agent.deliver_next():
            count += 1
        return count

    def release(self, now: datetime) -> int:
        """The worker's periodic step, at ``now``: send the scheduled announcements due."""
        return release_due_announcements(self.database, self.identity, now)

    def log(self, **where) -> list:
        query = select(deliveries).order_by(deliveries.c.created_at)
        for column, value in where.items():
            query = query.where(deliveries.c[column] == value)
        with self.database.sessions() as session:
            return list(session.execute(query))

    def announcements(self) -> list:
        with self.database.sessions() as session:
            return list(session.execute(select(announcements)))

    def set_status(self, delivery_id: uuid.UUID, status: str, **values) -> None:
        """Pretend the delivery loop reached an outcome."""
        with self.database.transaction() as session:
            session.execute(
                update(deliveries)
                .where(deliveries.c.id == delivery_id)
                .values(status=status, next_attempt_at=None, **values)
            )

    def close(self) -> None:
        self.agent.close()
        super().close()
