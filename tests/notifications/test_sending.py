"""The delivery loop: background threads, the embedded mail folder, skips and the rate limit."""

from __future__ import annotations

import threading
from email import message_from_bytes, policy

import pytest
from prometheus_client import REGISTRY

from services.notifications.deliver.smtp import RateLimiter
from services.notifications.service import build_background
from tests.conftest import wait_for
from tests.notifications.harness import Notifications


class BrokenSender:
    """A sender with a bug in it."""

    def send(self, message) -> None:
        raise RuntimeError("boom")

    def close(self) -> None:
        """Nothing to close."""


@pytest.fixture
def embedded(notification_settings, badges):
    """The service without an SMTP URL: mail goes to var/mail."""
    notifications = Notifications(notification_settings.with_overrides(smtp_url=None), badges)
    notifications.ceremony()
    yield notifications
    notifications.close()


def test_without_smtp_url_mail_is_written_to_var_mail(embedded):
    embedded.register("waitlisted")
    embedded.deliver()

    [delivery] = embedded.log()
    [path] = (embedded.settings.var_dir / "mail").glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert (delivery.status, parsed["Message-ID"]) == ("sent", delivery.message_id)


def test_the_mail_folder_keeps_a_subject_beyond_ascii(embedded):
    embedded.register("waitlisted", language="zh")
    embedded.deliver()

    [path] = (embedded.settings.var_dir / "mail").glob("*.eml")
    parsed = message_from_bytes(path.read_bytes(), policy=policy.default)
    assert parsed["Subject"].startswith("候补名单：")


def test_a_confirmation_recorded_before_the_guest_cancelled_is_skipped(service, smtp_server):
    service.cancel(service.confirm())
    service.deliver()

    assert [(d.template, d.status) for d in service.log()] == [
        ("confirmation", "skipped"),
        ("cancelled", "sent"),
    ]
    assert len(smtp_server.received) == 1


def test_an_unexpected_error_counts_as_a_try(service):
    service.agent.sender = BrokenSender()
    service.register("waitlisted")
    service.deliver()

    [delivery] = service.log()
    assert (delivery.status, delivery.attempts) == ("queued", 1)
    assert "boom" in delivery.last_error


def test_the_worker_threads_send_recorded_emails_in_the_background(service, smtp_server):
    [pool] = build_background(service.settings, service.database)
    pool.start()
    try:
        service.register("waitlisted")
        wait_for(lambda: service.log(status="sent"))
    finally:
        pool.stop()
        pool.join(timeout=10)
    assert len(smtp_server.received) == 1


def test_an_email_recorded_here_wakes_an_idle_delivery_thread(service, smtp_server):
    settings = service.settings.with_overrides(delivery_poll_seconds=60)
    [pool] = build_background(settings, service.database)
    agent = pool.threads[0].agent
    looked = []
    deliver_next = agent.deliver_next

    def watched() -> bool:
        looked.append(deliver_next())
        return looked[-1]

    agent.deliver_next = watched
    pool.start()
    try:
        wait_for(lambda: looked == [False])  # found nothing: now in its minute-long wait
        service.register("waitlisted")
        wait_for(lambda: service.log(status="sent"), timeout=5)
    finally:
        pool.stop()
        pool.join(timeout=10)


def test_one_rate_limit_holds_across_threads():
    now = [0.0]
    waits = []
    lock = threading.Lock()

    def sleep(seconds: float) -> None:
        with lock:
            waits.append(seconds)

    limiter = RateLimiter(10, clock=lambda: now[0], sleep=sleep)
    threads = [threading.Thread(target=limiter.wait) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(waits) == pytest.approx([0.1, 0.2, 0.3])


def test_the_deliveries_metric_counts_emails_by_final_status(service, smtp_server):
    def sent(template: str) -> float:
        labels = {"status": "sent", "template": template}
        return REGISTRY.get_sample_value("ceremony_deliveries_total", labels) or 0

    def failed(template: str) -> float:
        labels = {"status": "failed", "template": template}
        return REGISTRY.get_sample_value("ceremony_deliveries_total", labels) or 0

    before = (sent("confirmation"), failed("waitlisted"))
    service.confirm()
    service.deliver()
    smtp_server.refuse_next(550)
    service.register("waitlisted")
    service.deliver()

    assert (sent("confirmation"), failed("waitlisted")) == (before[0] + 1, before[1] + 1)
