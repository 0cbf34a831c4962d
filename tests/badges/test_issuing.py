"""Badges issued and revoked from the bus: once, whatever the redeliveries and their order."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select

from services.badges.models import badges, ceremony_keys, outbox
from services.badges.signing import codes
from services.badges.signing.sealing import open_private_key
from tests.badges.fixtures import at, ceremony_envelope, registration_envelope
from tests.conftest import SECRET


def badge_rows(database, registration_id):
    with database.transaction() as session:
        query = (
            select(badges)
            .where(badges.c.registration_id == registration_id)
            .order_by(badges.c.issued_at)
        )
        return session.execute(query).all()


def events(database, event_type):
    with database.transaction() as session:
        bodies = session.execute(
            select(outbox.c.body).where(outbox.c.event_type == event_type).order_by(outbox.c.id)
        ).scalars()
        return [json.loads(body)["data"] for body in bodies]


def key_rows(database, ceremony_id):
    with database.transaction() as session:
        query = select(ceremony_keys).where(ceremony_keys.c.ceremony_id == ceremony_id)
        return session.execute(query).all()


def test_a_confirmed_registration_gets_a_badge(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    (badge,) = badge_rows(database, registration_id)
    assert (badge.status, badge.ceremony_id) == ("issued", ceremony_id)


def test_issuing_publishes_badge_issued_with_the_code(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    (badge,) = badge_rows(database, registration_id)
    assert events(database, "badge.issued") == [
        {
            "badge_id": str(badge.id),
            "registration_id": str(registration_id),
            "ceremony_id": str(ceremony_id),
            "code": badge.code,
        }
    ]


def test_a_redelivered_confirmation_issues_no_second_badge(feed, database, ceremony_id):
    registration_id = uuid.uuid4()
    envelope = registration_envelope("registration.confirmed", registration_id, ceremony_id)
    assert feed.deliver(envelope) is True
    assert feed.deliver(envelope) is False
    assert len(badge_rows(database, registration_id)) == 1
    assert len(events(database, "badge.issued")) == 1


def test_a_second_confirmation_event_issues_no_second_badge(feed, database, ceremony_id):
    # Not the same event id, so the inbox lets it through: the handler itself must hold.
    registration_id = uuid.uuid4()
    for _ in range(2):
        feed.deliver(registration_envelope("registration.confirmed", registration_id, ceremony_id))
    assert len(badge_rows(database, registration_id)) == 1


def test_the_code_is_signed_for_the_ceremony_with_its_key(feed, database, ceremony_id):
    (badge,) = badge_rows(database, feed.confirm(ceremony_id))
    (key,) = key_rows(database, ceremony_id)
    parsed = codes.parse_code(badge.code)
    public = Ed25519PublicKey.from_public_bytes(key.public_key)
    assert (parsed.ceremony_id, parsed.kid, parsed.serial_hex) == (
        ceremony_id,
        key.kid,
        badge.serial,
    )
    assert codes.verify_code(parsed, public)


def test_the_ceremony_key_is_created_with_the_ceremony(database, ceremony_id):
    (key,) = key_rows(database, ceremony_id)
    assert key.active


def test_the_private_key_is_stored_sealed_under_the_secret(database, ceremony_id):
    (key,) = key_rows(database, ceremony_id)
    private = open_private_key(key.sealed_private_key, SECRET)
    assert codes.key_id(private.public_key()) == key.kid


def test_a_confirmation_before_its_ceremony_creates_the_key_on_the_way(feed, database):
    ceremony_id = uuid.uuid4()
    registration_id = feed.confirm(ceremony_id)
    assert len(badge_rows(database, registration_id)) == 1
    feed.deliver(ceremony_envelope(ceremony_id))
    assert len(key_rows(database, ceremony_id)) == 1


def test_cancellation_revokes_the_badge(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    feed.cancel(registration_id)
    (badge,) = badge_rows(database, registration_id)
    assert badge.status == "revoked"
    assert badge.revoked_at is not None


def test_cancellation_publishes_badge_revoked(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    feed.cancel(registration_id)
    (revoked,) = events(database, "badge.revoked")
    assert revoked["registration_id"] == str(registration_id)


def test_a_cancellation_without_a_badge_publishes_nothing(feed, database, ceremony_id):
    registration_id = uuid.uuid4()
    feed.deliver(registration_envelope("registration.cancelled", registration_id, ceremony_id))
    assert badge_rows(database, registration_id) == []
    assert events(database, "badge.revoked") == []


def test_a_confirmation_older_than_the_cancellation_issues_nothing(feed, database, ceremony_id):
    registration_id = uuid.uuid4()
    now = datetime.now(UTC)
    confirmed = registration_envelope("registration.confirmed", registration_id, ceremony_id)
    cancelled = registration_envelope("registration.cancelled", registration_id, ceremony_id)
    feed.deliver(at(cancelled, now))
    feed.deliver(at(confirmed, now - timedelta(seconds=5)))  # a retry brought it in late
    assert badge_rows(database, registration_id) == []


def test_a_reconfirmed_registration_gets_a_new_badge(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id)
    feed.cancel(registration_id)
    feed.deliver(registration_envelope("registration.confirmed", registration_id, ceremony_id))
    old, new = badge_rows(database, registration_id)
    assert (old.status, new.status) == ("revoked", "issued")
    assert old.serial != new.serial
