"""Usher charts: one A4 landscape page per section, the stage at the top, rows from the front.

Each seat is a box with its number and the name of the guest seated there, as the badge prints
it; an accessible seat has a thick blue frame; an aisle is a gap. The chart is drawn as a guest
sees the hall facing the stage, seat numbers rising to the right.
"""

from __future__ import annotations

import io
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shared.venue import seat_id

from . import text

PAGE = landscape(A4)
MARGIN = 12 * mm
HEADER = 22 * mm  # title, section and the stage band
LEGEND = 12 * mm
ROW_LABEL = 16 * mm
AISLE = 0.6  # an aisle's gap, as a share of a seat box's width
MAX_BOX = (34 * mm, 16 * mm)
NAME_SIZE = 7.5
MIN_NAME_SIZE = 3.5
LINE_PITCH = 1.15  # line spacing as a multiple of the size
INK, MUTED, TAKEN, ACCESSIBLE = "#1A1A1A", "#5A5A5A", "#E8E8E8", "#0B4F9C"


@dataclass(frozen=True)
class Chart:
    """What the charts show: the hall and who sits where (seat id → name as printed)."""

    title: str
    layout: Mapping[str, Any]
    occupants: Mapping[str, str]
    #: The page's words in the console's language: stage, section, row, table, legend.
    words: Mapping[str, str]


def render_usher_charts(chart: Chart) -> bytes:
    """The charts as a PDF, one page per section in the layout's order."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE)
    canvas.setTitle(chart.title)
    seats = chart.layout.get("seats", [])
    for section in chart.layout.get("sections", []):
        _draw_section(canvas, chart, section, [s for s in seats if s["section"] == section["name"]])
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _rows(seats: list[Mapping[str, Any]]) -> list[tuple[str, dict[int, Mapping[str, Any]]]]:
    """The section's rows front first (in the order the layout lists them), seats by number."""
    rows: dict[str, dict[int, Mapping[str, Any]]] = {}
    for seat in seats:
        rows.setdefault(seat["row"], {})[seat["number"]] = seat
    return list(rows.items())


def _columns(section: Mapping[str, Any], rows) -> dict[int, float]:
    """The left edge of every seat number, in box widths, with the aisles' gaps added."""
    highest = max((number for _, row in rows for number in row), default=0)
    aisles = set(section.get("aisles_after") or [])
    left, offsets = 0.0, {}
    for number in range(1, highest + 1):
        offsets[number] = left
        left += 1 + (AISLE if number in aisles else 0)
    return offsets


def _draw_section(canvas: Canvas, chart: Chart, section, seats) -> None:
    width, height = PAGE
    words = chart.words
    tables = section.get("kind") == "tables"
    text.draw(canvas, chart.title, MARGIN, height - MARGIN - 4 * mm, 10, colour=MUTED)
    heading = f"{words['section']} {section['name']}"
    text.draw(
        canvas, heading, width - MARGIN, height - MARGIN - 4 * mm, 14, bold=True, align="right"
    )
    stage_top = height - MARGIN - 9 * mm
    canvas.setFillColor(INK)
    canvas.rect(MARGIN, stage_top - 9 * mm, width - 2 * MARGIN, 9 * mm, stroke=0, fill=1)
    stage = chart.layout.get("stage") or words["stage"]
    text.draw(
        canvas,
        stage,
        width / 2,
        stage_top - 6.2 * mm,
        12,
        bold=True,
        align="centre",
        colour="#FFFFFF",
    )
    rows = _rows(seats)
    offsets = _columns(section, rows)
    span = (max(offsets.values()) + 1) if offsets else 1
    room_x = width - 2 * MARGIN - ROW_LABEL
    room_y = height - 2 * MARGIN - HEADER - LEGEND
    box_w = min(MAX_BOX[0], room_x / span)
    box_h = min(MAX_BOX[1], room_y / max(1, len(rows)))
    left = MARGIN + ROW_LABEL + (room_x - span * box_w) / 2
    top = height - MARGIN - HEADER
    row_word = words["table"] if tables else words["row"]
    for index, (row, row_seats) in enumerate(rows):
        y = top - (index + 1) * box_h
        label_size = text.fitted_size(f"{row_word} {row}", 8, ROW_LABEL - 2 * mm, bold=True)
        text.draw(
            canvas, f"{row_word} {row}", MARGIN, y + box_h / 2 - 1 * mm, label_size, bold=True
        )
        for number, seat in row_seats.items():
            x = left + offsets[number] * box_w
            _draw_seat(
                canvas,
                seat,
                chart.occupants.get(seat_id(seat["section"], seat["row"], seat["number"])),
                x,
                y,
                box_w,
                box_h,
            )
    _draw_legend(canvas, words)


def _draw_seat(canvas: Canvas, seat, name: str | None, x: float, y: float, w: float, h: float):
    pad = 0.8 * mm
    canvas.saveState()
    canvas.setFillColor(TAKEN if name else "#FFFFFF")
    if seat.get("accessible"):
        canvas.setStrokeColor(ACCESSIBLE)
        canvas.setLineWidth(1.6)
    else:
        canvas.setStrokeColor(MUTED)
        canvas.setLineWidth(0.5)
    canvas.rect(x + pad, y + pad, w - 2 * pad, h - 2 * pad, stroke=1, fill=1)
    canvas.restoreState()
    number_size = min(6.0, h / mm * 1.6)
    text.draw(
        canvas,
        str(seat["number"]),
        x + 2 * pad,
        y + h - 2 * pad - number_size * 0.8,
        number_size,
        colour=MUTED,
    )
    if name:
        _draw_name(canvas, name, x + w / 2, y + pad, w - 4 * pad, h - 2 * pad - number_size)


def _draw_name(canvas: Canvas, name: str, centre: float, bottom: float, room: float, tall: float):
    """The name in the largest size at which it fits the box, broken over lines at spaces; a
    name that fits no way at the smallest size loses its end to an ellipsis, never overflows."""
    size = NAME_SIZE
    while True:
        lines = text.wrap(name, size, room)
        fits = all(text.width(line, size) <= room for line in lines)
        if (fits and len(lines) * size * LINE_PITCH <= tall) or size <= MIN_NAME_SIZE:
            break
        size = max(MIN_NAME_SIZE, size - 0.5)
    most = max(1, int(tall // (size * LINE_PITCH)))
    if len(lines) > most:
        lines = [*lines[: most - 1], " ".join(lines[most - 1 :])]
    lines = [_shortened(line, size, room) for line in lines]
    pitch = size * LINE_PITCH
    first = bottom + (tall + pitch * (len(lines) - 1)) / 2 - size * 0.35
    for index, line in enumerate(lines):
        text.draw(canvas, line, centre, first - index * pitch, size, align="centre")


def _shortened(line: str, size: float, room: float) -> str:
    if text.width(line, size) <= room:
        return line
    while len(line) > 1 and text.width(line + "…", size) > room:
        line = line[:-1]
    return line.rstrip() + "…"


def _draw_legend(canvas: Canvas, words: Mapping[str, str]) -> None:
    x, y = MARGIN, MARGIN
    for label, fill, stroke, line in (
        (words["taken"], TAKEN, MUTED, 0.5),
        (words["free"], "#FFFFFF", MUTED, 0.5),
        (words["accessible"], "#FFFFFF", ACCESSIBLE, 1.6),
    ):
        canvas.saveState()
        canvas.setFillColor(fill)
        canvas.setStrokeColor(stroke)
        canvas.setLineWidth(line)
        canvas.rect(x, y, 8 * mm, 5 * mm, stroke=1, fill=1)
        canvas.restoreState()
        text.draw(canvas, label, x + 10 * mm, y + 1.4 * mm, 8)
        x += 12 * mm + text.width(label, 8) + 8 * mm
    text.draw(canvas, words["aisle"], x, y + 1.4 * mm, 8, colour=MUTED)
