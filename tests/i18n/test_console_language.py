"""A console page in the language asked for with ``?lang=`` or by the browser, written right
to left in Arabic, with a menu of the console's languages; a language the console does not
have falls back to English."""

from __future__ import annotations

import pytest

from shared.console.languages import CONSOLE_LANGUAGES, LANGUAGE_COOKIE, LANGUAGE_NAMES
from tests.console.harness import ConsoleWorld, text_of


@pytest.fixture(scope="module")
def world(tmp_path_factory):
    world = ConsoleWorld(tmp_path_factory.mktemp("i18n"))
    yield world
    world.close()


def dashboard(world, query: str = "", **headers):
    response = world.browser("registration").get(
        f"/console/ceremonies/{world.ceremony_id}{query}", headers=headers
    )
    assert response.status_code == 200
    return response.text


def test_lang_in_the_address_gives_the_page_in_that_language(world):
    page = dashboard(world, "?lang=fr")

    assert '<html lang="fr" dir="ltr">' in page
    assert "Console de la cérémonie" in text_of(page)
    assert "Vue d’ensemble" in text_of(page) and "Overview" not in text_of(page)


def test_the_browsers_language_gives_arabic_right_to_left(world):
    page = dashboard(world, **{"Accept-Language": "ar-EG,ar;q=0.9,en;q=0.5"})

    assert '<html lang="ar" dir="rtl">' in page
    assert "وحدة التحكم في الحفل" in text_of(page)


def test_lang_in_the_address_wins_over_the_browsers_language(world):
    page = dashboard(world, "?lang=ru", **{"Accept-Language": "zh-CN"})

    assert '<html lang="ru" dir="ltr">' in page
    assert "Консоль церемонии" in text_of(page)


def test_a_regional_browser_language_finds_its_catalog(world):
    page = dashboard(world, **{"Accept-Language": "zh-CN,zh;q=0.9"})

    assert '<html lang="zh" dir="ltr">' in page and "仪式控制台" in text_of(page)


@pytest.mark.parametrize(
    "query, headers",
    [("?lang=xx", {}), ("", {"Accept-Language": "de-DE,de;q=0.9"}), ("?lang=de", {})],
    ids=["unknown lang", "browser in German", "lang without a catalog"],
)
def test_a_language_the_console_lacks_falls_back_to_english(world, query, headers):
    page = dashboard(world, query, **headers)

    assert '<html lang="en" dir="ltr">' in page
    assert "Ceremony console" in text_of(page) and "Overview" in text_of(page)


def test_the_language_menu_names_each_language_in_itself_and_keeps_the_address(world):
    page = dashboard(world, "?lang=es")

    for code in CONSOLE_LANGUAGES:
        assert f'lang="{code}" hreflang="{code}"' in page
        assert LANGUAGE_NAMES[code] in page
    assert f'href="/console/ceremonies/{world.ceremony_id}?lang=ar"' in page
    assert 'hreflang="es" aria-current="true"' in page


def test_plural_forms_follow_the_language(world):
    page = world.browser("registration").get(
        f"/console/ceremonies/{world.ceremony_id}/guests?lang=ru"
    )

    assert page.status_code == 200
    assert "0 результатов" in text_of(page.text)


def test_a_language_chosen_in_the_menu_is_kept_on_the_next_pages(world):
    browser = world.browser("registration")
    browser.get(f"/console/ceremonies/{world.ceremony_id}?lang=ar")

    page = browser.get(f"/console/ceremonies/{world.ceremony_id}/guests").text
    again = browser.get(f"/console/ceremonies/{world.ceremony_id}?lang=en").text

    assert '<html lang="ar" dir="rtl">' in page
    assert '<html lang="en" dir="ltr">' in again


def test_the_other_services_pages_follow_the_same_choice(world):
    browser = world.browser("badges")
    browser.set_cookie(LANGUAGE_COOKIE, "zh")

    page = browser.get(f"/console/badges/{world.ceremony_id}").text

    assert '<html lang="zh" dir="ltr">' in page and "胸卡" in text_of(page)


def test_an_unknown_remembered_language_is_ignored(world):
    browser = world.browser("registration")
    browser.set_cookie(LANGUAGE_COOKIE, "xx")

    page = browser.get(f"/console/ceremonies/{world.ceremony_id}").text

    assert '<html lang="en" dir="ltr">' in page


def test_only_console_pages_remember_the_language(world):
    browser = world.browser("registration")

    sign_in = browser.get("/sign-in?lang=fr")
    console = browser.get(f"/console/ceremonies/{world.ceremony_id}?lang=fr")

    assert LANGUAGE_COOKIE not in sign_in.headers.get("Set-Cookie", "")
    assert f"{LANGUAGE_COOKIE}=fr;" in console.headers["Set-Cookie"]
    assert "Path=/console" in console.headers["Set-Cookie"]
