"""Seats and zones kept from the bus, and printed on the badge: ``seating.assigned`` in any
order and more than once, a seat that arrives before its registration, a seat change that
redraws the badge, and the zones each badge admits to."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from services.badges.models import badges, seats
from services.badges.printing import rendering
from services.badges.printing.layout import layout_badge
from services.badges.signing import codes
from tests.badges.fixtures import (
    at,
    ceremony_envelope,
    get_badge,
    registration_envelope,
    seating_envelope,
)
from tests.badges.test_badge_names import decode_all, make_view, pdf_text

ZONES = [
    {"name": "Hall", "categories": ["guest", "dignitary"]},
    {"name": "VIP lounge", "categories": ["dignitary"]},
]
GATES = [
    {"gate": "Main door", "zones": ["Hall"]},
    {"gate": "Lounge door", "zones": ["VIP lounge"]},
]


@pytest.fixture
def zoned(feed, ceremony_id):
    """The ceremony, updated with a hall everyone enters and a lounge for dignitaries."""
    update = ceremony_envelope(
        ceremony_id, "ceremony.updated", sequence=1, zones=ZONES, gate_rules=GATES
    )
    feed.deliver(at(update, datetime.now(UTC) + timedelta(seconds=1)))
    return ceremony_id


def seat_of(client, headers, registration_id) -> dict | None:
    return get_badge(client, headers, registration_id)["seat"]


def seated(feed, registration_id, ceremony_id, seat, when=None, **fields) -> bool:
    envelope = seating_envelope(registration_id, ceremony_id, seat, **fields)
    return feed.deliver(at(envelope, when) if when else envelope)


# --- The seat projection ------------------------------------------------------------------


def test_the_badge_names_its_seat_in_the_holders_language(
    client, feed, organiser_headers, ceremony_id
):
    registration_id = feed.confirm(ceremony_id, language="fr")
    seated(feed, registration_id, ceremony_id, "A:1:5", accessible_seat=True)
    badge = get_badge(client, organiser_headers, registration_id)
    assert badge["seat"]["label"] == "Section A · Rang 1 · Siège 5"
    assert badge["seat"]["id"] == "A:1:5"
    assert badge["accessible_seat"] is True


def test_a_seat_that_arrives_before_its_registration_is_kept(
    client, feed, organiser_headers, ceremony_id
):
    registration_id = uuid.uuid4()
    seated(feed, registration_id, ceremony_id, "B:2:7")
    feed.deliver(registration_envelope("registration.confirmed", registration_id, ceremony_id))
    assert seat_of(client, organiser_headers, registration_id)["id"] == "B:2:7"


def test_an_older_seating_event_does_not_undo_a_newer_one(
    client, feed, organiser_headers, ceremony_id
):
    registration_id = feed.confirm(ceremony_id)
    now = datetime.now(UTC)
    seated(feed, registration_id, ceremony_id, "A:1:2", when=now + timedelta(minutes=5))
    seated(feed, registration_id, ceremony_id, "A:1:1", when=now)
    assert seat_of(client, organiser_headers, registration_id)["id"] == "A:1:2"


def test_a_seating_event_delivered_twice_is_applied_once(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    envelope = seating_envelope(registration_id, ceremony_id, "A:1:3")
    assert feed.deliver(envelope) is True
    assert feed.deliver(envelope) is False
    with database.transaction() as session:
        assert session.execute(select(seats.c.seat_id)).scalars().all() == ["A:1:3"]


def test_a_freed_seat_leaves_the_badge_without_one(client, feed, organiser_headers, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    now = datetime.now(UTC)
    seated(feed, registration_id, ceremony_id, "A:1:3", when=now)
    seated(feed, registration_id, ceremony_id, None, when=now + timedelta(seconds=1))
    assert seat_of(client, organiser_headers, registration_id) is None


def printed_then(feed, database, event) -> dict[uuid.UUID, bool]:
    """Print every badge, deliver ``event``: whether each badge (by registration) now needs
    a reprint."""
    with database.transaction() as session:
        session.execute(badges.update().values(printed_at=datetime.now(UTC)))
    feed.deliver(event)
    with database.transaction() as session:
        rows = session.execute(
            select(badges.c.registration_id, badges.c.printed_at, badges.c.details_changed_at)
        ).all()
    return {
        row.registration_id: row.details_changed_at is not None
        and row.details_changed_at > row.printed_at
        for row in rows
    }


def test_a_seat_change_asks_for_a_reprint(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    event = seating_envelope(registration_id, ceremony_id, "C:4:1")
    assert printed_then(feed, database, event) == {registration_id: True}


def test_the_same_seat_again_asks_for_no_reprint(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    now = datetime.now(UTC)
    seated(feed, registration_id, ceremony_id, "C:4:1", when=now)
    again = at(seating_envelope(registration_id, ceremony_id, "C:4:1"), now + timedelta(seconds=1))
    assert printed_then(feed, database, again) == {registration_id: False}


def test_a_seat_change_redraws_the_badge(client, feed, organiser_headers, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    url = f"/api/registrations/{registration_id}/badge.png"
    before = client.get(url, headers=organiser_headers).data
    seated(feed, registration_id, ceremony_id, "D:1:9")
    assert client.get(url, headers=organiser_headers).data != before


# --- The zones a badge admits to ----------------------------------------------------------


def test_the_badge_lists_the_zones_of_its_holders_category(client, feed, organiser_headers, zoned):
    guest = feed.confirm(zoned, category="guest")
    dignitary = feed.confirm(zoned, category="dignitary")
    press = feed.confirm(zoned, category="press")
    assert get_badge(client, organiser_headers, guest)["zones"] == ["Hall"]
    assert get_badge(client, organiser_headers, dignitary)["zones"] == ["Hall", "VIP lounge"]
    assert get_badge(client, organiser_headers, press)["zones"] == []


def test_a_ceremony_without_zones_gives_badges_none(client, feed, organiser_headers, ceremony_id):
    assert get_badge(client, organiser_headers, feed.confirm(ceremony_id))["zones"] == []


def test_zones_that_change_for_a_category_ask_its_badges_for_a_reprint(feed, database, zoned):
    guest = feed.confirm(zoned, category="guest")
    dignitary = feed.confirm(zoned, category="dignitary")
    wider = [{**ZONES[0]}, {"name": "VIP lounge", "categories": ["dignitary", "guest"]}]
    update = ceremony_envelope(zoned, "ceremony.updated", sequence=2, zones=wider, gate_rules=GATES)
    later = at(update, datetime.now(UTC) + timedelta(minutes=1))
    assert printed_then(feed, database, later) == {guest: True, dignitary: False}


# --- Printed -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key():
    return codes.generate_key()


def test_the_seat_and_zones_are_printed_under_the_person(key):
    view = make_view(
        key,
        full_name="Amina Diallo",
        seat="Section A · Row 1 · Seat 5",
        zones=("Hall", "VIP lounge"),
    )
    texts = [block.text for block in layout_badge(view).texts]
    assert texts[-3:-1] == ["Section A · Row 1 · Seat 5", "Hall · VIP lounge"]
    blocks = layout_badge(view)
    seat_box = blocks.texts[-3].box
    assert seat_box.y + seat_box.height <= blocks.qr.y
    lines = pdf_text(rendering.render_pdf(view))[0].splitlines()
    assert lines.index("Hall · VIP lounge") == lines.index("Section A · Row 1 · Seat 5") + 1
    assert decode_all(Image.open(io.BytesIO(rendering.render_png(view)))) == [view.code]


def test_a_badge_without_seat_or_zones_prints_neither(key):
    view = make_view(key, full_name="Amina Diallo")
    assert all("Seat" not in block.text for block in layout_badge(view).texts)


def test_a_chinese_holders_seat_is_printed_in_chinese(client, feed, organiser_headers, zoned):
    registration_id = feed.confirm(zoned, full_name="王建国", language="zh", category="dignitary")
    seated(feed, registration_id, zoned, "A:1:5")
    pdf = client.get(
        f"/api/registrations/{registration_id}/badge.pdf", headers=organiser_headers
    ).data
    lines = pdf_text(pdf)[0].splitlines()
    assert "A区 · 1排 · 5座" in lines
    assert "Hall · VIP lounge" in lines
