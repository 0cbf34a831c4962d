"""The console's language: which one a page is in, which way it is written, and the menu that
switches it. The strings themselves come from ``shared.console.catalogs``.

A page is in the language asked for with ``?lang=``, else the one last asked for (remembered in
a cookie, which the three services share as they share a hostname), else the first of the
browser's ``Accept-Language`` the console has a complete catalog of, else English (the source
language). Sessions carry no language of their account, so the account's is not consulted.
"""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Flask, Response, request
from flask_babel import get_locale

from .catalogs import ConsoleBabel

#: The languages the console is complete in: English, its source, and each catalog that
#: ``tests/i18n`` holds complete.
CONSOLE_LANGUAGES = ("en", "fr", "es", "zh", "ru", "ar")
#: Each language's name in that language, for the language menu.
LANGUAGE_NAMES = {
    "en": "English",
    "fr": "Français",
    "es": "Español",
    "zh": "中文",
    "ru": "Русский",
    "ar": "العربية",
}
RIGHT_TO_LEFT = frozenset({"ar"})
#: Remembers the language last chosen in the menu, so the next page keeps it; only console
#: pages (every service's prefix is under ``/console``) set or read it, so the sign-in and guest
#: pages keep their own choice of language. The door page keeps its own, of the same name,
#: under ``/scan``.
LANGUAGE_COOKIE = "console_language"
COOKIE_PATH = "/console"
_YEAR = 365 * 24 * 3600


def console_language() -> str:
    """The page's language: asked for with ``?lang=``, else the one chosen before, else the
    browser's, else English."""
    for asked in (request.args.get("lang"), request.cookies.get(LANGUAGE_COOKIE)):
        if asked in CONSOLE_LANGUAGES:
            return asked
    return request.accept_languages.best_match(CONSOLE_LANGUAGES) or "en"


def page_language() -> str:
    """The language the page is drawn in (its ``<html lang>``)."""
    locale = get_locale()
    return locale.language if locale else "en"


def language_links() -> list[dict]:
    """This page in each console language: its code, its own name, its URL and whether it is
    the page's."""
    current = page_language()
    links = []
    for code in CONSOLE_LANGUAGES:
        arguments = request.args.copy()
        arguments["lang"] = code
        links.append(
            {
                "code": code,
                "name": LANGUAGE_NAMES[code],
                "url": f"{request.path}?{urlencode(list(arguments.items(multi=True)))}",
                "current": code == current,
            }
        )
    return links


def remember_language(response: Response, path: str = COOKIE_PATH) -> Response:
    """Keep a language asked for with ``?lang=`` for the pages under ``path`` that follow."""
    asked = request.args.get("lang")
    if not request.path.startswith(path):
        return response
    if asked in CONSOLE_LANGUAGES and request.cookies.get(LANGUAGE_COOKIE) != asked:
        response.set_cookie(
            LANGUAGE_COOKIE,
            asked,
            max_age=_YEAR,
            path=path,
            secure=request.is_secure,
            httponly=True,
            samesite="Lax",
        )
    return response


def install_languages(app: Flask) -> None:
    """Flask-Babel with the console's catalogs and language choice; the page's language, its
    direction and the language menu in every template."""
    if "babel" not in app.extensions:
        ConsoleBabel(app, locale_selector=console_language)
    app.after_request(remember_language)

    @app.context_processor
    def language_context():
        language = page_language()
        return {
            "page_language": language,
            "page_direction": "rtl" if language in RIGHT_TO_LEFT else "ltr",
            "language_links": language_links,
        }
