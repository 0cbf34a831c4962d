"""Certificates as PDF (ReportLab): one certificate, or a ceremony's hand-over in one file.

Text and the QR code are drawn by the badge's PDF drawing (`rendering`), with its fonts, script
runs and Arabic shaping. That drawing measures from the top of a badge; a certificate page moves
the origin so that its millimetres from the top land on the A4 landscape page instead.

The hand-over of a whole course is many pages of the same few images and words. A batch decodes
each distinct logo or signature once and embeds it once, as a form (named by its bytes' hash);
each distinct background (frame, logos, words, signatures) is drawn once as a form too, so a
page adds only its holder's name, number and QR code.
"""

from __future__ import annotations

import hashlib
import io
import logging
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import lru_cache

from PIL import Image, UnidentifiedImageError
from reportlab.lib.colors import HexColor
from reportlab.lib.pagesizes import A4, landscape
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas

from shared.fonts import uncovered_characters

from .certificate_document import CertificateDocument
from .certificate_layout import (
    ACCENT,
    FRAME_MM,
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    CertificateLayout,
    ImageSlot,
    layout_certificate,
)
from .layout import BADGE_HEIGHT_MM
from .rendering import draw_pdf_qr, draw_pdf_text, pdf_font

logger = logging.getLogger(__name__)

PAGE_SIZE = landscape(A4)


@contextmanager
def _page_coordinates(canvas: Canvas) -> Iterator[None]:
    """Let the badge drawing, which turns top-down millimetres into points on an A6-high
    page, draw on this A4 landscape page."""
    canvas.saveState()
    canvas.translate(0, (PAGE_HEIGHT_MM - BADGE_HEIGHT_MM) * mm)
    try:
        yield
    finally:
        canvas.restoreState()


@lru_cache(maxsize=32)
def _decoded(png: bytes) -> ImageReader | None:
    """An uploaded image ready to embed; None if it cannot be read."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            return ImageReader(image.convert("RGBA"))
    except (UnidentifiedImageError, OSError, ValueError):
        return None


class _ImageForms:
    """The images of one PDF, each embedded once as a form named by its bytes' hash."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.forms: dict[str, tuple[str, int, int] | None] = {}

    def prepare(self, png: bytes) -> tuple[str, int, int] | None:
        """The image's form (name, width, height), defined the first time; None if unreadable."""
        key = hashlib.sha256(png).hexdigest()[:24]
        if key not in self.forms:
            reader = _decoded(png)
            if reader is None:
                logger.warning("certificate image %s left out: it cannot be read", key)
                self.forms[key] = None
            else:
                width, height = reader.getSize()
                name = f"image-{key}"
                self.canvas.beginForm(name, 0, 0, width, height)
                self.canvas.drawImage(reader, 0, 0, width, height, mask="auto")
                self.canvas.endForm()
                self.forms[key] = (name, width, height)
        return self.forms[key]

    def draw(self, slot: ImageSlot) -> None:
        """Draw an image as large as fits its box, aspect ratio kept."""
        form = self.prepare(slot.png)
        if form is None:
            return
        name, width, height = form
        box = slot.box
        scale = min(box.width * mm / width, box.height * mm / height)
        drawn_width, drawn_height = width * scale, height * scale
        left = box.x * mm + (box.width * mm - drawn_width) / 2
        bottom = (PAGE_HEIGHT_MM - box.y - box.height) * mm
        if slot.anchor != "s":
            bottom += (box.height * mm - drawn_height) / 2
        self.canvas.saveState()
        self.canvas.translate(left, bottom)
        self.canvas.scale(scale, scale)
        self.canvas.doForm(name)
        self.canvas.restoreState()


def _draw_frame(canvas: Canvas) -> None:
    """A double rule round the page."""
    canvas.saveState()
    canvas.setStrokeColor(HexColor(ACCENT))
    for inset, weight in ((FRAME_MM, 1.6), (FRAME_MM + 1.8, 0.5)):
        canvas.setLineWidth(weight)
        canvas.rect(
            inset * mm,
            inset * mm,
            (PAGE_WIDTH_MM - 2 * inset) * mm,
            (PAGE_HEIGHT_MM - 2 * inset) * mm,
            stroke=1,
            fill=0,
        )
    canvas.restoreState()


def _draw_background(canvas: Canvas, layout: CertificateLayout, images: _ImageForms) -> None:
    _draw_frame(canvas)
    for slot in layout.images:
        images.draw(slot)
    canvas.setStrokeColor(HexColor("#4D4D4D"))
    canvas.setLineWidth(0.6)
    for left, y, right in layout.rules:
        canvas.line(left * mm, (PAGE_HEIGHT_MM - y) * mm, right * mm, (PAGE_HEIGHT_MM - y) * mm)
    with _page_coordinates(canvas):
        for block in layout.background_texts:
            draw_pdf_text(canvas, block)


class _Backgrounds:
    """The backgrounds of one PDF, each drawn once as a form: a course's certificates in one
    language and kind share theirs, so a page draws only its holder's lines and QR code."""

    def __init__(self, canvas: Canvas) -> None:
        self.canvas = canvas
        self.images = _ImageForms(canvas)
        self.forms: dict[tuple, str] = {}

    def draw(self, layout: CertificateLayout) -> None:
        """Draw the page's background, defining its form the first time it is seen."""
        name = self.forms.get(layout.background)
        if name is None:
            # Image forms first: a form cannot be begun while another is being drawn.
            for slot in layout.images:
                self.images.prepare(slot.png)
            name = self.forms[layout.background] = f"background-{len(self.forms)}"
            self.canvas.beginForm(name, 0, 0, *PAGE_SIZE)
            _draw_background(self.canvas, layout, self.images)
            self.canvas.endForm()
        self.canvas.doForm(name)


def _draw_page(canvas: Canvas, layout: CertificateLayout, backgrounds: _Backgrounds) -> None:
    backgrounds.draw(layout)
    with _page_coordinates(canvas):
        for block in layout.holder_texts:
            draw_pdf_text(canvas, block)
        draw_pdf_qr(canvas, layout.qr, layout.qr_modules)


def _warn_uncovered(doc: CertificateDocument) -> None:
    texts = (doc.name, doc.name_latin, doc.course_title, doc.place)
    people = (part for person in doc.signatories for part in (person.name, person.title))
    for text in (*texts, *people, *(org.name for org in doc.organisations)):
        missing = uncovered_characters(text or "")
        if missing:
            logger.warning(
                "certificate %s has characters no font covers: %r", doc.certificate_id, missing
            )


def render_certificates(docs: Iterable[CertificateDocument]) -> bytes:
    """Certificates in one PDF, a page each in the order given (the hand-over at the ceremony)."""
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=PAGE_SIZE)
    backgrounds = _Backgrounds(canvas)
    count = 0
    for doc in docs:
        _warn_uncovered(doc)
        layout = layout_certificate(doc)
        if not count:
            canvas.setTitle(layout.title)
        _draw_page(canvas, layout, backgrounds)
        canvas.showPage()
        count += 1
    if not count:
        canvas.setTitle("Certificates")
        canvas.setFont(pdf_font("latin", False), 14)
        canvas.drawCentredString(PAGE_SIZE[0] / 2, PAGE_SIZE[1] / 2, "No certificates to print.")
        canvas.showPage()
    elif count > 1:
        canvas.setTitle("Certificates")
    canvas.save()
    return out.getvalue()


def render_certificate(doc: CertificateDocument) -> bytes:
    """One certificate as a one-page A4 landscape PDF."""
    return render_certificates([doc])
