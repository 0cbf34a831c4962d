"""The public verification page ``/verify/<code>``: a genuine certificate, a revoked one, a
tampered code, a code of another ceremony's key, a badge's code, in English and Arabic; and the
form at ``/verify`` that asks for a code."""

from __future__ import annotations

import hashlib
import html
import re
import uuid
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from babel.dates import format_skeleton
from sqlalchemy import select

from services.badges.certificates.issuing import revoke
from services.badges.certificates.release import release
from services.badges.models import certificates
from services.badges.signing.certificates import sign_certificate_code
from services.badges.signing.keys import KeyRing
from shared.events import make_envelope
from shared.graduation import name_digest
from tests.badges.fixtures import bearer, get_badge, registration_envelope
from tests.conftest import SECRET

ORGANISER = {"kind": "account", "id": "organiser", "name": "Olga Organiser", "address": None}
COURSE = {
    "title": "Senior Officers' Course",
    "starts_on": date(2031, 5, 5),
    "ends_on": date(2031, 6, 13),
    "hours": Decimal("240.0"),
    "organisations": [{"name": "Institute of Diplomacy", "logo": None}],
    "signatories": [{"name": "Dr Amina Diallo", "title": "Director General", "signature": None}],
    "translations": {"fr": {"title": "Cours des officiers supérieurs"}},
    "roll_order": "family_name",
    "hand_order": [],
}


def course_envelope(ceremony_id: uuid.UUID, revision: int = 1, **changes) -> dict:
    """A ``course.updated`` envelope with the usual course."""
    data = {"ceremony_id": ceremony_id, "course": {**COURSE, **changes}, "revision": revision}
    return make_envelope("course.updated", data, "registration")


def graduate_envelope(
    ceremony_id: uuid.UUID, registration_id: uuid.UUID, result: str | None, revision: int = 1
) -> dict:
    """A ``graduate.updated`` envelope giving a result."""
    data = {
        "ceremony_id": ceremony_id,
        "registration_id": registration_id,
        "result": result,
        "group": None,
        "phonetic": None,
        "appreciation": False,
        "revision": revision,
    }
    return make_envelope("graduate.updated", data, "registration")


def graduate(feed, ceremony_id: uuid.UUID, full_name: str, result: str, **fields) -> uuid.UUID:
    """A confirmed participant with a result; returns the registration's id."""
    registration_id = feed.confirm(
        ceremony_id, full_name=full_name, category="participant", **fields
    )
    feed.deliver(graduate_envelope(ceremony_id, registration_id, result))
    return registration_id


def release_all(app, ceremony_id: uuid.UUID, **options) -> dict:
    """Release a ceremony's certificates as an organiser does."""
    with app.app_context(), app.extensions["ceremony"].database.transaction() as session:
        return release(session, ceremony_id, actor=ORGANISER, **options)


def revoke_by_organiser(app, certificate_id: uuid.UUID, reason: str | None = None) -> None:
    """Revoke one certificate as an organiser does."""
    with app.app_context(), app.extensions["ceremony"].database.transaction() as session:
        revoke(session, certificate_id, reason=reason, actor=ORGANISER)


def code_of(database, registration_id: uuid.UUID, status: str = "issued") -> str:
    """The signed code of a registration's certificate."""
    with database.transaction() as session:
        return session.scalar(
            select(certificates.c.code)
            .where(certificates.c.registration_id == registration_id)
            .where(certificates.c.status == status)
            .order_by(certificates.c.issued_at.desc())
        )


def text_of(page: str) -> str:
    """A page's visible words, tags removed and whitespace collapsed."""
    without = re.sub(r"<(script|style|title)[^>]*>.*?</\1>", " ", page, flags=re.S)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", without)).split())


def title_of(page: str) -> str:
    return html.unescape(re.search(r"<title>(.*?)</title>", page, re.S).group(1)).strip()


@pytest.fixture
def course(feed, ceremony_id):
    feed.deliver(course_envelope(ceremony_id))


@pytest.fixture
def amina(app, feed, ceremony_id, course) -> uuid.UUID:
    """Amina Diallo graduated with distinction, and the certificates are released."""
    registration_id = graduate(feed, ceremony_id, "Amina Diallo", "distinction")
    release_all(app, ceremony_id)
    return registration_id


def change_one_character(code: str, at: int) -> str:
    return code[:at] + ("A" if code[at] != "A" else "B") + code[at + 1 :]


def issued_today_in_paris(locale: str) -> str:
    return format_skeleton("yMMMd", datetime.now(UTC), tzinfo="Europe/Paris", locale=locale)


def test_a_genuine_certificate_says_so_with_who_what_and_when(client, database, amina):
    answer = client.get(f"/verify/{code_of(database, amina)}?lang=en")
    words = text_of(answer.text)
    assert answer.status_code == 200
    assert "✓ Genuine certificate" in words
    assert "Issued to Amina Diallo" in words
    assert "Certificate Certificate of completion" in words
    assert "Course Senior Officers' Course" in words
    assert "Result Completed with distinction" in words
    assert "Dates May 5, 2031 – June 13, 2031" in words
    assert "Hours 240 hours" in words
    assert "Issued by Institute of Diplomacy" in words
    assert "At the ceremony Closing Ceremony of the Senior Officers' Course" in words
    assert f"Issued on {issued_today_in_paris('en')}" in words
    assert "revoked" not in words.lower().replace("has not been revoked", "")


def test_the_page_lets_anyone_check_it_offline(client, database, amina, ceremony_id):
    code = code_of(database, amina)
    answer = client.get(f"/verify/{code}")
    words = text_of(answer.text)
    with database.transaction() as session:
        kid = session.scalar(select(certificates.c.kid).where(certificates.c.code == code))
    assert "Check it yourself" in words
    assert f"Public key id {kid}" in words
    assert f'href="/api/ceremonies/{ceremony_id}/certificate-keys"' in answer.text
    assert name_digest("Amina Diallo")[:18].hex() in words
    assert "README.md" in words


def test_the_page_is_kept_out_of_search_engines_and_its_title_names_no_one(client, database, amina):
    answer = client.get(f"/verify/{code_of(database, amina)}")
    assert '<meta name="robots" content="noindex">' in answer.text
    assert "Amina" not in title_of(answer.text) and "Diallo" not in title_of(answer.text)
    assert answer.headers["Cache-Control"] == "no-store"


def test_in_arabic_the_page_is_right_to_left_with_arabic_dates(client, database, amina):
    answer = client.get(f"/verify/{code_of(database, amina)}?lang=ar")
    assert answer.status_code == 200
    assert '<html lang="ar" dir="rtl">' in answer.text
    assert issued_today_in_paris("ar") in text_of(answer.text)
    assert "شهادة صحيحة" in text_of(answer.text)
    assert '<bdi class="holder">Amina Diallo</bdi>' in answer.text


def test_the_browsers_language_is_used_when_the_link_names_none(client, database, amina):
    answer = client.get(
        f"/verify/{code_of(database, amina)}", headers={"Accept-Language": "fr, en;q=0.5"}
    )
    assert '<html lang="fr" dir="ltr">' in answer.text
    assert issued_today_in_paris("fr") in text_of(answer.text)


def test_the_language_menu_keeps_the_code(client, database, amina):
    code = code_of(database, amina)
    answer = client.get(f"/verify/{code}?lang=en")
    assert f'href="/verify/{code}?lang=ar"' in answer.text
    assert f'href="/verify/{code}?lang=zh"' in answer.text


def test_a_code_with_one_character_changed_is_not_genuine(client, database, amina):
    code = code_of(database, amina)
    for at in (10, 100, 191):
        answer = client.get(f"/verify/{change_one_character(code, at)}?lang=en")
        words = text_of(answer.text)
        assert answer.status_code == 404, at
        assert "✕ This is not a genuine certificate" in words
        assert "Amina" not in words and "Genuine certificate" not in words


@pytest.mark.parametrize("forgery", ["tampered", "other_ceremony"])
def test_a_code_that_is_not_genuine_in_arabic(
    client, database, amina, ceremony_id, other_ceremony_id, forgery
):
    code = code_of(database, amina)
    if forgery == "tampered":
        code = change_one_character(code, 100)
    else:
        code = signed_by_other_ceremony(database, amina, ceremony_id, other_ceremony_id)
    answer = client.get(f"/verify/{code}?lang=ar")
    assert answer.status_code == 404
    assert '<html lang="ar" dir="rtl">' in answer.text
    assert "هذه ليست شهادة صحيحة" in text_of(answer.text)


def signed_by_other_ceremony(database, registration_id, ceremony_id, other_ceremony_id) -> str:
    """A code naming the ceremony, the certificate and its holder, signed by another's key."""
    with database.transaction() as session:
        row = session.execute(
            select(certificates).where(certificates.c.registration_id == registration_id)
        ).one()
        other_key = KeyRing(SECRET).signing_key(session, other_ceremony_id).key
    return sign_certificate_code(
        other_key,
        ceremony_id=ceremony_id,
        certificate_id=row.id,
        kind=row.kind,
        result=row.result,
        name=row.name,
    )


def test_a_tampered_signature_says_the_code_was_altered_or_forged(client, database, amina):
    answer = client.get(f"/verify/{change_one_character(code_of(database, amina), 150)}")
    assert "the code was altered or forged" in text_of(answer.text)


def test_a_code_signed_with_another_ceremonys_key_is_not_genuine(
    client, database, amina, ceremony_id, other_ceremony_id
):
    forged = signed_by_other_ceremony(database, amina, ceremony_id, other_ceremony_id)
    answer = client.get(f"/verify/{forged}?lang=en")
    words = text_of(answer.text)
    assert answer.status_code == 404
    assert "This is not a genuine certificate" in words
    assert "another ceremony's key" in words
    assert "Amina" not in words


def test_a_badge_code_is_a_badge_not_a_certificate(client, feed, ceremony_id, organiser_headers):
    registration_id = feed.confirm(ceremony_id, full_name="Jean Dupont")
    badge = get_badge(client, organiser_headers, registration_id)["code"]
    answer = client.get(f"/verify/{badge}?lang=en")
    assert answer.status_code == 404
    assert "This is a badge, not a certificate." in text_of(answer.text)


def test_text_that_is_no_code_at_all_is_not_genuine(client):
    for text in ("hello", "A" * 192, "Z" * 300):
        answer = client.get(f"/verify/{text}?lang=en")
        assert answer.status_code == 404, text
        assert "This is not a genuine certificate" in text_of(answer.text)


def certificate_id_of(database, code: str) -> uuid.UUID:
    with database.transaction() as session:
        return session.scalar(select(certificates.c.id).where(certificates.c.code == code))


def test_a_revoked_certificate_says_when_and_why(app, client, database, amina):
    code = code_of(database, amina)
    revoke_by_organiser(app, certificate_id_of(database, code), "Issued in error")
    answer = client.get(f"/verify/{code}?lang=en")
    words = text_of(answer.text)
    assert answer.status_code == 200
    assert "⚠ This certificate was revoked" in words
    assert f"Revoked on {issued_today_in_paris('en')}" in words
    assert "The organiser's reason: Issued in error" in words
    assert "Genuine certificate" not in words
    assert 'class="verdict verdict-revoked"' in answer.text


def test_a_revoked_certificate_in_arabic(app, client, database, amina):
    code = code_of(database, amina)
    revoke_by_organiser(app, certificate_id_of(database, code))
    answer = client.get(f"/verify/{code}?lang=ar")
    assert answer.status_code == 200
    assert '<html lang="ar" dir="rtl">' in answer.text
    assert "أُلغيت هذه الشهادة" in text_of(answer.text)


def test_a_corrected_name_says_a_corrected_certificate_replaced_it(
    client, database, feed, amina, ceremony_id
):
    old = code_of(database, amina)
    feed.deliver(
        registration_envelope(
            "registration.updated",
            amina,
            ceremony_id,
            full_name="Amina Diallo-Sow",
            category="participant",
            status="confirmed",
            changed=["full_name"],
        )
    )
    answer = client.get(f"/verify/{old}?lang=en")
    assert "a corrected certificate replaced this one" in text_of(answer.text)
    fresh = client.get(f"/verify/{code_of(database, amina)}?lang=en")
    assert "Issued to Amina Diallo-Sow" in text_of(fresh.text)


def test_an_erased_holder_is_no_longer_named_but_the_digest_still_checks_the_paper(
    client, database, feed, amina, ceremony_id
):
    code = code_of(database, amina)
    feed.deliver(
        make_envelope(
            "registration.erased",
            {
                "registration_id": amina,
                "ceremony_id": ceremony_id,
                "email_digest": hashlib.sha256(b"amina@example.org").hexdigest(),
            },
            "registration",
        )
    )
    answer = client.get(f"/verify/{code}?lang=en")
    words = text_of(answer.text)
    assert answer.status_code == 200
    assert "The holder's name is no longer kept" in words
    assert "Amina" not in words
    assert name_digest("Amina Diallo")[:18].hex() in words


def test_without_a_code_the_page_asks_for_one(client):
    answer = client.get("/verify?lang=en")
    words = text_of(answer.text)
    assert answer.status_code == 200
    assert "Check a certificate" in words
    assert '<form class="verify-form" method="get" action="/verify">' in answer.text
    assert '<meta name="robots" content="noindex">' in answer.text


def test_the_form_sends_to_the_codes_page_spaces_and_line_breaks_removed(client, database, amina):
    code = code_of(database, amina)
    pasted = f"  {code[:96]}\n{code[96:].lower()} "
    answer = client.get("/verify", query_string={"code": pasted, "lang": "fr"})
    assert answer.status_code == 303
    assert answer.headers["Location"] == f"/verify/{code}?lang=fr"
    assert client.get(answer.headers["Location"]).status_code == 200


def test_the_page_needs_no_sign_in_and_its_stylesheet_is_served(client, database, amina):
    answer = client.get(f"/verify/{code_of(database, amina)}", headers=bearer("not-a-token"))
    assert answer.status_code == 200
    with client.get("/verify/assets/verify.css") as stylesheet:
        assert (stylesheet.status_code, stylesheet.mimetype) == (200, "text/css")
