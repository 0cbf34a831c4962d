"""Verifying a certificate code: genuine, tampered, revoked, another ceremony's, erased."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from services.badges.certificates.issuing import revoke
from services.badges.certificates.verification import names_match, verify
from services.badges.signing import codes
from services.badges.signing.certificates import sign_certificate_code
from services.badges.signing.keys import KeyRing
from shared.audit import SYSTEM
from shared.contract import email_digest
from shared.events import make_envelope
from tests.badges.graduation import course_envelope, graduate, held, release_now
from tests.conftest import SECRET


@pytest.fixture
def issued(feed, database, ceremony_id):
    """A graduate's certificate of completion, in French."""
    feed.deliver(course_envelope(ceremony_id))
    registration_id = graduate(
        feed, ceremony_id, "distinction", full_name="Amina Diallo", language="fr"
    )
    release_now(database, ceremony_id)
    return held(database, registration_id)[0]


def check(database, code):
    with database.transaction() as session:
        return verify(session, code)


def sign_with_ceremony_key(database, key_ceremony, **fields):
    with database.transaction() as session:
        key = KeyRing(SECRET).signing_key(session, key_ceremony).key
    defaults = {
        "ceremony_id": key_ceremony,
        "certificate_id": uuid.uuid4(),
        "kind": "completion",
        "result": "completed",
        "name": "Someone Else",
    }
    return sign_certificate_code(key, **{**defaults, **fields})


def test_a_genuine_certificate_says_what_it_is_for_and_to_whom(database, issued, ceremony_id):
    found = check(database, issued.code)
    assert (found.status, found.reason, found.genuine) == ("genuine", None, True)
    assert (found.certificate_id, found.ceremony_id, found.kid) == (
        issued.id,
        ceremony_id,
        issued.kid,
    )
    assert (found.kind, found.result, found.name, found.language) == (
        "completion",
        "distinction",
        "Amina Diallo",
        "fr",
    )
    assert (found.course_title, found.course_title_en) == (
        "Cours des officiers supérieurs",
        "Senior Officers' Course",
    )
    assert found.hours == Decimal("240.0") and found.starts_on.isoformat() == "2031-05-12"
    assert found.organisations == ("Institute for Peace Operations", "Ministry of Foreign Affairs")
    assert found.ceremony_title == "Closing Ceremony of the Senior Officers' Course"
    assert found.issued_at is not None and found.revoked_at is None
    assert names_match(found, "Amina Diallo") and not names_match(found, "Amina Diallo-Sy")


def test_a_lower_case_code_with_spaces_still_verifies(database, issued):
    assert check(database, f"  {issued.code.lower()} ").status == "genuine"


def test_a_tampered_code_is_not_genuine(database, issued):
    position = 100
    replacement = "A" if issued.code[position] != "A" else "B"
    tampered = issued.code[:position] + replacement + issued.code[position + 1 :]
    found = check(database, tampered)
    assert (found.status, found.reason, found.name) == ("not_genuine", "bad_signature", None)


def test_a_revoked_certificate_says_so(database, issued):
    with database.transaction() as session:
        revoke(session, issued.id, reason="Issued in error", actor=SYSTEM)
    found = check(database, issued.code)
    assert (found.status, found.revoke_reason, found.genuine) == (
        "revoked",
        "Issued in error",
        False,
    )
    assert found.revoked_at is not None and found.name == "Amina Diallo"


def test_a_code_claiming_another_ceremony_than_its_key_is_not_genuine(
    database, issued, ceremony_id, other_ceremony_id
):
    code = sign_with_ceremony_key(database, ceremony_id, ceremony_id=other_ceremony_id)
    assert check(database, code).reason == "wrong_ceremony"


def test_another_ceremony_s_code_does_not_verify_a_certificate_of_this_one(
    database, issued, other_ceremony_id
):
    code = sign_with_ceremony_key(database, other_ceremony_id, certificate_id=issued.id)
    found = check(database, code)
    assert (found.status, found.reason) == ("not_genuine", "unknown_certificate")


def test_a_key_this_service_does_not_hold_is_unknown(database, issued, ceremony_id):
    code = sign_certificate_code(
        codes.generate_key(),
        ceremony_id=ceremony_id,
        certificate_id=issued.id,
        kind="completion",
        result="distinction",
        name="Amina Diallo",
    )
    assert check(database, code).reason == "unknown_key"


def test_a_genuine_signature_on_a_certificate_never_issued_is_not_genuine(
    database, issued, ceremony_id
):
    assert check(database, sign_with_ceremony_key(database, ceremony_id)).reason == (
        "unknown_certificate"
    )


@pytest.mark.parametrize(("text", "reason"), [("HELLO", "malformed"), ("", "malformed")])
def test_malformed_input_is_not_genuine(database, text, reason):
    assert check(database, text).reason == reason


def test_a_badge_code_is_named(feed, database, ceremony_id, client, organiser_headers):
    registration_id = feed.confirm(ceremony_id)
    code = client.get(
        f"/api/registrations/{registration_id}/badge", headers=organiser_headers
    ).json["code"]
    assert check(database, code).reason == "badge_code"


def test_a_purged_ceremony_s_certificate_verifies_without_a_name(
    feed, database, issued, ceremony_id
):
    feed.deliver(make_envelope("ceremony.purged", {"ceremony_id": ceremony_id}, "registration"))
    found = check(database, issued.code)
    assert (found.status, found.name, found.name_latin, found.name_erased) == (
        "genuine",
        None,
        None,
        True,
    )
    # The paper's name can still be checked against the code.
    assert names_match(found, "Amina Diallo")


def test_an_erased_holder_s_certificate_is_revoked_and_keeps_no_name(
    feed, database, issued, ceremony_id
):
    feed.cancel(issued.registration_id)
    erased = {
        "registration_id": issued.registration_id,
        "ceremony_id": ceremony_id,
        "email_digest": email_digest("amina@example.org"),
    }
    feed.deliver(make_envelope("registration.erased", erased, "registration"))
    found = check(database, issued.code)
    assert (found.status, found.revoke_reason, found.name) == (
        "revoked",
        "registration_cancelled",
        None,
    )
    assert (found.kind, found.result) == ("completion", "distinction")
