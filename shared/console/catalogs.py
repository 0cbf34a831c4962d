"""The console's gettext catalogs, read from their ``.po`` files: no compiled ``.mo`` is kept
in the repository, so a catalog is compiled in memory the first time a page asks for its
language, and kept for the life of the process.

Flask-Babel looks its translations up through the Babel instance's ``domain_instance``;
``ConsoleBabel`` gives it a ``CatalogDomain`` that answers from these catalogs. The catalogs are
written with ``python -m shared.console.extract`` (see that module).
"""

from __future__ import annotations

from functools import cache, cached_property
from io import BytesIO
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations
from flask_babel import Babel, Domain, get_locale

#: ``<lang>/LC_MESSAGES/messages.po`` for each language; ``messages.pot`` is their template.
TRANSLATIONS_DIR = Path(__file__).resolve().parent.parent / "translations"


def catalog_path(language: str) -> Path:
    """Where the ``.po`` file of ``language`` lives."""
    return TRANSLATIONS_DIR / language / "LC_MESSAGES" / "messages.po"


@cache
def translations_for(language: str) -> NullTranslations:
    """The compiled catalog of ``language``; English (the source) and unknown ones translate
    nothing."""
    path = catalog_path(language)
    if not path.is_file():
        return NullTranslations()
    with path.open("rb") as po:
        catalog = read_po(po, locale=language)
    compiled = BytesIO()
    # Fuzzy entries are guesses of ``pybabel update``: shown in English until someone checks.
    write_mo(compiled, catalog, use_fuzzy=False)
    compiled.seek(0)
    return Translations(compiled, domain="messages")


class CatalogDomain(Domain):
    """Flask-Babel's domain, with translations from the in-memory catalogs."""

    def get_translations(self):
        """The catalog of the page's language."""
        locale = get_locale()
        return translations_for(locale.language if locale else "en")


class ConsoleBabel(Babel):
    """Flask-Babel with the console's catalogs as its default domain."""

    @cached_property
    def domain_instance(self) -> Domain:
        """The domain every ``gettext`` of a request goes through."""
        return CatalogDomain(domain=self.domain)
