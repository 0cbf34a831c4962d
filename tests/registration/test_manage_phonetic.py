"""A graduate's own page: how their name sounds (saved for the roll and the name-reader cards,
errors beside the field keeping what was typed), and the link to their certificate once the
badges service has issued it."""

from __future__ import annotations

import html
import re
import uuid
from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit

import pytest

from services.registration.graduation import graduation_of, roll
from services.registration.models import GraduateCertificate
from tests.registration.conftest import register


@pytest.fixture
def database(app):
    return app.extensions["ceremony"].database


def manage_path(response) -> str:
    return urlsplit(response.json["manage_url"]).path


@pytest.fixture
def graduate(client, ceremony):
    created = register(
        client,
        ceremony["id"],
        "amina@example.org",
        full_name="Amina Diallo",
        category="participant",
    )
    assert created.status_code == 201, created.json
    return {"id": created.json["id"], "path": manage_path(created)}


def say(client, graduate: dict, phonetic: str, lang: str = "en"):
    return client.post(graduate["path"] + "/phonetic", data={"phonetic": phonetic, "lang": lang})


def test_a_participants_page_asks_how_their_name_sounds(client, graduate):
    page = client.get(graduate["path"]).get_data(as_text=True)

    assert 'id="phonetic"' in page
    assert '<label for="phonetic-field">How your name sounds</label>' in page
    assert 'id="phonetic-hint">e.g. ah-MEE-nah dee-AH-loh<' in page


def test_the_phonetic_spelling_is_saved_and_reaches_the_roll(client, database, graduate, ceremony):
    answer = say(client, graduate, "  ah-MEE-nah dee-AH-loh ")

    assert answer.status_code == 303
    assert answer.headers["Location"].endswith("#phonetic")
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert 'value="ah-MEE-nah dee-AH-loh"' in page
    assert "Saved: the master of ceremonies will read your name this way." in page
    with database.transaction() as session:
        (entry,) = roll(session, uuid.UUID(ceremony["id"]))
    assert entry["phonetic"] == "ah-MEE-nah dee-AH-loh"


def test_an_empty_field_clears_it(client, database, graduate):
    say(client, graduate, "ah-MEE-nah")

    assert say(client, graduate, "   ").status_code == 303

    with database.transaction() as session:
        assert graduation_of(session, uuid.UUID(graduate["id"]))["phonetic"] is None


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("x" * 201, "This is too long."),
        ("ah-MEE-nah\ndee-AH-loh", "Remove the line breaks and invisible characters."),
        ("ah-MEE-nah \u202edee", "Remove the line breaks and invisible characters."),
    ],
    ids=["too-long", "two-lines", "bidi-override"],
)
def test_a_bad_spelling_is_refused_beside_the_field_keeping_what_was_typed(
    client, database, graduate, typed, message
):
    answer = say(client, graduate, typed)

    assert answer.status_code == 422
    page = answer.get_data(as_text=True)
    assert re.search(rf'id="phonetic-error">{re.escape(message)}<', page)
    assert 'aria-invalid="true"' in page
    shown = re.search(
        r'id="phonetic-field" name="phonetic" type="text" value="([^"]*)"', page, re.S
    )
    assert shown and html.unescape(shown.group(1)) == typed  # what was typed stays
    with database.transaction() as session:
        assert graduation_of(session, uuid.UUID(graduate["id"])) is None


def test_the_refusal_is_in_the_pages_language(client, graduate):
    answer = say(client, graduate, "x" * 201, lang="fr")

    assert answer.status_code == 422
    assert 'id="phonetic-error">Ce texte est trop long.<' in answer.get_data(as_text=True)


def test_a_guest_who_is_not_a_participant_is_not_asked_and_cannot_post_it(client, ceremony):
    created = register(client, ceremony["id"], "press@example.org", category="press")
    path = manage_path(created)

    assert 'id="phonetic"' not in client.get(path).get_data(as_text=True)
    assert client.post(path + "/phonetic", data={"phonetic": "x"}).status_code == 404


def test_a_forged_link_cannot_save_a_spelling(client):
    assert client.post("/manage/forged/phonetic", data={"phonetic": "x"}).status_code == 404


def test_the_french_page_asks_in_french(client, graduate):
    page = client.get(graduate["path"] + "?lang=fr").get_data(as_text=True)

    assert "Prononciation de votre nom" in page


def issue(database, graduate: dict, ceremony: dict, status: str) -> None:
    with database.transaction() as session:
        session.add(
            GraduateCertificate(
                certificate_id=uuid.uuid4(),
                ceremony_id=uuid.UUID(ceremony["id"]),
                registration_id=uuid.UUID(graduate["id"]),
                kind="completion",
                result="completed",
                status=status,
                issued_at=datetime.now(UTC),
            )
        )


def test_an_issued_certificate_is_linked_with_the_guests_own_capability(
    client, database, graduate, ceremony, settings
):
    assert "data-certificate" not in client.get(graduate["path"]).get_data(as_text=True)
    issue(database, graduate, ceremony, "issued")

    page = client.get(graduate["path"]).get_data(as_text=True)

    link = re.search(r'<a href="([^"]+)" data-certificate>Download your certificate \(PDF\)', page)
    assert link
    address = urlsplit(link.group(1).replace("&amp;", "&"))
    badges = urlsplit(settings.public_urls["badges"])
    assert (address.scheme, address.netloc) == (badges.scheme, badges.netloc)
    assert address.path == f"/api/registrations/{graduate['id']}/certificate.pdf"
    assert parse_qs(address.query)["capability"] == [graduate["path"].rsplit("/", 1)[1]]


def test_a_revoked_certificate_is_not_offered(client, database, graduate, ceremony):
    issue(database, graduate, ceremony, "revoked")

    assert "data-certificate" not in client.get(graduate["path"]).get_data(as_text=True)


def test_the_graduates_data_download_holds_their_pronunciation(client, graduate):
    assert client.get(graduate["path"] + "/data.json").json["graduation"] is None
    say(client, graduate, "ah-MEE-nah dee-AH-loh")

    kept = client.get(graduate["path"] + "/data.json").json["graduation"]
    assert kept == {
        "result": None,
        "group": None,
        "phonetic": "ah-MEE-nah dee-AH-loh",
        "appreciation": False,
        "certificates": [],
    }


def test_the_data_download_lists_the_graduates_certificates(client, database, graduate, ceremony):
    issue(database, graduate, ceremony, "issued")

    (certificate,) = client.get(graduate["path"] + "/data.json").json["graduation"]["certificates"]
    assert (certificate["kind"], certificate["result"], certificate["status"]) == (
        "completion",
        "completed",
        "issued",
    )
    assert certificate["issued_at"] and certificate["revoked_at"] is None
