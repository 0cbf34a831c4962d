"""Credentials: their kinds, ids and capped lifetimes; sessions renewed while used; the CSRF
token of a cookie; what each service's credential tables refuse, and how soon."""

from __future__ import annotations

import time
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from itsdangerous import URLSafeSerializer

from services.badges.models import credentials as badge_credentials
from services.badges.service import SERVICE as BADGES
from shared.auth import (
    APIKEY_MAX_SECONDS,
    SESSION_IDLE_SECONDS,
    SESSION_MAX_SECONDS,
    AuthError,
    Signer,
)
from shared.credentials import CredentialStore, record_grant, record_revocation, record_signout
from shared.db import Database
from tests.conftest import SECRET, make_settings, migrated

signer = Signer(SECRET)


def test_each_kind_of_credential_carries_an_id_and_its_kind():
    key = signer.verify_token(signer.issue_token("organiser", ceremony_id="c-1", name="Sync"))
    device = signer.verify_token(
        signer.issue_device("d-1", ceremony_id="c-1", gate="North", ceremony_ends_at=time.time())
    )
    session = signer.verify_token(signer.issue_session("a-1", name="Ada"))

    assert (key.kind, key.role, key.ceremony_id, key.name) == ("apikey", "organiser", "c-1", "Sync")
    assert uuid.UUID(key.credential_id)
    assert (device.kind, device.role, device.gate, device.credential_id) == (
        "device",
        "door",
        "North",
        "d-1",
    )
    assert (session.kind, session.account_id, session.role, session.name) == (
        "session",
        "a-1",
        None,
        "Ada",
    )


def test_one_kind_cannot_pass_for_another():
    key = signer.issue_token("admin")
    # The same signed body under another kind's prefix is checked with that kind's key.
    with pytest.raises(AuthError):
        signer.verify_token("s." + key.split(".", 1)[1])
    with pytest.raises(AuthError):
        signer.verify_token(key.split(".", 1)[1])  # no prefix: not a credential


def test_a_token_from_before_credentials_had_ids_is_refused():
    legacy = URLSafeSerializer(SECRET, salt="ceremony.bearer-token").dumps(
        {"r": "organiser", "x": int(time.time()) + 3600}
    )
    with pytest.raises(AuthError):
        signer.verify_token(legacy)


def test_an_api_key_lives_a_year_at_most():
    key = signer.verify_token(signer.issue_token("viewer", ttl_hours=APIKEY_MAX_SECONDS / 3600))
    assert key.expires_at - time.time() <= APIKEY_MAX_SECONDS + 1
    with pytest.raises(ValueError, match="a year"):
        signer.issue_token("viewer", ttl_hours=APIKEY_MAX_SECONDS / 3600 + 1)


def test_the_admin_role_cannot_be_bound_to_one_ceremony():
    with pytest.raises(ValueError, match="suite-wide"):
        signer.issue_token("admin", ceremony_id="c-1")


def test_a_device_lives_until_its_ceremony_ends_plus_a_day():
    ends = time.time() + 3600
    device = signer.verify_token(
        signer.issue_device("d-1", ceremony_id="c-1", gate="North", ceremony_ends_at=ends)
    )
    assert device.expires_at == int(ends + 24 * 3600)
    with pytest.raises(ValueError, match="ended"):
        signer.issue_device(
            "d-2", ceremony_id="c-1", gate="N", ceremony_ends_at=time.time() - 2 * 86400
        )


def test_a_session_lasts_twelve_hours_and_is_renewed_within_seven_days():
    fresh = signer.verify_token(signer.issue_session("a-1"))
    assert fresh.expires_at - time.time() == pytest.approx(SESSION_IDLE_SECONDS, abs=2)
    assert signer.renew_session(fresh) is None  # just issued: nothing to renew

    # Signed in six days and a half ago, last renewed an hour ago: renewed up to the 7th day.
    started = time.time() - 6.5 * 86400
    token = signer.issue_session("a-1", session_id="s-1", started_at=started)
    older = signer.verify_token(token)
    older = type(older)(**{**older.__dict__, "issued_at": older.issued_at - 3600})
    renewed = signer.verify_token(signer.renew_session(older))
    assert (renewed.credential_id, renewed.account_id) == ("s-1", "a-1")
    assert renewed.expires_at == int(started + SESSION_MAX_SECONDS)

    with pytest.raises(ValueError, match="longest life"):
        signer.issue_session("a-1", started_at=time.time() - SESSION_MAX_SECONDS - 1)


def test_the_csrf_token_belongs_to_one_credential():
    one = signer.verify_token(signer.issue_session("a-1"))
    other = signer.verify_token(signer.issue_session("a-1"))
    assert signer.csrf_token(one) == signer.csrf_token(one)
    assert signer.csrf_token(one) != signer.csrf_token(other)


@pytest.fixture
def database(tmp_path):
    settings = migrated(BADGES, make_settings("badges", tmp_path))
    database = Database(settings.database_url)
    yield database
    database.dispose()


def test_the_tables_refuse_what_was_revoked_or_signed_out(database):
    store = CredentialStore(database, badge_credentials, ttl=0)
    key = signer.verify_token(signer.issue_token("viewer"))
    before = signer.verify_token(signer.issue_session("a-1"))
    assert store.refusal(key) is None and store.refusal(before) is None

    now = datetime.now(UTC)
    with database.transaction() as session:
        record_revocation(
            session, badge_credentials, key.credential_id, "apikey", revoked_at=now, expires_at=None
        )
        record_signout(session, badge_credentials, "a-1", before=now, disabled=False)
    time.sleep(0.01)
    after = signer.verify_token(signer.issue_session("a-1"))

    assert store.refusal(key) == "revoked"
    assert store.refusal(before) == "signed_out"
    assert store.refusal(after) is None  # signed in again after "sign out everywhere"

    with database.transaction() as session:
        record_signout(session, badge_credentials, "a-1", before=now, disabled=True)
    assert store.refusal(after) == "account_disabled"


def test_an_older_role_change_arriving_late_loses(database):
    store = CredentialStore(database, badge_credentials, ttl=0)
    now = datetime.now(UTC)
    with database.transaction() as session:
        record_grant(session, badge_credentials, "a-1", "c-1", "viewer", as_of=now)
        record_grant(
            session, badge_credentials, "a-1", "c-1", "owner", as_of=now - timedelta(seconds=5)
        )
    assert store.grants("a-1")["c-1"].role == "viewer"
    with database.transaction() as session:
        record_grant(
            session, badge_credentials, "a-1", "c-1", None, as_of=now + timedelta(seconds=1)
        )
    assert store.grants("a-1") == {}


def test_answers_are_cached_for_the_ttl_then_read_again(database):
    store = CredentialStore(database, badge_credentials, ttl=0.3)
    key = signer.verify_token(signer.issue_token("viewer"))
    assert store.refusal(key) is None
    with database.transaction() as session:
        record_revocation(
            session,
            badge_credentials,
            key.credential_id,
            "apikey",
            revoked_at=datetime.now(UTC),
            expires_at=None,
        )
    assert store.refusal(key) is None  # still the cached answer
    time.sleep(0.35)
    assert store.refusal(key) == "revoked"


def test_grants_and_refusals_are_read_while_a_transaction_of_the_same_thread_writes(database):
    # A view that writes in its transaction may ask for a caller's roles inside it; on SQLite a
    # second writer's transaction would wait for the first's lock, here for ever (30 s, then
    # "database is locked").
    store = CredentialStore(database, badge_credentials, ttl=0)
    key = signer.verify_token(signer.issue_token("viewer"))
    started = time.monotonic()
    with database.transaction() as session:
        record_grant(session, badge_credentials, "a-1", "c-1", "viewer", as_of=datetime.now(UTC))
        assert store.grants("a-1") == {}  # the other transaction's write is not seen yet
        assert store.refusal(key) is None
    assert time.monotonic() - started < 5
    assert store.grants("a-1")["c-1"].role == "viewer"
