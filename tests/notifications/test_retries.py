"""Delivery outcomes on a real SMTP server: retried when it is worth it, never sent twice."""

from __future__ import annotations

import json


def only(service):
    [delivery] = service.log()
    return delivery


def test_451_then_250_delivers_the_email_once(service, smtp_server):
    smtp_server.refuse_next(451)
    service.register("waitlisted")
    service.deliver()
    service.clock.advance(5)
    service.deliver()

    assert len(smtp_server.received) == 1


def test_451_then_250_logs_both_attempts_and_the_refusal(service, smtp_server):
    smtp_server.refuse_next(451)
    service.register("waitlisted")
    service.deliver()
    service.clock.advance(5)
    service.deliver()

    delivery = only(service)
    assert (delivery.status, delivery.attempts, delivery.smtp_code) == ("sent", 2, 451)
    assert "451" in delivery.last_error


def test_a_transient_failure_waits_for_the_schedules_delay(service, smtp_server):
    smtp_server.refuse_next(451)
    service.register("waitlisted")
    service.deliver()
    service.clock.advance(4)

    assert service.deliver() == 0


def test_550_fails_the_email_after_one_try(service, smtp_server):
    smtp_server.refuse_next(550)
    service.register("waitlisted")
    service.deliver()

    delivery = only(service)
    assert (delivery.status, delivery.attempts, delivery.smtp_code) == ("failed", 1, 550)


def test_550_is_never_retried(service, smtp_server):
    smtp_server.refuse_next(550)
    service.register("waitlisted")
    service.deliver()
    service.clock.advance(7200)
    service.deliver()

    assert (smtp_server.refused, smtp_server.received) == (1, [])


def test_550_publishes_delivery_failed(service, smtp_server):
    smtp_server.refuse_next(550)
    registration = service.register("waitlisted")
    service.deliver()

    [body] = service.published("delivery.failed")
    data = json.loads(body)["data"]
    assert (data["recipient"], data["template"], data["smtp_code"]) == (
        registration["email"],
        "waitlisted",
        550,
    )


def test_an_email_is_delivered_once_the_smtp_server_is_back(service, smtp_server):
    smtp_server.stop()
    service.register("waitlisted")
    service.deliver()
    smtp_server.start()
    service.clock.advance(5)
    service.deliver()

    assert (len(smtp_server.received), only(service).status) == (1, "sent")


def test_an_unreachable_server_counts_as_a_try_without_a_reply_code(service, smtp_server):
    smtp_server.stop()
    service.register("waitlisted")
    service.deliver()

    delivery = only(service)
    assert (delivery.status, delivery.attempts, delivery.smtp_code) == ("queued", 1, None)


def test_an_email_fails_when_the_retry_schedule_is_used_up(service, smtp_server):
    smtp_server.refuse_next(451, count=3)
    service.register("waitlisted")
    for delay in (0, 5, 30):
        service.clock.advance(delay)
        service.deliver()

    delivery = only(service)
    assert (delivery.status, delivery.attempts) == ("failed", 3)
    assert delivery.last_error.startswith("gave up after 3 tries")


def test_giving_up_publishes_delivery_failed(service, smtp_server):
    smtp_server.refuse_next(451, count=3)
    service.register("waitlisted")
    for delay in (0, 5, 30):
        service.clock.advance(delay)
        service.deliver()

    [body] = service.published("delivery.failed")
    assert json.loads(body)["data"]["smtp_code"] == 451


def test_a_confirmation_waits_while_the_badges_service_is_down(service, smtp_server, badges):
    badges.stop()
    service.confirm()
    service.deliver()

    delivery = only(service)
    assert (delivery.status, smtp_server.received) == ("queued", [])
    assert "badges service unreachable" in delivery.last_error


def test_a_confirmation_goes_with_its_badge_once_the_badges_service_is_back(
    service, smtp_server, badges
):
    badges.stop()
    service.confirm()
    service.deliver()
    badges.start()
    service.clock.advance(5)
    service.deliver()

    assert only(service).status == "sent"
    assert [p.get_filename() for p in smtp_server.received[0].parsed().iter_attachments()] == [
        "invite.ics",
        "badge.pdf",
    ]


def test_a_redelivered_event_records_one_email(service, smtp_server):
    registration = service.register("confirmed")
    event = service.issue_badge(registration)
    with service.database.transaction() as session:
        # Straight to the handler, past the inbox: the delivery's own key holds.
        service.handlers["badge.issued"](session, event)
    service.deliver()

    assert (len(service.log()), len(smtp_server.received)) == (1, 1)


def test_emails_of_a_batch_share_one_smtp_connection(service, smtp_server):
    for _ in range(3):
        service.register("waitlisted")
    service.deliver()

    assert (len(smtp_server.received), smtp_server.connections) == (3, 1)
