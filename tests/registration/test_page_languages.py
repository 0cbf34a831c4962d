"""The guest pages in the six official languages: every word in each, Arabic right to left,
the page's language chosen from the link, the person's, the browser's and the ceremony's, and
a notice when the language asked for is not the one shown."""

from __future__ import annotations

import re
from string import Formatter

import pytest

from services.registration.web import account_words, enrol_pages, manage_words, rsvp, sso
from services.registration.web.translations import LANGUAGE_NAMES, PAGE_LANGUAGES, STRINGS
from tests.registration.conftest import ceremony_body, register
from tests.registration.test_devices import enrol, path_of
from tests.registration.test_invitations import rsvp_path
from tests.registration.test_registration_modes import confirm_path, events

SIX = ["en", "fr", "zh", "ar", "ru", "es"]
#: Every dict of page words, by language.
WORD_TABLES = {
    "guest pages": STRINGS,
    "account pages": account_words.WORDS,
    "single sign-on pages": sso.WORDS,
    "device enrolment pages": enrol_pages.WORDS,
    "graduate's own page": manage_words.WORDS,
}
NOTICE = re.compile(r"data-language-notice>([^<]*)<")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in Formatter().parse(text) if name}


@pytest.mark.parametrize("table", WORD_TABLES)
def test_every_language_has_every_word_with_its_placeholders(table):
    words = WORD_TABLES[table]
    assert sorted(words) == sorted(SIX)
    for lang in SIX:
        assert set(words[lang]) == set(words["en"]), (table, lang)
        for key, english in words["en"].items():
            assert placeholders(words[lang][key]) == placeholders(english), (table, lang, key)
            assert words[lang][key].strip(), (table, lang, key)


def test_each_language_is_named_in_itself_and_has_its_withdrawal_words():
    assert PAGE_LANGUAGES == SIX
    assert LANGUAGE_NAMES == {
        "en": "English",
        "fr": "Français",
        "zh": "中文",
        "ar": "العربية",
        "ru": "Русский",
        "es": "Español",
    }
    assert sorted(rsvp.WITHDRAWN) == sorted(SIX)


@pytest.fixture
def six(client, organiser_headers) -> dict:
    """A ceremony offered in the six languages."""
    body = ceremony_body(languages=SIX, capacity=20)
    response = client.post("/api/ceremonies", json=body, headers=organiser_headers)
    assert response.status_code == 201, response.json
    return response.json


def invitation(app, client, ceremony, headers, language: str) -> str:
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={
            "invitees": [
                {"full_name": "Amina Diallo", "email": "a@example.org", "language": language}
            ]
        },
        headers=headers,
    )
    assert answer.status_code == 201, answer.json
    return rsvp_path(app, answer.json[0]["id"])


def rtl(html: str) -> bool:
    return '<html lang="ar" dir="rtl">' in html


def test_every_guest_page_in_arabic_reads_right_to_left(app, client, six, organiser_headers):
    form = client.get(f"/ceremonies/{six['id']}/register?lang=ar")
    created = client.post(
        f"/ceremonies/{six['id']}/register?lang=ar",
        data={"full_name": "Amina Diallo", "email": "amina@example.org", "lang": "ar"},
    )
    manage = client.get(created.headers["Location"])
    invited = client.get(invitation(app, client, six, organiser_headers, "ar"))
    pages = {
        "form": form,
        "manage": manage,
        "rsvp": invited,
        "message": client.get("/manage/forged?lang=ar"),
        "sign-in": client.get("/sign-in?lang=ar"),
        "forgot": client.get("/account/forgot?lang=ar"),
    }
    for name, page in pages.items():
        html = page.get_data(as_text=True)
        assert rtl(html), name
        assert "data-language-notice" not in html, name
    assert STRINGS["ar"]["register_title"] in form.get_data(as_text=True)
    # An address is typed left to right in an Arabic form too.
    assert re.search(r'<input id="email"[^>]*dir="ltr"', form.get_data(as_text=True))
    assert STRINGS["ar"]["invited_to"] in invited.get_data(as_text=True)


def test_the_device_enrolment_pages_in_arabic_read_right_to_left(client, six, organiser_headers):
    device = enrol(client, six["id"], organiser_headers, name="Steward's phone").json
    page = client.get(path_of(device["enrol_url"]) + "?lang=ar").get_data(as_text=True)
    assert rtl(page) and enrol_pages.WORDS["ar"]["enrol_title"] in page
    assert "<bdi>North</bdi>" in page  # a gate named in Latin letters keeps its order
    refused = client.get("/enrol/forged?lang=ar").get_data(as_text=True)
    assert rtl(refused) and enrol_pages.WORDS["ar"]["enrol_again"] in refused


def test_the_confirmation_page_in_arabic_reads_right_to_left(app, client, organiser_headers):
    body = ceremony_body(languages=SIX, registration_mode="confirm_email")
    ceremony = client.post("/api/ceremonies", json=body, headers=organiser_headers).json
    register(client, ceremony["id"], "amina@example.org", language="ar")
    [asked] = events(app, "registration.requested")
    html = client.get(confirm_path(app, asked["request_id"])).get_data(as_text=True)
    assert rtl(html)
    assert "<bdi>amina@example.org</bdi>" in html  # an address keeps its order in Arabic


def test_an_invitation_in_a_language_not_offered_says_so_in_the_language_shown(
    app, client, ceremony, organiser_headers
):
    html = client.get(invitation(app, client, ceremony, organiser_headers, "de")).get_data(
        as_text=True
    )
    assert '<html lang="en">' in html
    assert NOTICE.findall(html) == [
        "This invitation is not available in German; it is shown in English."
    ]


def test_the_notice_is_in_the_language_shown(client, organiser_headers):
    body = ceremony_body(languages=["fr", "en"], default_language="fr")
    ceremony = client.post("/api/ceremonies", json=body, headers=organiser_headers).json
    html = client.get(f"/ceremonies/{ceremony['id']}/register?lang=de").get_data(as_text=True)
    assert '<html lang="fr">' in html
    assert NOTICE.findall(html) == [
        "Cette page n&#39;est pas disponible en allemand ; elle est présentée en français."
    ]


@pytest.mark.parametrize(
    ("query", "headers"),
    [({"lang": "de"}, {}), ({}, {"Accept-Language": "de"})],
    ids=["link", "browser"],
)
def test_a_form_asked_for_in_a_language_not_offered_says_so(client, ceremony, query, headers):
    page = client.get(f"/ceremonies/{ceremony['id']}/register", query_string=query, headers=headers)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="en">' in html
    assert NOTICE.findall(html) == ["This page is not available in German; it is shown in English."]


@pytest.mark.parametrize(
    ("query", "headers", "lang"),
    [
        ({"lang": "fr"}, {"Accept-Language": "de"}, "fr"),  # the link comes first
        ({}, {"Accept-Language": "de-CH, zh;q=0.8"}, "zh"),  # then the browser's, in order
        ({}, {"Accept-Language": "fr-CA"}, "fr"),  # a regional tag reads its base language
        ({}, {}, "en"),  # then the ceremony's default
    ],
)
def test_the_form_is_in_the_first_language_offered(client, ceremony, query, headers, lang):
    html = client.get(
        f"/ceremonies/{ceremony['id']}/register", query_string=query, headers=headers
    ).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    if lang == "zh":  # asked for German first: shown in Chinese, and said so in Chinese
        assert NOTICE.findall(html) == ["本页面未提供德语版本，现以中文呈现。"]
    else:
        assert "data-language-notice" not in html


def test_the_rsvp_page_takes_the_invitees_language_then_the_link(
    app, client, ceremony, organiser_headers
):
    path = invitation(app, client, ceremony, organiser_headers, "zh")
    assert '<html lang="zh">' in client.get(path).get_data(as_text=True)
    assert '<html lang="fr">' in client.get(path + "?lang=fr").get_data(as_text=True)
    # The invitee's own language wins over the browser's.
    own = client.get(path, headers={"Accept-Language": "fr"}).get_data(as_text=True)
    assert '<html lang="zh">' in own and "data-language-notice" not in own


def test_the_french_rsvp_page_shows_the_ceremony_in_french(app, client, organiser_headers):
    body = ceremony_body(
        programme=[{"title": "Welcome address"}, {"title": "Award of certificates"}],
        translations={
            "fr": {
                "title": "Cérémonie de clôture",
                "venue_name": "Grande salle",
                "venue_address": "1, avenue de la Paix",
                "programme": ["Allocution de bienvenue", "Remise des certificats"],
            }
        },
    )
    ceremony = client.post("/api/ceremonies", json=body, headers=organiser_headers).json
    path = invitation(app, client, ceremony, organiser_headers, "fr")
    html = client.get(path).get_data(as_text=True)
    for french in ("Cérémonie de clôture", "Grande salle", "1, avenue de la Paix"):
        assert french in html
    assert "Allocution de bienvenue" in html and "Remise des certificats" in html
    assert "Closing Ceremony" not in html and "Welcome address" not in html
    assert "data-language-notice" not in html


def test_the_rsvp_page_shows_the_invitations_details_in_its_language(
    app, client, ceremony, organiser_headers
):
    day = ceremony["starts_at"][:10]
    answer = client.post(
        f"/api/ceremonies/{ceremony['id']}/invitations",
        json={
            "invitees": [
                {
                    "full_name": "Amina Diallo",
                    "email": "a@example.org",
                    "language": "fr",
                    "host": "The Secretary General",
                    "reply_by": day,
                    "dress_code": "Black tie",
                    "arrival_instructions": "Gate 3",
                }
            ]
        },
        headers=organiser_headers,
    )
    html = client.get(rsvp_path(app, answer.json[0]["id"])).get_data(as_text=True)
    for shown in ("The Secretary General", "Black tie", "Gate 3", STRINGS["fr"]["reply_by"]):
        assert shown in html
    year, month, date = (int(part) for part in day.split("-"))
    months = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août"]
    months += ["septembre", "octobre", "novembre", "décembre"]
    assert f"{date} {months[month - 1]} {year}" in html


@pytest.mark.parametrize(
    ("lang", "fields", "field", "message"),
    [
        ("fr", {"email": "ada@"}, "email", "Saisissez une adresse électronique telle que"),
        ("fr", {"full_name": "1234"}, "full_name", "Un nom doit comporter au moins une lettre."),
        ("zh", {"email": "ada@"}, "email", "请输入有效的电子邮件地址"),
        ("ar", {"full_name": "Ada\u202e"}, "full_name", "يُرجى حذف فواصل الأسطر"),
        ("es", {"email": ""}, "email", "Este campo es obligatorio."),
        ("ru", {"organisation": "x" * 300}, "organisation", "Текст слишком длинный."),
        ("en", {"email": "ada@"}, "email", "Enter an email address such as name@example.org."),
    ],
)
def test_a_form_error_says_what_is_wrong_in_the_pages_language(
    client, six, lang, fields, field, message
):
    form = {"full_name": "Ada Guest", "email": "ada@example.org", "category": "guest", **fields}
    page = client.post(f"/ceremonies/{six['id']}/register?lang={lang}", data=form)

    assert page.status_code == 422
    html = page.get_data(as_text=True)
    beside = re.search(rf'id="{field}-error"[^>]*>([^<]*)<', html)
    assert beside and message in beside.group(1), html
