"""Erasure events: the delivery log forgets who emails were for; nothing more goes to them."""

from __future__ import annotations

from shared.contract import email_digest
from tests.notifications.bus_events import as_event


def test_an_erased_person_is_not_written_to_and_leaves_no_address(service, smtp_server):
    kept = service.confirm()
    erased = service.register("waitlisted", full_name="Ada Lovelace")
    service.feed(
        as_event(
            "registration.erased",
            {
                "registration_id": erased["registration_id"],
                "ceremony_id": service.ceremony_id,
                "email_digest": email_digest(erased["email"]),
            },
        )
    )
    service.deliver()

    assert [m.parsed()["To"].addresses[0].addr_spec for m in smtp_server.received] == [
        kept["email"]
    ]
    [waitlisted] = service.log(template="waitlisted")
    assert (waitlisted.status, waitlisted.recipient, waitlisted.recipient_name) == (
        "skipped",
        "",
        "",
    )
    [confirmation] = service.log(template="confirmation")
    assert confirmation.recipient == kept["email"]


def test_a_purged_ceremony_keeps_the_count_of_its_emails(service, smtp_server):
    service.confirm()
    service.confirm()
    service.deliver()
    service.feed(as_event("ceremony.purged", {"ceremony_id": service.ceremony_id}))
    log = service.log()
    assert [(row.status, row.recipient, row.recipient_name) for row in log] == [
        ("sent", "", "")
    ] * 2
