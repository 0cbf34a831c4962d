"""An announcement's words: which language's text a guest reads, and its Markdown as HTML."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache

from markdown_it import MarkdownIt
from markupsafe import Markup

from .formatting import primary_language

FALLBACK_LANGUAGE = "en"


@cache
def _markdown() -> MarkdownIt:
    # CommonMark without raw HTML: whatever tags an organiser types are shown as text.
    return MarkdownIt("commonmark", {"html": False})


def markdown_html(source: str) -> Markup:
    """The HTML of an organiser's Markdown; raw HTML in it is escaped, never rendered."""
    return Markup(_markdown().render(source))


def choose_text(
    bodies: Mapping[str, Mapping[str, str]], language: str | None, default_language: str | None
) -> tuple[str, Mapping[str, str]]:
    """The language and text ({subject, body}) a reader of ``language`` gets: theirs, else the
    ceremony's default language, else English, else the first written."""
    if not bodies:
        raise ValueError("the announcement has no text")
    for wanted in (language, primary_language(language), default_language, FALLBACK_LANGUAGE):
        if wanted and wanted in bodies:
            return wanted, bodies[wanted]
    first = sorted(bodies)[0]
    return first, bodies[first]
