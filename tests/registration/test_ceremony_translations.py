"""A ceremony's words in more languages: given through the API, published with the ceremony,
shown on the guest pages in the page's language, and refused by field when bad."""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from services.registration.models import outbox
from tests.registration.conftest import ceremony_body
from tests.registration.test_invitations import rsvp_path

PROGRAMME = [{"title": "Welcome address"}, {"title": "Award of certificates"}]
TRANSLATIONS = {
    "fr": {
        "title": "Cérémonie de clôture",
        "venue_name": "Grande salle",
        "programme": ["Allocution de bienvenue", "Remise des certificats"],
    },
    "zh": {"title": "结业典礼", "programme": [None, "颁发证书"]},
}


def created(client, organiser_headers, **overrides):
    return client.post(
        "/api/ceremonies",
        json=ceremony_body(**{"programme": PROGRAMME, "translations": TRANSLATIONS, **overrides}),
        headers=organiser_headers,
    )


def published(app, event_type: str) -> list[dict]:
    with app.extensions["ceremony"].database.transaction() as session:
        rows = session.execute(select(outbox.c.body).where(outbox.c.event_type == event_type))
        return [json.loads(row.body)["data"] for row in rows]


def test_the_words_are_kept_shown_and_published(app, client, organiser_headers):
    answer = created(client, organiser_headers)

    assert answer.status_code == 201, answer.json
    assert answer.json["translations"]["fr"]["title"] == "Cérémonie de clôture"
    assert "venue_address" not in answer.json["translations"]["fr"]  # not given: not kept
    (event,) = published(app, "ceremony.created")
    assert event["translations"] == answer.json["translations"]


def test_a_change_of_the_words_is_published_as_a_ceremony_update(app, client, organiser_headers):
    ceremony = created(client, organiser_headers).json
    answer = client.patch(
        f"/api/ceremonies/{ceremony['id']}",
        json={"translations": {"es": {"title": "Ceremonia de clausura"}}},
        headers=organiser_headers,
    )

    assert answer.status_code == 200
    (event,) = published(app, "ceremony.updated")
    assert event["translations"] == {"es": {"title": "Ceremonia de clausura"}}


@pytest.mark.parametrize(
    ("lang", "shown", "absent"),
    [
        ("fr", ["Cérémonie de clôture", "Grande salle"], "Closing Ceremony"),
        ("zh", ["结业典礼", "Grand Hall"], "Closing Ceremony"),
        ("en", ["Closing Ceremony", "Grand Hall"], "Cérémonie"),
    ],
)
def test_the_registration_page_shows_the_words_of_its_language(
    client, organiser_headers, lang, shown, absent
):
    ceremony = created(client, organiser_headers).json
    page = client.get(f"/ceremonies/{ceremony['id']}/register", query_string={"lang": lang})

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert all(word in text for word in shown) and absent not in text


@pytest.mark.parametrize(
    ("translations", "where"),
    [
        ({"xx": {"title": "?"}}, "translations"),
        ({"not a tag": {"title": "?"}}, "translations"),
        ({"fr": {"title": "Titre\u202e"}}, "translations"),
        ({"fr": {"title": "x" * 201}}, "translations"),
        ({"fr": {"colour": "bleu"}}, "translations"),
        ({"fr": "Cérémonie"}, "translations"),
        ({"fr": {"programme": ["Un", "Deux", "Trois"]}}, "translations"),
    ],
    ids=[
        "unknown-language",
        "not-a-tag",
        "bidi",
        "too-long",
        "unknown-word",
        "not-an-object",
        "programme-longer",
    ],
)
def test_bad_words_are_refused_naming_translations(
    app, client, organiser_headers, translations, where
):
    answer = created(client, organiser_headers, translations=translations)

    assert answer.status_code == 422, answer.json
    assert where in json.dumps(answer.json["errors"])
    assert published(app, "ceremony.created") == []


@pytest.mark.parametrize("language", ["xx", "qq-ZZ", "klingon"])
def test_a_language_the_locale_data_does_not_know_is_refused(client, ceremony, language):
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Ada Guest", "email": "a@example.org", "language": language},
    )

    assert answer.status_code == 422
    assert "language" in answer.json["errors"]["json"]


def test_a_known_language_without_pages_is_accepted(client, ceremony):
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Ada Guest", "email": "a@example.org", "language": "de"},
    )

    assert (answer.status_code, answer.json["language"]) == (201, "de")


def test_a_guests_own_page_shows_the_words_of_their_language(client, organiser_headers):
    ceremony = created(client, organiser_headers, registration_mode="open").json
    guest = client.post(
        f"/api/ceremonies/{ceremony['id']}/registrations",
        json={"full_name": "Élise Fernández", "email": "e@example.org", "language": "fr"},
    ).json

    page = client.get(urlsplit(guest["manage_url"]).path)

    text = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Cérémonie de clôture" in text and "Grande salle" in text


INVITEE = {
    "full_name": "Amina Diallo",
    "email": "amina@example.sn",
    "language": "fr",
    "host": "The Director General of the Institute",
    "dress_code": "Lounge suit",
    "translations": {
        "fr": {"host": "Le Directeur général de l'Institut", "dress_code": "Tenue de ville"},
    },
}


def test_an_invitations_words_per_language_are_kept_published_and_shown(
    app, client, organiser_headers
):
    ceremony = created(client, organiser_headers).json
    (invitation,) = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [INVITEE]},
        headers=organiser_headers,
    ).json

    assert invitation["translations"] == INVITEE["translations"]
    (event,) = published(app, "invitation.created")
    assert event["translations"] == INVITEE["translations"]
    path = rsvp_path(app, invitation["id"])
    page = client.get(path).get_data(as_text=True)
    assert "Le Directeur général de l&#39;Institut" in page and "Tenue de ville" in page
    english = client.get(path, query_string={"lang": "en"}).get_data(as_text=True)
    assert "The Director General of the Institute" in english and "Lounge suit" in english


@pytest.mark.parametrize(
    "translations",
    [{"xx": {"host": "?"}}, {"fr": {"colour": "bleu"}}, {"fr": {"host": "Hôte\u202e"}}],
    ids=["unknown-language", "unknown-word", "bidi"],
)
def test_bad_invitation_words_are_refused_naming_translations(
    app, client, organiser_headers, translations
):
    ceremony = created(client, organiser_headers).json
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{**INVITEE, "translations": translations}]},
        headers=organiser_headers,
    )

    assert answer.status_code == 422
    assert "translations" in json.dumps(answer.json["errors"])
    assert published(app, "invitation.created") == []


def test_the_note_on_replies_is_published_and_shown_in_the_invitations_language(
    app, client, organiser_headers
):
    ceremony = created(
        client,
        organiser_headers,
        reply_note="Kindly reply to the Protocol Office by telephone.",
        translations={"fr": {"reply_note": "Merci de répondre au Service du protocole."}},
    ).json
    (invitation,) = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={"invitees": [{"full_name": "Ada Guest", "email": "a@example.org", "language": "fr"}]},
        headers=organiser_headers,
    ).json

    (event,) = published(app, "ceremony.created")
    assert event["reply_note"] == "Kindly reply to the Protocol Office by telephone."
    path = rsvp_path(app, invitation["id"])
    assert "Merci de répondre au Service du protocole." in client.get(path).get_data(as_text=True)
    english = client.get(path, query_string={"lang": "en"}).get_data(as_text=True)
    assert "Kindly reply to the Protocol Office by telephone." in english
