"""Lines of text on a ReportLab canvas in any script: one font per run, Arabic shaped.

``shared.fonts`` splits a line into runs and shapes them; this module registers the fonts,
measures and fits lines, and draws them left, centred or right aligned.
"""

from __future__ import annotations

from functools import cache, lru_cache

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from shared.fonts import find_font, synthetic_bold, text_runs, visual_text

#: Outline stroke, as a share of the font size, for a script without a bold font file.
FAUX_BOLD = 0.025


def _weight(bold: bool) -> str:
    return "bold" if bold else "regular"


@cache
def pdf_font(script: str = "latin", bold: bool = False) -> str:
    """The registered ReportLab name of a script's font (registered on first use)."""
    path = find_font(script, _weight(bold))
    # One registration per file: a file serving two weights is embedded once.
    if path.stem not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(path.stem, str(path)))
    return path.stem


@lru_cache(maxsize=4096)
def _runs(line: str, bold: bool) -> tuple[tuple[str, str, bool], ...]:
    weight = _weight(bold)
    return tuple(
        (pdf_font(run.script, bold), visual_text(run), synthetic_bold(run.script, weight))
        for run in text_runs(line, weight)
    )


def width(line: str, size: float, bold: bool = False) -> float:
    """The drawn width of a line in points."""
    return sum(pdfmetrics.stringWidth(text, font, size) for font, text, _ in _runs(line, bold))


def fitted_size(line: str, size: float, room: float, bold: bool = False) -> float:
    """The largest size up to ``size`` at which the line fits in ``room`` points."""
    drawn = width(line, size, bold)
    return size if drawn <= room or drawn == 0 else size * room / drawn


def draw(
    canvas: Canvas,
    line: str,
    x: float,
    y: float,
    size: float,
    *,
    bold: bool = False,
    align: str = "left",
    colour: str = "#1A1A1A",
) -> None:
    """Draw a line with its baseline at ``y``; ``x`` is its left, centre or right end."""
    drawn = width(line, size, bold)
    left = {"left": x, "centre": x - drawn / 2, "right": x - drawn}[align]
    canvas.saveState()
    canvas.setFillColor(colour)
    # Faux bold: fill and stroke the outline (text render mode 2) in the same colour.
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(size * FAUX_BOLD * 1.5)
    for font, text, faux_bold in _runs(line, bold):
        canvas.setFont(font, size)
        canvas.drawString(left, y, text, mode=2 if faux_bold else 0)
        left += pdfmetrics.stringWidth(text, font, size)
    canvas.restoreState()


def wrap(line: str, size: float, room: float, bold: bool = False) -> list[str]:
    """The line broken at spaces into lines that fit ``room`` (a word too long stays whole)."""
    lines: list[str] = []
    for word in line.split():
        if lines and width(f"{lines[-1]} {word}", size, bold) <= room:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines
