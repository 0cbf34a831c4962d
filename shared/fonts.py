"""Fonts for print (badges, charts, cards): found at run time, chosen per character, shaped.

Printed names come in Latin, Arabic and Chinese script. The font files come from Debian
packages (see FONT_FILES) or from a directory named by CEREMONY_FONT_DIR; they are never
shipped with the code. Only TrueType-outline fonts are listed because ReportLab cannot embed
CFF-outline ones (which is why the Noto CJK fonts are not used).
"""

import os
import unicodedata
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from arabic_reshaper import ArabicReshaper
from bidi import get_display
from reportlab.pdfbase.ttfonts import TTFontFile

FONT_DIR_ENV = "CEREMONY_FONT_DIR"
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"))

# Order matters: a character goes to the first script whose font covers it.
SCRIPTS = ("latin", "arabic", "cjk")
WEIGHTS = ("regular", "bold")

# (script, weight) -> (file name, Debian package that installs it)
FONT_FILES = {
    ("latin", "regular"): ("NotoSans-Regular.ttf", "fonts-noto-core"),
    ("latin", "bold"): ("NotoSans-Bold.ttf", "fonts-noto-core"),
    ("arabic", "regular"): ("NotoSansArabic-Regular.ttf", "fonts-noto-core"),
    ("arabic", "bold"): ("NotoSansArabic-Bold.ttf", "fonts-noto-core"),
    # Droid Sans Fallback has one weight only; bold Chinese text uses it as it is.
    ("cjk", "regular"): ("DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
    ("cjk", "bold"): ("DroidSansFallbackFull.ttf", "fonts-droid-fallback"),
}

# Harakat are dropped: without OpenType mark positioning they would land on the wrong letter.
_reshaper = ArabicReshaper(configuration={"delete_harakat": True})


class FontNotFound(RuntimeError):
    """No font file for a script was found; the message names the package to install."""


@dataclass(frozen=True)
class TextRun:
    """A stretch of one line drawn with one font; `text` is in logical (typed) order."""

    text: str
    script: str
    rtl: bool


def _search_dirs() -> list[Path]:
    override = os.environ.get(FONT_DIR_ENV)
    return ([Path(override)] if override else []) + list(SYSTEM_FONT_DIRS)


@cache
def find_font(script: str, weight: str = "regular") -> Path:
    """Path of the font file for a script and weight; raise FontNotFound naming the package."""
    file_name, package = FONT_FILES[(script, weight)]
    for directory in _search_dirs():
        if not directory.is_dir():
            continue
        direct = directory / file_name
        if direct.is_file():
            return direct
        found = next(iter(sorted(directory.rglob(file_name))), None)
        if found is not None:
            return found
    raise FontNotFound(
        f"no {weight} font for {script} script: install the Debian package {package} "
        f"(it provides {file_name}) or put {file_name} in ${FONT_DIR_ENV}"
    )


@cache
def coverage(script: str, weight: str = "regular") -> frozenset[int]:
    """Code points the font of a script maps to a real glyph."""
    # ReportLab reads the cmap already for embedding, so no extra font library is needed.
    return frozenset(TTFontFile(str(find_font(script, weight))).charToGlyph)


def _script_for(char: str, current: str | None, weight: str) -> str:
    code = ord(char)
    if current is not None and code in coverage(current, weight):
        return current
    for script in SCRIPTS:
        if code in coverage(script, weight):
            return script
    return current or SCRIPTS[0]


def synthetic_bold(script: str, weight: str) -> bool:
    """True if bold text of this script must be emboldened by the renderer (no bold file)."""
    return weight == "bold" and FONT_FILES[(script, "bold")] == FONT_FILES[(script, "regular")]


def is_rtl(text: str) -> bool:
    """True if the text holds a right-to-left letter (Arabic, Hebrew...)."""
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in text)


def _base_is_rtl(text: str) -> bool:
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in ("R", "AL"):
            return True
        if direction == "L":
            return False
    return False


@lru_cache(maxsize=4096)
def text_runs(line: str, weight: str = "regular") -> tuple[TextRun, ...]:
    """Split one line into single-font runs, listed left to right as they are to be drawn.

    Runs follow the line's base direction: an Arabic line puts its first run on the right.
    Inside each run the drawing backend orders and shapes the characters. Cached, as
    fitting a line measures it several times and many badges share their header lines.
    """
    pieces: list[tuple[str, str]] = []
    for char in line:
        script = _script_for(char, pieces[-1][1] if pieces else None, weight)
        if pieces and pieces[-1][1] == script:
            pieces[-1] = (pieces[-1][0] + char, script)
        else:
            pieces.append((char, script))
    base_rtl = _base_is_rtl(line)
    runs = [run for text, script in pieces for run in _with_edge_spaces(text, script, base_rtl)]
    return tuple(runs[::-1] if base_rtl else runs)


def _with_edge_spaces(text: str, script: str, base_rtl: bool) -> list[TextRun]:
    # Spaces between runs of opposite direction belong to the line, not to the embedded run,
    # or "Dr محمد Ali" would print its space on the wrong side of the Arabic word.
    rtl = is_rtl(text)
    core = text.strip()
    if rtl == base_rtl or not core:
        return [TextRun(text, script, rtl)]
    start = text.index(core)
    edges = (text[:start], core, text[start + len(core) :])
    return [TextRun(part, script, rtl if part is core else base_rtl) for part in edges if part]


def visual_text(run: TextRun) -> str:
    """The run as plain glyph order for a backend that does no shaping (ReportLab).

    Arabic letters become their contextual presentation forms, then the run is put in
    visual (left-to-right) order.
    """
    if not run.rtl:
        return run.text
    return get_display(_reshaper.reshape(run.text))


def uncovered_characters(text: str, weight: str = "regular") -> str:
    """The printable characters of text that none of the badge fonts can draw."""
    fonts = [coverage(script, weight) for script in SCRIPTS]
    return "".join(
        char
        for char in dict.fromkeys(text)
        if not char.isspace() and not any(ord(char) in font for font in fonts)
    )
