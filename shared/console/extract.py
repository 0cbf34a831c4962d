"""Extract the console's strings and bring every catalog up to date, from the repository's root::

    .venv/bin/python -m shared.console.extract

It reads ``babel.cfg`` (the console's Python and Jinja templates), writes
``shared/translations/messages.pot``, then merges it into each language's ``messages.po``
(creating the file of a language listed here that has none). New strings arrive with an empty
``msgstr``; ``tests/i18n`` fails until each is translated. Nothing is compiled: the app reads
the ``.po`` files (``shared.console.catalogs``).
"""

from __future__ import annotations

import sys
from pathlib import Path

from babel.messages.frontend import CommandLineInterface

from .catalogs import TRANSLATIONS_DIR, catalog_path

#: The languages that have a catalog (English is the source of the strings).
CATALOG_LANGUAGES = ("ar", "es", "fr", "ru", "zh")
ROOT = TRANSLATIONS_DIR.parent.parent
#: ``_l`` is the console's name for ``lazy_gettext``.
KEYWORDS = ("_l", "lazy_gettext", "lazy_ngettext:1,2")


def extract(template: Path) -> None:
    """Write the strings of the console's sources to ``template`` (a ``.pot`` file)."""
    keywords = [option for keyword in KEYWORDS for option in ("-k", keyword)]
    _pybabel(
        "extract", "-F", str(ROOT / "babel.cfg"), *keywords, "--no-location", "--sort-output",
        "--project", "ceremony-suite", "--version", "0.1.0",
        "--copyright-holder", "The ceremony suite's authors", "-o", str(template), str(ROOT),
    )  # fmt: skip


def update(template: Path) -> None:
    """Merge ``template`` into each language's catalog, starting those that have none."""
    for language in CATALOG_LANGUAGES:
        command = "update" if catalog_path(language).is_file() else "init"
        _pybabel(
            command, "-i", str(template), "-d", str(TRANSLATIONS_DIR), "-l", language,
            *(("--no-fuzzy-matching", "--ignore-obsolete") if command == "update" else ()),
        )  # fmt: skip


def _pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def main() -> None:
    """Extract, then update every catalog."""
    template = TRANSLATIONS_DIR / "messages.pot"
    extract(template)
    update(template)


if __name__ == "__main__":
    sys.exit(main())
