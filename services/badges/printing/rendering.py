"""Badge images: one badge as PNG (Pillow) or PDF (ReportLab), and A4 print sheets.

Both formats draw the same `BadgeLayout`. Pillow shapes Arabic itself through libraqm;
ReportLab draws glyphs as given, so its text goes through `fonts.visual_text` first.
"""

import io
import logging
from collections.abc import Iterable
from functools import cache, lru_cache
from itertools import groupby

from PIL import Image, ImageDraw, ImageFont, features
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from services.badges.printing.layout import (
    BADGE_HEIGHT_MM,
    BADGE_WIDTH_MM,
    BadgeLayout,
    BadgeView,
    Box,
    TextBlock,
    layout_badge,
    place_text,
    printed_name,
)
from shared.fonts import (
    find_font,
    synthetic_bold,
    text_runs,
    uncovered_characters,
    visual_text,
)

logger = logging.getLogger(__name__)

PNG_DPI = 300
SHEET_COLUMNS, SHEET_ROWS = 2, 2  # four A6 badges on an A4 page
CUT_MARK_MM = (1.5, 5.0)  # a cut mark runs from 1.5 to 5 mm in from the paper edge
FAUX_BOLD = 0.025  # outline stroke, as a share of the font size, for fonts without a bold cut

# Without libraqm Pillow cannot shape Arabic; fall back to pre-shaped presentation forms.
_RAQM = features.check("raqm")


def _weight(bold: bool) -> str:
    return "bold" if bold else "regular"


def _warn_uncovered(view: BadgeView) -> None:
    texts = (printed_name(view), view.name_latin, view.organisation, view.job_title, view.seat)
    for text in (*texts, *view.zones):
        missing = uncovered_characters(text or "")
        if missing:
            logger.warning("badge text has characters no badge font covers: %r", missing)


# --- PNG ---------------------------------------------------------------------------------


@lru_cache(maxsize=128)
def _pil_font(script: str, bold: bool, size_px: float) -> ImageFont.FreeTypeFont:
    engine = ImageFont.Layout.RAQM if _RAQM else ImageFont.Layout.BASIC
    return ImageFont.truetype(str(find_font(script, _weight(bold))), size_px, layout_engine=engine)


def _pil_runs(line: str, size_pt: float, bold: bool, dpi: int):
    """Each run of a line as (font, text, Pillow layout arguments, faux-bold stroke in px)."""
    size_px = round(size_pt * dpi / 72 * 4) / 4  # quarter pixels keep the font cache small
    weight = _weight(bold)
    for run in text_runs(line, weight):
        font = _pil_font(run.script, bold, size_px)
        stroke = max(1, round(size_px * FAUX_BOLD)) if synthetic_bold(run.script, weight) else 0
        if _RAQM:
            yield font, run.text, {"direction": "rtl" if run.rtl else "ltr"}, stroke
        else:
            yield font, visual_text(run), {}, stroke


def _png_measurer(dpi: int):
    def measure(line: str, size_pt: float, bold: bool) -> float:
        runs = _pil_runs(line, size_pt, bold, dpi)
        return sum(font.getlength(text, **kw) for font, text, kw, _ in runs) * 25.4 / dpi

    return measure


def _draw_png_text(draw: ImageDraw.ImageDraw, block: TextBlock, dpi: int) -> None:
    scale = dpi / 25.4
    size, lines = place_text(block, _png_measurer(dpi))
    for line, left, baseline in lines:
        x = left * scale
        for font, text, kwargs, stroke in _pil_runs(line, size, block.bold, dpi):
            draw.text(
                (x, baseline * scale),
                text,
                font=font,
                fill=block.colour,
                anchor="ls",
                stroke_width=stroke,
                stroke_fill=block.colour,
                **kwargs,
            )
            x += font.getlength(text, **kwargs)


def _paste_png_qr(image: Image.Image, box: Box, modules, dpi: int) -> None:
    count = len(modules)
    # Whole pixels per module keep every module the same size, which scanners like.
    module_px = int(box.width * dpi / 25.4) // count
    qr = Image.new("1", (count, count))
    qr.putdata([0 if dark else 1 for row in modules for dark in row])
    qr = qr.resize((module_px * count,) * 2, Image.Resampling.NEAREST)
    centre_x, centre_y = (box.x + box.width / 2) * dpi / 25.4, (box.y + box.height / 2) * dpi / 25.4
    image.paste(qr, (round(centre_x - qr.width / 2), round(centre_y - qr.height / 2)))


def render_png(view: BadgeView, dpi: int = PNG_DPI) -> bytes:
    """One A6 badge as a PNG image at the given resolution."""
    _warn_uncovered(view)
    layout = layout_badge(view)
    scale = dpi / 25.4
    image = Image.new(
        "RGB", (round(BADGE_WIDTH_MM * scale), round(BADGE_HEIGHT_MM * scale)), "white"
    )
    draw = ImageDraw.Draw(image)
    band = layout.band
    draw.rectangle(
        (
            band.x * scale,
            band.y * scale,
            (band.x + band.width) * scale,
            (band.y + band.height) * scale,
        ),
        fill=layout.band_fill,
    )
    for block in layout.texts:
        _draw_png_text(draw, block, dpi)
    _paste_png_qr(image, layout.qr, layout.qr_modules, dpi)
    out = io.BytesIO()
    image.save(out, "PNG", dpi=(dpi, dpi))
    return out.getvalue()


# --- PDF ---------------------------------------------------------------------------------


@cache
def pdf_font(script: str, bold: bool) -> str:
    """The name of the registered PDF font that draws ``script`` (badges and certificates)."""
    path = find_font(script, _weight(bold))
    # Registered once per file, so a file serving two weights is embedded once.
    if path.stem not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(TTFont(path.stem, str(path)))
    return path.stem


@lru_cache(maxsize=4096)
def _pdf_runs(line: str, bold: bool) -> tuple[tuple[str, str, bool], ...]:
    """Each run of a line as (registered font name, text in drawing order, faux bold)."""
    weight = _weight(bold)
    return tuple(
        (pdf_font(run.script, bold), visual_text(run), synthetic_bold(run.script, weight))
        for run in text_runs(line, weight)
    )


def _pdf_measure(line: str, size_pt: float, bold: bool) -> float:
    width = sum(pdfmetrics.stringWidth(t, f, size_pt) for f, t, _ in _pdf_runs(line, bold))
    return width / mm


def draw_pdf_text(canvas: Canvas, block: TextBlock) -> None:
    """A laid-out block of text, shaped and fitted to its box (millimetres from the top of a
    badge-high page: a taller page translates the canvas first)."""
    size, lines = place_text(block, _pdf_measure)
    colour = HexColor(block.colour)
    canvas.saveState()
    canvas.setFillColor(colour)
    # Faux bold: fill and stroke the outline (text render mode 2) with the same colour.
    canvas.setStrokeColor(colour)
    canvas.setLineWidth(size * FAUX_BOLD * 1.5)
    for line, left, baseline in lines:
        x = left * mm
        for font, text, faux_bold in _pdf_runs(line, block.bold):
            canvas.setFont(font, size)
            canvas.drawString(
                x, (BADGE_HEIGHT_MM - baseline) * mm, text, mode=2 if faux_bold else 0
            )
            x += pdfmetrics.stringWidth(text, font, size)
    canvas.restoreState()


def draw_pdf_qr(canvas: Canvas, box: Box, modules) -> None:
    """A QR code's dark modules as one vector path filling ``box``."""
    module = box.width * mm / len(modules)
    left, top = box.x * mm, (BADGE_HEIGHT_MM - box.y) * mm
    path = canvas.beginPath()
    # One rectangle per run of dark modules, all in one path: smaller and seamless.
    for row_index, row in enumerate(modules):
        column = 0
        for dark, group in groupby(row):
            length = len(list(group))
            if dark:
                path.rect(
                    left + column * module, top - (row_index + 1) * module, length * module, module
                )
            column += length
    canvas.setFillColor(HexColor("#000000"))
    canvas.drawPath(path, stroke=0, fill=1)


def _draw_pdf_badge(canvas: Canvas, layout: BadgeLayout) -> None:
    """Draw one badge with its bottom-left corner at the canvas origin."""
    band = layout.band
    canvas.setFillColor(HexColor(layout.band_fill))
    canvas.rect(
        band.x * mm,
        (BADGE_HEIGHT_MM - band.y - band.height) * mm,
        band.width * mm,
        band.height * mm,
        stroke=0,
        fill=1,
    )
    for block in layout.texts:
        draw_pdf_text(canvas, block)
    draw_pdf_qr(canvas, layout.qr, layout.qr_modules)


def render_pdf(view: BadgeView) -> bytes:
    """One badge as a single-page A6 PDF with vector text and QR code."""
    _warn_uncovered(view)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=(BADGE_WIDTH_MM * mm, BADGE_HEIGHT_MM * mm))
    canvas.setTitle(f"Badge: {view.full_name}")
    _draw_pdf_badge(canvas, layout_badge(view))
    canvas.showPage()
    canvas.save()
    return out.getvalue()


# --- Print sheets ------------------------------------------------------------------------


def _draw_cut_marks(canvas: Canvas, top_mm: float) -> None:
    """Ticks at the paper edges on the lines between badges (the outer edges are the paper's)."""
    width, height = A4
    near, far = (value * mm for value in CUT_MARK_MM)
    canvas.setStrokeColor(HexColor("#000000"))
    canvas.setLineWidth(0.3)
    for column in range(1, SHEET_COLUMNS):
        x = column * BADGE_WIDTH_MM * mm
        canvas.line(x, height - near, x, height - far)
        canvas.line(x, near, x, far)
    for row in range(1, SHEET_ROWS):
        y = height - (top_mm + row * BADGE_HEIGHT_MM) * mm
        canvas.line(near, y, far, y)
        canvas.line(width - near, y, width - far, y)


def render_sheets(views: Iterable[BadgeView], title: str = "Badges") -> bytes:
    """A4 print sheets, four A6 badges a page in the order given, with cut marks."""
    per_page = SHEET_COLUMNS * SHEET_ROWS
    width, height = A4
    # The badges fill the page's width; the spare height is split above and below.
    top_mm = (height / mm - SHEET_ROWS * BADGE_HEIGHT_MM) / 2
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(title)
    views = list(views)
    for start in range(0, len(views), per_page):
        _draw_cut_marks(canvas, top_mm)
        for slot, view in enumerate(views[start : start + per_page]):
            _warn_uncovered(view)
            row, column = divmod(slot, SHEET_COLUMNS)
            canvas.saveState()
            canvas.translate(
                column * BADGE_WIDTH_MM * mm, height - (top_mm + (row + 1) * BADGE_HEIGHT_MM) * mm
            )
            _draw_pdf_badge(canvas, layout_badge(view))
            canvas.restoreState()
        canvas.showPage()
    if not views:
        canvas.setFont(pdf_font("latin", False), 14)
        canvas.drawCentredString(width / 2, height / 2, "No badges to print.")
        canvas.showPage()
    canvas.save()
    return out.getvalue()
