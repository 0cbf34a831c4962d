"""The console's catalogs: every string of a fresh extraction translated in every console
language, with the placeholders of its English and as many plural forms as the language has,
and the catalogs current with the sources (``python -m shared.console.extract`` leaves nothing
new)."""

from __future__ import annotations

import re

import pytest
from babel.messages.pofile import read_po

from shared.console.catalogs import catalog_path, translations_for
from shared.console.extract import CATALOG_LANGUAGES, extract
from shared.console.languages import CONSOLE_LANGUAGES

TRANSLATED = [language for language in CONSOLE_LANGUAGES if language != "en"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
PLURAL_FORMS = {"ar": 6, "ru": 3, "zh": 1}


@pytest.fixture(scope="module")
def sources(tmp_path_factory):
    """The strings of the console's sources, extracted now."""
    template = tmp_path_factory.mktemp("i18n") / "messages.pot"
    extract(template)
    with template.open("rb") as pot:
        return read_po(pot)


def catalog(language: str):
    with catalog_path(language).open("rb") as po:
        return read_po(po, locale=language)


def placeholders(text: str) -> list[str]:
    return sorted(PLACEHOLDER.findall(text))


def test_every_console_language_but_english_has_a_catalog():
    assert set(TRANSLATED) <= set(CATALOG_LANGUAGES)


@pytest.mark.parametrize("language", TRANSLATED)
def test_every_string_is_translated(sources, language):
    translated = catalog(language)

    missing = [
        message.id
        for message in sources
        if message.id
        and (
            translated.get(message.id) is None
            or not all(translated.get(message.id).string or [""])
            or translated.get(message.id).fuzzy
        )
    ]

    assert not missing, f"{language}: {len(missing)} untranslated, e.g. {missing[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_placeholders_are_those_of_the_english(language):
    wrong = []
    for message in catalog(language):
        if not message.id or not message.string:
            continue
        if message.pluralizable:
            english = {tuple(placeholders(form)) for form in message.id}
            wrong += [form for form in message.string if tuple(placeholders(form)) not in english]
        elif placeholders(message.string) != placeholders(message.id):
            wrong.append(message.string)

    assert not wrong, f"{language}: {wrong[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_plural_forms_match_the_header(language):
    translated = catalog(language)
    plurals = [message for message in translated if message.id and message.pluralizable]

    assert plurals
    assert translated.num_plurals == PLURAL_FORMS.get(language, translated.num_plurals)
    assert all(len(message.string) == translated.num_plurals for message in plurals), language


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_catalogs_are_current_with_the_sources(sources, language):
    known = {message.id for message in catalog(language) if message.id}

    new = [message.id for message in sources if message.id and message.id not in known]

    assert not new, f"run `python -m shared.console.extract`; new in the sources: {new[:5]}"


@pytest.mark.parametrize("language", TRANSLATED)
def test_a_catalog_compiles_and_translates_plurals(language):
    translations = translations_for(language)

    assert translations.ugettext("Ceremony console") != "Ceremony console"
    for count in (0, 1, 2, 5, 11, 101):
        english = "%(num)s result" if count == 1 else "%(num)s results"
        text = translations.ungettext("%(num)s result", "%(num)s results", count)
        assert "%(num)s" in text and text != english
