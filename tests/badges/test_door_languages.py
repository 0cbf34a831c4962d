"""The door page in the console's languages: its template's words and the words it hands its
scripts (the ``door-words`` data island), right to left in Arabic, English when the language
asked for has no catalog; the choice is remembered for the door's later visits."""

from __future__ import annotations

import json
import re

import pytest

from services.badges.door.page import ASSETS
from shared.console.languages import LANGUAGE_COOKIE

#: A script's call of ``t("…")``, whose English is looked up in the data island.
SCRIPT_CALL = re.compile(r'\bt\(\s*"((?:[^"\\]|\\.)*)"')


def page_words(page: str) -> dict[str, str]:
    found = re.search(r'<script type="application/json" id="door-words">(.*?)</script>', page, re.S)
    return json.loads(found.group(1))


def scan_page(client, query: str = "", **headers) -> str:
    response = client.get(f"/scan{query}", headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_lang_in_the_address_gives_the_page_and_its_scripts_words_in_french(client):
    page = scan_page(client, "?lang=fr")

    assert '<html lang="fr" dir="ltr">' in page
    assert "Contrôle à l’entrée" in page and "Jeton du personnel" in page
    assert "Staff token" not in page
    words = page_words(page)
    assert words["Admitted"] == "Entrée autorisée"
    assert words["Already inside"] == "Déjà entré"


def test_the_browsers_arabic_gives_the_page_right_to_left(client):
    page = scan_page(client, **{"Accept-Language": "ar-EG,ar;q=0.9,en;q=0.5"})

    assert '<html lang="ar" dir="rtl">' in page
    assert page_words(page)["Admitted"] == "مسموح بالدخول"


@pytest.mark.parametrize(
    "query, headers",
    [("?lang=xx", {}), ("", {"Accept-Language": "de-DE,de;q=0.9"}), ("", {})],
    ids=["unknown lang", "browser in German", "no language asked"],
)
def test_a_language_without_a_catalog_gives_english(client, query, headers):
    page = scan_page(client, query, **headers)

    assert '<html lang="en" dir="ltr">' in page
    assert "Staff token" in page
    assert all(english == word for english, word in page_words(page).items())


def test_the_language_asked_for_is_remembered_for_the_door_alone(client):
    response = client.get("/scan?lang=zh")

    cookie = client.get_cookie(LANGUAGE_COOKIE, path="/scan")
    assert cookie is not None and cookie.value == "zh"
    response.close()
    assert '<html lang="zh" dir="ltr">' in scan_page(client)
    assert client.get_cookie(LANGUAGE_COOKIE, path="/console") is None


def test_the_language_menu_links_to_the_door_in_each_language(client):
    page = scan_page(client, "?lang=ru")

    assert 'href="/scan?lang=ar" lang="ar" hreflang="ar"' in page
    assert 'href="/scan?lang=ru" lang="ru" hreflang="ru" aria-current="true"' in page


def test_the_island_has_exactly_the_words_the_scripts_look_up(client):
    used = set()
    for script in sorted(ASSETS.glob("*.js")):
        used |= set(SCRIPT_CALL.findall(script.read_text(encoding="utf-8")))

    listed = set(page_words(scan_page(client, "?lang=en")))

    assert used - listed == set(), "words the scripts show that words.py does not translate"
    assert listed - used == set(), "words in words.py that no script shows"


@pytest.mark.parametrize("language", ["en", "fr", "es", "ru", "zh", "ar"])
def test_each_word_keeps_the_places_the_scripts_fill_in(client, language):
    placeholder = re.compile(r"%\(\w+\)s")

    words = page_words(scan_page(client, f"?lang={language}"))

    for english, translated in words.items():
        # A time, gate or seat number the translation dropped would vanish from the verdict.
        assert sorted(placeholder.findall(translated)) == sorted(placeholder.findall(english)), (
            english
        )
