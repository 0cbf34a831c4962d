"""Place cards: tent cards folded across the middle of an A4 or A5 sheet, one guest a sheet.

The name is printed on both halves; the upper half is turned upside down, so that once folded
and stood on the table the card reads the right way up from both sides.
"""

from __future__ import annotations

import io
from collections.abc import Iterable
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4, A5
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from . import text

#: Paper sizes a card may be printed on; the sheet is folded across its long side.
SIZES = {"A4": A4, "A5": A5}
MARGIN = 0.08  # of the card's width, left and right
NAME_SIZE = {"A4": 54.0, "A5": 38.0}
MUTED = "#4D4D4D"


@dataclass(frozen=True)
class PlaceCard:
    """One guest's card: the name with its honorific, the Latin letters under it if any."""

    name: str
    name_latin: str | None = None
    #: A small line at the foot of each half (the ceremony's title), or None.
    footer: str | None = None


def render_place_cards(cards: Iterable[PlaceCard], size: str = "A4", title: str = "") -> bytes:
    """The cards as a PDF, one sheet each, on A4 or A5 paper (``size``)."""
    page = SIZES[size]
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=page)
    canvas.setTitle(title or "Place cards")
    for card in cards:
        _draw_card(canvas, card, page, NAME_SIZE[size])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _draw_card(canvas: Canvas, card: PlaceCard, page: tuple[float, float], size: float) -> None:
    width, height = page
    half = height / 2
    _draw_fold(canvas, width, half)
    _draw_half(canvas, card, width, half, size)
    # The upper half: the same face turned half a turn about the sheet's centre.
    canvas.saveState()
    canvas.translate(width, height)
    canvas.rotate(180)
    _draw_half(canvas, card, width, half, size)
    canvas.restoreState()


def _draw_fold(canvas: Canvas, width: float, half: float) -> None:
    canvas.saveState()
    canvas.setStrokeColor("#9A9A9A")
    canvas.setLineWidth(0.4)
    canvas.setDash(3, 3)
    canvas.line(0, half, width, half)
    canvas.restoreState()


def _draw_half(canvas: Canvas, card: PlaceCard, width: float, half: float, size: float) -> None:
    """One face, upright, in the rectangle from the sheet's foot up to the fold."""
    room = width * (1 - 2 * MARGIN)
    size = text.fitted_size(card.name, size, room, bold=True)
    latin = card.name_latin
    latin_size = text.fitted_size(latin, size * 0.4, room) if latin else 0.0
    block = size + (latin_size * 1.4 if latin else 0)
    baseline = half / 2 + block / 2 - size * 0.75
    text.draw(canvas, card.name, width / 2, baseline, size, bold=True, align="centre")
    if latin:
        text.draw(
            canvas,
            latin,
            width / 2,
            baseline - size * 0.3 - latin_size * 1.2,
            latin_size,
            align="centre",
        )
    if card.footer:
        footer_size = text.fitted_size(card.footer, 9, room)
        text.draw(canvas, card.footer, width / 2, 8 * mm, footer_size, align="centre", colour=MUTED)
