"""A changed seat on RabbitMQ and PostgreSQL: the guest's "Your seat has changed" email reaches a
real SMTP server with the new seat in both parts; a seating with a broken seat is dead-lettered."""

from __future__ import annotations

import threading
import uuid

import pytest

from services.notifications.service import SERVICE
from shared.dead_letters import list_dead_letters
from shared.events import make_envelope
from shared.worker import ServiceWorker
from tests.conftest import make_settings, migrated, wait_for
from tests.notifications.bus_events import seat_info, seating_data
from tests.notifications.fake_badges import decode_badge
from tests.notifications.on_the_bus import ceremony_created, confirmed_guests, publish

pytestmark = pytest.mark.integration

NEW_SEAT = seat_info("A", "1", 5, block="Dignitaries")
OLD_SEAT = seat_info("C", "7", 12)


@pytest.fixture
def settings(tmp_path, amqp_url, postgres_databases, smtp_server, badges):
    database = postgres_databases(f"seats_{tmp_path.name[-8:].lower()}")
    return migrated(
        SERVICE,
        make_settings(
            "notifications",
            tmp_path / "var",
            broker_url=amqp_url,
            database_url=database,
            smtp_url=smtp_server.url,
            internal_urls={"badges": badges.url},
            mail_from="Protocol Office <protocol@ceremony.example.org>",
            smtp_rate_per_second=0,
            delivery_poll_seconds=0.05,
        ),
    )


@pytest.fixture
def worker(settings):
    """One notifications worker in a thread, stopped at the end."""
    running = ServiceWorker(SERVICE, settings)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    yield running
    running.stop()
    thread.join(timeout=15)
    running.database.dispose()


def seat_changed(guest: dict, seat: dict, previous: dict) -> dict:
    """The envelope telling the guest their seat changed."""
    return make_envelope("seating.assigned", seating_data(guest, seat, previous), "registration")


def test_a_changed_seat_reaches_the_guest_with_the_new_seat_in_both_parts(
    settings, worker, smtp_server, badges
):
    ceremony_id = uuid.uuid4()
    confirmed, badge = confirmed_guests(ceremony_id, badges, 1)
    guest = confirmed["data"]
    publish(settings, [ceremony_created(ceremony_id), confirmed, badge])
    wait_for(lambda: smtp_server.received, timeout=30)  # the confirmation
    badges.add(guest["registration_id"], ceremony_id, "CODE-NEW-SEAT")  # the redrawn badge

    publish(settings, [seat_changed(guest, NEW_SEAT, OLD_SEAT)])

    [message] = wait_for(lambda: smtp_server.received[1:], timeout=40)
    parsed = message.parsed()
    assert parsed["Subject"] == (
        "Your seat has changed: Closing Ceremony of the International Protocol Course"
    )
    assert parsed["To"].addresses[0].addr_spec == guest["email"]
    text = parsed.get_body(("plain",)).get_content()
    html = parsed.get_body(("html",)).get_content()
    assert "Your new seat: Section A · Row 1 · Seat 5" in text
    assert "Previous seat: Section C · Row 7 · Seat 12" in text
    assert "<strong>Section A · Row 1 · Seat 5</strong>" in html
    [pdf] = [p for p in parsed.iter_attachments() if p.get_filename() == "badge.pdf"]
    assert decode_badge(pdf.get_content()) == "CODE-NEW-SEAT"


def test_a_seating_whose_seat_lacks_its_row_is_dead_lettered_and_the_next_one_handled(
    settings, worker, smtp_server, badges
):
    ceremony_id = uuid.uuid4()
    confirmed, badge = confirmed_guests(ceremony_id, badges, 1)
    guest = confirmed["data"]
    broken = seat_changed(guest, OLD_SEAT, NEW_SEAT)
    del broken["data"]["seat"]["row"]
    publish(settings, [ceremony_created(ceremony_id), confirmed, badge])
    publish(settings, [broken, seat_changed(guest, NEW_SEAT, OLD_SEAT)])

    wait_for(lambda: len(smtp_server.received) == 2, timeout=40)
    subjects = sorted(m.parsed()["Subject"].split(":")[0] for m in smtp_server.received)
    assert subjects == ["Registration confirmed", "Your seat has changed"]
    worker.stop()
    [letter] = wait_for(lambda: list_dead_letters(settings), timeout=15)
    assert letter.event_type == "seating.assigned"
    assert "row" in letter.reason
