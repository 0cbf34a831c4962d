"""Name-reader cards: one A6 card per graduate, four to an A4 landscape sheet with cut marks.

The cards are laid out to be cut as a stack: the sheets are printed, stacked and cut in four
once, and the four piles put one on the other (top left, bottom left, top right, bottom right)
give the cards in the order of the roll. So with three sheets, the first sheet holds cards 1,
4, 7 and 10.

The reader holds the cards in a stack: the call number is at the top corner, the name as it is
to be read across the card, how it sounds under it, then its Latin letters and the group.
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from . import text
from .roll import (
    RIGHT_TO_LEFT,
    document_title,
    primary_language,
    read_name,
    transliteration,
    words_for,
)

SHEET = landscape(A4)
CARD = (SHEET[0] / 2, SHEET[1] / 2)  # A6 landscape
#: Where the cards of a sheet go, in order: (column, row from the top).
PLACES = ((0, 0), (0, 1), (1, 0), (1, 1))
INSET = 10 * mm
NAME_SIZE, PHONETIC_SIZE, LATIN_SIZE = 28.0, 16.0, 11.0
CUT_MARK = 6 * mm  # the length of each cut mark, from the sheet's edge inwards
MUTED = "#5A5A5A"


def name_cards_pdf(
    ceremony: Any, course: Mapping[str, Any] | None, roll: Sequence, language: str
) -> bytes:
    """The roll's name-reader cards, four to a sheet, words in ``language``."""
    _ = words_for(language)
    title = document_title(ceremony, course, language)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=SHEET)
    canvas.setTitle(f"{_('Name-reader cards')} · {title}" if title else _("Name-reader cards"))
    if not roll:
        text.draw(
            canvas, _("There are no graduates on the roll yet."), INSET, SHEET[1] - 2 * INSET, 14
        )
        canvas.showPage()
    for sheet in sheets_of(len(roll)):
        _draw_cut_marks(canvas)
        for (column, row), index in zip(PLACES, sheet, strict=False):
            left, bottom = column * CARD[0], SHEET[1] - (row + 1) * CARD[1]
            _draw_card(canvas, roll[index], index + 1, title, language, left, bottom)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def sheets_of(count: int) -> list[list[int]]:
    """The roll's indexes printed on each sheet, by place: a stack of the sheets cut in four
    gives piles of consecutive cards."""
    sheets = -(-count // len(PLACES))
    return [
        [place * sheets + sheet for place in range(len(PLACES)) if place * sheets + sheet < count]
        for sheet in range(sheets)
    ]


def _draw_cut_marks(canvas: Canvas) -> None:
    """Ticks at the sheet's edges where it is cut in four, and a cross at its centre."""
    width, height = SHEET
    canvas.saveState()
    canvas.setStrokeColor(MUTED)
    canvas.setLineWidth(0.4)
    middle_x, middle_y = width / 2, height / 2
    canvas.line(middle_x, 0, middle_x, CUT_MARK)
    canvas.line(middle_x, height - CUT_MARK, middle_x, height)
    canvas.line(0, middle_y, CUT_MARK, middle_y)
    canvas.line(width - CUT_MARK, middle_y, width, middle_y)
    canvas.line(middle_x - CUT_MARK / 2, middle_y, middle_x + CUT_MARK / 2, middle_y)
    canvas.line(middle_x, middle_y - CUT_MARK / 2, middle_x, middle_y + CUT_MARK / 2)
    canvas.restoreState()


def _draw_card(
    canvas: Canvas,
    graduate: Mapping[str, Any],
    number: int,
    title: str,
    language: str,
    left: float,
    bottom: float,
) -> None:
    width, height = CARD
    room = width - 2 * INSET
    top = bottom + height - INSET - 4 * mm
    # The call number in the corner where a line starts: the right one in Arabic.
    start, end = (left + INSET, left + width - INSET)
    aligns = ("left", "right")
    if primary_language(language) in RIGHT_TO_LEFT:
        start, end, aligns = end, start, ("right", "left")
    call = f"{_number_word(language)} {number}"
    text.draw(canvas, call, start, top, 14, bold=True, align=aligns[0])
    group = graduate.get("group") or ""
    if group:
        size = text.fitted_size(group, 11, room / 2)
        text.draw(canvas, group, end, top, size, align=aligns[1], colour=MUTED)
    centre = left + width / 2
    name = read_name(graduate, language)
    size = text.fitted_size(name, NAME_SIZE, room, bold=True)
    baseline = bottom + height / 2 + 4 * mm
    text.draw(canvas, name, centre, baseline, size, bold=True, align="centre")
    phonetic = graduate.get("phonetic") or ""
    if phonetic:
        baseline -= PHONETIC_SIZE + 3 * mm
        fitted = text.fitted_size(phonetic, PHONETIC_SIZE, room)
        text.draw(canvas, phonetic, centre, baseline, fitted, align="centre")
    latin = transliteration(graduate)
    if latin:
        baseline -= LATIN_SIZE + 3 * mm
        fitted = text.fitted_size(latin, LATIN_SIZE, room)
        text.draw(canvas, latin, centre, baseline, fitted, align="centre", colour=MUTED)
    if title:
        fitted = text.fitted_size(title, 8, room)
        text.draw(canvas, title, centre, bottom + INSET, fitted, align="centre", colour=MUTED)


def _number_word(language: str) -> str:
    return words_for(language)("No.")
