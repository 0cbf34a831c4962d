"""Which language a guest page is shown in, and the notice when it is not the one asked for.

The page's language is the first of: the link's ``?lang=``, the person's own language (of
the registration, invitation or request), the browser's Accept-Language, the ceremony's
default language, English — each kept only when the ceremony offers it and the pages have
its words. When the language asked for (the first of the link, the person's and the
browser's that is given) is not the one shown, the page says so at the top, in the language
shown, naming both languages by their names in that language from the locale data.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from babel import Locale, UnknownLocaleError
from flask import request
from markupsafe import Markup, escape

from .translations import PAGE_LANGUAGES, strings_for


@dataclass(frozen=True)
class PageLanguage:
    """The language a page is shown in, and the one that was asked for (``None``: none was)."""

    shown: str
    asked: str | None = None

    @property
    def fell_back(self) -> bool:
        """The language asked for is not the one shown."""
        return self.asked is not None and _primary(self.asked) != _primary(self.shown)

    def notice(self, key: str = "not_offered_page") -> str:
        """The words that say the page is not in the language asked for, or ``""``."""
        if not self.fell_back:
            return ""
        return strings_for(self.shown)[key].format(
            asked=language_name(self.asked, self.shown), shown=language_name(self.shown, self.shown)
        )


def choose_language(
    *,
    own: str | None = None,
    offered: Iterable[str] | None = None,
    default: str | None = None,
) -> PageLanguage:
    """The language of a page of this request: see the module's docstring. ``offered``:
    the ceremony's languages (every language of the pages when there is no ceremony)."""
    choices = [tag for tag in (offered or PAGE_LANGUAGES) if has_words(tag)]
    choices = choices or ["en"]
    link = (request.values.get("lang") or "").strip() or None
    browser = [tag for tag, _ in request.accept_languages if tag != "*"]
    asked = link or own or (browser[0] if browser else None)
    for candidate in (link, own, *browser, default, "en"):
        shown = _offered(candidate, choices)
        if shown:
            return PageLanguage(shown, asked)
    return PageLanguage(choices[0], asked)


def has_words(tag: str) -> bool:
    """The pages have words in ``tag``'s language."""
    return _primary(tag) in PAGE_LANGUAGES


def language_name(tag: str, in_language: str) -> str:
    """The name of ``tag``'s language in ``in_language`` from the locale data ("allemand"),
    else the tag itself (cut short: it may come from a link)."""
    try:
        locale = Locale.parse(in_language.replace("-", "_"))
    except (ValueError, TypeError, UnknownLocaleError):
        locale = Locale("en")
    return locale.languages.get(_primary(tag), tag[:35])


def text_direction(tag: str | None) -> str:
    """``"rtl"`` for a language written right to left (Arabic), else ``"ltr"``."""
    try:
        return Locale.parse((tag or "en").replace("-", "_")).text_direction
    except (ValueError, TypeError, UnknownLocaleError):
        return "ltr"


def isolate(text: str, **values) -> Markup:
    """``text`` with its placeholders filled, each value in ``<bdi>``: a Latin name or an
    address keeps its own direction inside Arabic words, and the words keep theirs."""
    return escape(text).format(
        **{name: Markup("<bdi>%s</bdi>") % value for name, value in values.items()}
    )


def _offered(tag: str | None, choices: list[str]) -> str | None:
    """The offered tag that ``tag`` asks for: the same tag, else one of its base language."""
    if not tag:
        return None
    by_tag = {choice.lower(): choice for choice in choices}
    if tag.lower() in by_tag:
        return by_tag[tag.lower()]
    return next((choice for choice in choices if _primary(choice) == _primary(tag)), None)


def _primary(tag: str) -> str:
    return tag.replace("_", "-").split("-")[0].lower()
