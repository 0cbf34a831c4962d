"""What goes where on a certificate (A4 landscape), in millimetres from the top-left corner.

The text blocks are the badge's `TextBlock`s, fitted by the PDF backend the same way: a long
name or course title shrinks (and wraps to two lines) until it fits its box, so nothing can
overflow the page or run into its neighbour. Images are given as boxes; the backend keeps each
image's aspect ratio inside its box.
"""

from __future__ import annotations

import string
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

import qrcode
from qrcode.util import MODE_8BIT_BYTE, MODE_ALPHA_NUM, QRData

from shared.contract import fold

from .certificate_document import CertificateDocument
from .certificate_words import facts, issue_line, words_for
from .layout import MUTED_INK, QR_QUIET_MODULES, Box, TextBlock

PAGE_WIDTH_MM = 297.0  # A4 landscape
PAGE_HEIGHT_MM = 210.0
FRAME_MM = 8.0  # the border's distance from the paper's edge
CONTENT_LEFT_MM = 20.0
CONTENT_WIDTH_MM = PAGE_WIDTH_MM - 2 * CONTENT_LEFT_MM
ACCENT = "#17365D"
LOGO_BAND = Box(CONTENT_LEFT_MM, 15.0, CONTENT_WIDTH_MM, 22.0)
LOGO_SLOT_MM = 64.0  # the widest a logo may be
TITLE_TOP_MM = 52.0
BODY_BOTTOM_MM = 146.0  # the body's room ends above the signatures
QR = Box(245.0, 148.0, 34.0, 34.0)  # quiet zone included: modules of about 0.55 mm
SIGNATURE_TOP_MM = 150.0
SIGNATURE_HEIGHT_MM = 18.0
SIGNATORY_COLUMN_MM = 68.0
SIGNATORIES_RIGHT_MM = QR.x - 6.0
QR_CORRECTION = qrcode.constants.ERROR_CORRECT_M
# Only these ride in the QR's compact alphanumeric mode, and the code is all of them.
_QR_ALPHANUMERIC = frozenset(string.ascii_uppercase + string.digits)


@dataclass(frozen=True)
class ImageSlot:
    """An uploaded image (PNG) to draw inside a box, keeping its aspect ratio."""

    png: bytes
    box: Box
    #: Where in the box the image sits: "c" centred, "s" on the box's bottom edge.
    anchor: str = "c"


@dataclass(frozen=True)
class CertificateLayout:
    """The positioned elements of one certificate.

    The background (frame, logos, words, signatures) is the same on every certificate of a
    course in one language and kind; only the holder's texts and the QR code differ.
    """

    background_texts: tuple[TextBlock, ...]
    images: tuple[ImageSlot, ...]
    #: The signature lines, each as (left, y, right).
    rules: tuple[tuple[float, float, float], ...]
    #: The holder's name, its transliteration and the certificate's number.
    holder_texts: tuple[TextBlock, ...]
    qr: Box
    qr_modules: tuple[tuple[bool, ...], ...]
    title: str

    @property
    def texts(self) -> tuple[TextBlock, ...]:
        """Every text block of the page."""
        return self.background_texts + self.holder_texts

    @property
    def background(self) -> tuple:
        """What the background is drawn from: equal backgrounds are drawn once a batch."""
        return (self.background_texts, self.images, self.rules)


def _qr_segments(url: str) -> list[QRData]:
    """The URL's trailing code in alphanumeric mode, the rest as bytes: a smaller symbol."""
    cut = len(url)
    while cut and url[cut - 1] in _QR_ALPHANUMERIC:
        cut -= 1
    segments = [QRData(url[:cut].encode("utf-8"), mode=MODE_8BIT_BYTE)] if cut else []
    if cut < len(url):
        segments.append(QRData(url[cut:], mode=MODE_ALPHA_NUM))
    return segments


@lru_cache(maxsize=64)
def _qr_version(shape: tuple[tuple[int, int], ...]) -> int:
    """The smallest QR version for segments of these (mode, length): every certificate of a
    ceremony has the same, so the search is done once."""
    qr = qrcode.QRCode(error_correction=QR_CORRECTION)
    for mode, length in shape:
        qr.add_data(QRData(b"A" * length, mode=mode, check_data=False))
    return qr.best_fit()


def certificate_qr(url: str) -> tuple[tuple[bool, ...], ...]:
    """QR modules for a verification URL (error correction M), quiet zone included.

    The mask is fixed: any mask is valid, and scoring all eight would more than double the
    time a batch of certificates takes.
    """
    segments = _qr_segments(url)
    version = _qr_version(tuple((segment.mode, len(segment)) for segment in segments))
    qr = qrcode.QRCode(
        version=version, error_correction=QR_CORRECTION, border=QR_QUIET_MODULES, mask_pattern=2
    )
    for segment in segments:
        qr.add_data(segment)
    qr.make(fit=False)
    return tuple(tuple(row) for row in qr.get_matrix())


def verify_site(verify_url: str) -> str:
    """Where a reader can check the certificate by hand: "badges.example.org/verify"."""
    host = urlsplit(verify_url).netloc or verify_url.split("/")[0]
    return f"{host}/verify"


def _clean(text: str | None) -> str:
    # Line breaks typed into a name or title are spaces on paper; wrapping is the fitter's.
    return " ".join((text or "").split())


def _stack(blocks: list[tuple[str, float, dict]], top: float, inset: float) -> list[TextBlock]:
    """Text blocks one under the other from `top`; empty ones take no room."""
    placed, y = [], top
    for text, height, style in blocks:
        if text:
            box = Box(CONTENT_LEFT_MM + inset, y, CONTENT_WIDTH_MM - 2 * inset, height)
            placed.append(TextBlock(text, box, **style))
            y += height
    return placed


def _header(doc: CertificateDocument) -> tuple[list[ImageSlot], list[TextBlock]]:
    """The organisations' logos across the top, their names under them."""
    logos = [org.logo_png for org in doc.organisations if org.logo_png]
    slot = min(LOGO_SLOT_MM, CONTENT_WIDTH_MM / max(1, len(logos)))
    left = CONTENT_LEFT_MM + (CONTENT_WIDTH_MM - slot * len(logos)) / 2
    images = [
        ImageSlot(png, Box(left + i * slot + 3.0, LOGO_BAND.y, slot - 6.0, LOGO_BAND.height))
        for i, png in enumerate(logos)
    ]
    names = " · ".join(filter(None, (_clean(org.name) for org in doc.organisations)))
    if logos:
        style = {"size": 11, "min_size": 7, "max_lines": 2, "colour": MUTED_INK}
        top, height = LOGO_BAND.y + LOGO_BAND.height + 2.0, 9.0
    else:
        # Without logos the names are the letterhead, so they are set larger.
        style = {"size": 15, "min_size": 8, "max_lines": 2, "bold": True, "colour": ACCENT}
        top, height = 22.0, 20.0
    return images, _stack([(names, height, style)], top, inset=0.0)


def _statement(doc: CertificateDocument) -> str:
    words = words_for(doc.language)
    if doc.kind == "completion" and doc.result == "distinction":
        return words.with_distinction
    return words.statements[doc.kind]


def _latin_line(doc: CertificateDocument) -> str:
    """The transliteration, unless it only repeats the name."""
    latin = _clean(doc.name_latin)
    return latin if latin and fold(latin) != fold(_clean(doc.name)) else ""


def _body(doc: CertificateDocument) -> tuple[list[TextBlock], list[TextBlock]]:
    """Title, then the sentence around the name, the course and its dates, centred; the
    holder's own lines apart from the rest."""
    words = words_for(doc.language)
    title = TextBlock(
        words.titles[doc.kind],
        Box(CONTENT_LEFT_MM, TITLE_TOP_MM, CONTENT_WIDTH_MM, 16.0),
        size=30,
        min_size=16,
        max_lines=2,
        bold=True,
        colour=ACCENT,
    )
    name = (_clean(doc.name), 20.0, {"size": 30, "min_size": 16, "max_lines": 2, "bold": True})
    latin = (_latin_line(doc), 6.5, {"size": 11, "min_size": 7, "colour": MUTED_INK})
    blocks = [
        (words.intros[doc.kind], 9.0, {"size": 13, "min_size": 8}),
        name,
        latin,
        (_statement(doc), 9.0, {"size": 13, "min_size": 8, "max_lines": 2}),
        (
            _clean(doc.course_title),
            15.0,
            {"size": 20, "min_size": 10, "max_lines": 2, "bold": True},
        ),
        (
            facts(doc.starts_on, doc.ends_on, doc.hours, doc.language),
            7.0,
            {"size": 12, "min_size": 8},
        ),
        (issue_line(doc.issued_on, doc.place, doc.language), 6.5, {"size": 10, "min_size": 7}),
    ]
    used = sum(height for text, height, _ in blocks if text)
    top = TITLE_TOP_MM + title.box.height + 2.0
    # The body sits centred in the room between the title and the signatures.
    top += max(0.0, (BODY_BOTTOM_MM - top - used) / 2)
    present = [entry for entry in blocks if entry[0]]
    fixed, own = [title], []
    for entry, block in zip(present, _stack(blocks, top, inset=10.0), strict=True):
        (own if entry is name or entry is latin else fixed).append(block)
    return fixed, own


def _signatories(doc: CertificateDocument):
    """Signature over a line, name and title under it, side by side along the bottom."""
    people = doc.signatories
    if not people:
        return [], [], []
    room = SIGNATORIES_RIGHT_MM - CONTENT_LEFT_MM
    column = min(SIGNATORY_COLUMN_MM, room / len(people))
    width = column * len(people)
    # Centred on the page when the group clears the QR code, else from the left margin.
    left = PAGE_WIDTH_MM / 2 - width / 2
    if left + width > SIGNATORIES_RIGHT_MM:
        left = CONTENT_LEFT_MM
    images, rules, texts = [], [], []
    line_y = SIGNATURE_TOP_MM + SIGNATURE_HEIGHT_MM + 1.0
    for index, person in enumerate(people):
        x = left + index * column + 3.0
        inner = column - 6.0
        if person.signature_png:
            box = Box(x, SIGNATURE_TOP_MM, inner, SIGNATURE_HEIGHT_MM)
            images.append(ImageSlot(person.signature_png, box, anchor="s"))
        rules.append((x, line_y, x + inner))
        name_box = Box(x, line_y + 1.0, inner, 6.5)
        texts.append(TextBlock(_clean(person.name), name_box, size=11, min_size=6, bold=True))
        if _clean(person.title):
            title_box = Box(x, line_y + 7.5, inner, 9.0)
            texts.append(
                TextBlock(
                    _clean(person.title),
                    title_box,
                    size=9,
                    min_size=7,
                    max_lines=2,
                    colour=MUTED_INK,
                )
            )
    return images, rules, texts


def _qr_caption(doc: CertificateDocument) -> tuple[TextBlock, TextBlock]:
    """Where to verify by hand, and the certificate's number, under the QR code."""
    words = words_for(doc.language)
    style = {"size": 7, "min_size": 5, "colour": MUTED_INK}
    width = QR.width + 14.0
    left = QR.x + QR.width / 2 - width / 2
    return (
        TextBlock(
            words.verify_at % {"site": verify_site(doc.verify_url)},
            Box(left, QR.y + QR.height + 0.5, width, 4.0),
            **style,
        ),
        TextBlock(
            words.number % {"id": doc.certificate_id.hex[:8]},
            Box(left, QR.y + QR.height + 4.5, width, 4.0),
            **style,
        ),
    )


def layout_certificate(doc: CertificateDocument) -> CertificateLayout:
    """Lay out one certificate: letterhead, title, the holder and course, signatures, QR."""
    logos, header = _header(doc)
    body, holder = _body(doc)
    signatures, rules, signatory_texts = _signatories(doc)
    where, number = _qr_caption(doc)
    words = words_for(doc.language)
    background = (*header, *body, *signatory_texts, where)
    return CertificateLayout(
        background_texts=tuple(block for block in background if block.text),
        images=(*logos, *signatures),
        rules=tuple(rules),
        holder_texts=(*holder, number),
        qr=QR,
        qr_modules=certificate_qr(doc.verify_url),
        title=f"{words.titles[doc.kind]}: {_clean(doc.name)}",
    )
