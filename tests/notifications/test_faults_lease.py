"""The lease of an email being sent: committed before the SMTP transaction, ended by its outcome.

A sender that dies is played by one that raises ``SenderDied`` (not an ``Exception``, so
nothing records an outcome for it), as a SIGKILL would leave things; a second agent on the
same database plays the other replica. The clock is moved instead of waited on.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy.exc import OperationalError

from services.notifications.deliver import loop
from services.notifications.deliver.smtp import RateLimiter
from services.notifications.service import build_agent, build_sender


class SenderDied(BaseException):
    """The process ended in the middle of a send."""


class DyingSender:
    """Dies in the middle of every send, after ``before_dying`` has looked around."""

    def __init__(self, before_dying=lambda: None) -> None:
        self.before_dying = before_dying

    def send(self, message) -> None:
        self.before_dying()
        raise SenderDied

    def close(self) -> None:
        """Nothing to close."""


@pytest.fixture
def replica(service):
    """Another agent on the service's database, with the same clock: another worker."""
    settings = service.settings
    agent = build_agent(settings, service.database, build_sender(settings, RateLimiter(None)))
    agent.clock = service.clock
    yield agent
    agent.close()


def only(service):
    [delivery] = service.log()
    return delivery


def test_the_lease_is_committed_before_the_smtp_transaction_starts(service, smtp_server):
    seen = []
    service.agent.sender = DyingSender(lambda: seen.append(only(service)))
    service.register("waitlisted")

    with pytest.raises(SenderDied):
        service.deliver()

    [during] = seen
    expires = service.clock() + timedelta(seconds=service.agent.lease_seconds)
    assert (during.status, during.lease_holder, during.attempts) == (
        "queued",
        service.agent.holder,
        1,
    )
    assert abs((during.lease_expires_at - expires).total_seconds()) < 5
    assert during.next_attempt_at == during.lease_expires_at


def test_the_outcome_ends_the_lease(service, smtp_server):
    service.register("waitlisted")
    service.deliver()

    delivery = only(service)
    assert (delivery.status, delivery.lease_holder, delivery.lease_expires_at) == (
        "sent",
        None,
        None,
    )


def test_the_default_lease_is_six_smtp_timeouts(service):
    assert service.agent.lease_seconds == 6 * service.settings.smtp_timeout_seconds


def test_an_email_whose_sender_died_is_taken_again_only_once_its_lease_ran_out(
    service, replica, smtp_server
):
    service.agent.sender = DyingSender()
    service.register("waitlisted")
    with pytest.raises(SenderDied):
        service.deliver()

    service.clock.advance(service.agent.lease_seconds - 1)
    assert replica.deliver_next() is False
    service.clock.advance(2)
    assert replica.deliver_next() is True

    delivery = only(service)
    assert (delivery.status, delivery.attempts) == ("sent", 2)
    assert smtp_server.message_ids() == [delivery.message_id]


def test_an_email_whose_outcome_was_recorded_is_never_sent_again(service, replica, smtp_server):
    service.register("waitlisted")
    service.deliver()
    service.clock.advance(100 * service.agent.lease_seconds)

    assert replica.deliver_next() is False
    assert len(smtp_server.received) == 1


def test_an_email_whose_transient_failure_was_recorded_waits_for_its_retry_not_the_lease(
    service, replica, smtp_server
):
    smtp_server.refuse_next(451)
    service.register("waitlisted")
    service.deliver()
    assert only(service).lease_holder is None

    service.clock.advance(5)
    assert replica.deliver_next() is True
    assert (only(service).status, len(smtp_server.received)) == ("sent", 1)


def test_a_sender_that_dies_while_composing_leaves_the_email_due_at_once(
    service, replica, smtp_server, monkeypatch
):
    service.register("waitlisted")

    def die(session, delivery, now):
        raise SenderDied

    monkeypatch.setattr(service.agent.assembler, "compose", die)
    with pytest.raises(SenderDied):
        service.deliver()

    assert only(service).lease_holder is None
    assert replica.deliver_next() is True
    assert len(smtp_server.received) == 1


def test_an_outcome_the_database_could_not_take_is_recorded_next_round_without_resending(
    service, smtp_server, monkeypatch
):
    holds_lease = loop.holds_lease
    outages = [OperationalError("UPDATE", {}, Exception("the database went away"))]

    def database_away_once(*args):
        if outages:
            raise outages.pop()
        return holds_lease(*args)

    monkeypatch.setattr(loop, "holds_lease", database_away_once)
    service.register("waitlisted")
    with pytest.raises(OperationalError):
        service.deliver()
    assert only(service).status == "queued"

    assert service.deliver() == 0  # the outcome is committed, and nothing else was due
    delivery = only(service)
    assert (delivery.status, delivery.attempts, delivery.lease_holder) == ("sent", 1, None)
    assert len(smtp_server.received) == 1


def test_a_sender_whose_lease_ran_out_leaves_the_outcome_of_the_one_that_took_over(
    service, replica, smtp_server
):
    real = service.agent.sender

    class SlowerThanTheLease:
        """Takes longer than the lease: the replica takes the email over and sends it."""

        def send(self, message) -> None:
            service.clock.advance(service.agent.lease_seconds + 1)
            assert replica.deliver_next() is True
            real.send(message)

        def close(self) -> None:
            real.close()

    service.agent.sender = SlowerThanTheLease()
    service.register("waitlisted")
    service.deliver()

    delivery = only(service)
    assert (delivery.status, delivery.attempts, delivery.lease_holder) == ("sent", 2, None)
    # The one duplicate a lease shorter than the SMTP transaction allows: same Message-ID.
    assert smtp_server.message_ids() == [delivery.message_id] * 2
