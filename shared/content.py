"""A ceremony's own words (title, venue, address, programme) in the reader's language.

A ceremony is written in its default language and may carry ``translations``: per language
tag, any of its title, venue name, venue address and programme item titles
(``shared.contract.CeremonyWordsSchema``). A reader's language is looked up as given, then by
its base language ("fr-CA" → "fr"); a word missing there is the ceremony's own.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

_WORDS = ("title", "venue_name", "venue_address", "reply_note")


@dataclass(frozen=True)
class Words:
    """A ceremony's words as one reader reads them."""

    title: str
    venue_name: str
    venue_address: str | None
    #: What invitees are asked about their reply.
    reply_note: str | None = None
    #: The programme, each item with its title in the reader's language when there is one.
    programme: list[dict[str, Any]] = field(default_factory=list)
    #: The language the title is in: a translation's tag, or the ceremony's default language.
    language: str = "en"


def translation_for(translations: Mapping[str, Any] | None, language: str | None) -> tuple:
    """The translation for ``language`` and its tag, or ``({}, None)``."""
    if not translations or not language:
        return {}, None
    tag = language.strip().replace("_", "-")
    by_tag = {key.lower(): key for key in translations}
    for candidate in (tag.lower(), tag.split("-")[0].lower()):
        if candidate in by_tag:
            key = by_tag[candidate]
            return translations[key] or {}, key
    return {}, None


def ceremony_words(
    *,
    title: str,
    venue_name: str,
    venue_address: str | None,
    programme: list[dict[str, Any]] | None,
    default_language: str,
    translations: Mapping[str, Any] | None,
    language: str | None,
    reply_note: str | None = None,
) -> Words:
    """The ceremony's words in ``language``, each falling back to the ceremony's own."""
    own = {
        "title": title,
        "venue_name": venue_name,
        "venue_address": venue_address,
        "reply_note": reply_note,
    }
    translated, tag = translation_for(translations, language)
    words = {name: translated.get(name) or own[name] for name in _WORDS}
    titles = list(translated.get("programme") or [])
    items = []
    for position, item in enumerate(programme or []):
        item = dict(item)
        if position < len(titles) and titles[position]:
            item["title"] = titles[position]
        items.append(item)
    return Words(
        **words,
        programme=items,
        language=tag if tag and translated.get("title") else default_language,
    )


#: An invitation's words that may be given per language.
INVITATION_WORDS = ("host", "dress_code", "arrival_instructions")


def invitation_words(invitation: Any, language: str | None) -> dict[str, str | None]:
    """The invitation's host, dress code and arrival instructions in ``language`` where it
    has them, else its own (``invitation`` has those attributes and ``translations``)."""
    translated, _ = translation_for(getattr(invitation, "translations", None), language)
    return {
        name: translated.get(name) or getattr(invitation, name, None) for name in INVITATION_WORDS
    }


class InLanguage:
    """A ceremony (any object with its columns) read in one language: ``title``,
    ``venue_name``, ``venue_address`` and ``programme`` are its words in that language, every
    other attribute the ceremony's own. For templates that show ``ceremony.title``."""

    def __init__(self, ceremony: Any, language: str | None):
        self._ceremony = ceremony
        self._words = ceremony_words(
            title=ceremony.title,
            venue_name=ceremony.venue_name,
            venue_address=ceremony.venue_address,
            programme=list(ceremony.programme or []),
            default_language=ceremony.default_language,
            translations=getattr(ceremony, "translations", None),
            language=language,
            reply_note=getattr(ceremony, "reply_note", None),
        )

    def __getattr__(self, name: str) -> Any:
        if name in ("title", "venue_name", "venue_address", "reply_note", "programme"):
            return getattr(self._words, name)
        return getattr(self._ceremony, name)
