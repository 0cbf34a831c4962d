"""Certificate PDFs: A4 landscape, the QR code's verification URL and its signed code, logos and
signatures in proportion, long names that shrink to fit, and the hand-over PDF in order."""

from __future__ import annotations

import ctypes
import io
import logging
import re
import uuid
from dataclasses import replace
from datetime import date
from decimal import Decimal

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
import zxingcpp
from PIL import Image

from services.badges.printing import rendering
from services.badges.printing.certificate_document import (
    CertificateDocument,
    Organisation,
    Signatory,
)
from services.badges.printing.certificate_layout import (
    PAGE_HEIGHT_MM,
    PAGE_WIDTH_MM,
    layout_certificate,
)
from services.badges.printing.certificates import render_certificate, render_certificates
from services.badges.printing.layout import fit_text
from services.badges.signing import codes
from services.badges.signing.certificates import (
    parse_certificate_code,
    sign_certificate_code,
    verify_certificate_code,
)

CEREMONY = uuid.UUID("6f1c2a7e-3b9d-4c55-9a61-0d2b7e4f8a10")
A4_LANDSCAPE_PT = (841.89, 595.28)
POINT_MM = 25.4 / 72
KEY = codes.generate_key()


def solid_png(width: int, height: int, colour: tuple[int, int, int, int]) -> bytes:
    """A PNG of one colour: its drawn extent is easy to find on the rendered page."""
    out = io.BytesIO()
    Image.new("RGBA", (width, height), colour).save(out, "PNG")
    return out.getvalue()


LOGO_WIDE = solid_png(400, 200, (200, 30, 30, 255))  # 2:1, red
LOGO_SQUARE = solid_png(300, 300, (30, 160, 30, 255))
SIGNATURE = solid_png(600, 150, (20, 20, 200, 255))  # 4:1, blue


def make_doc(**overrides) -> CertificateDocument:
    """A certificate of completion in English with two logos and two signatories, signed."""
    fields = {
        "kind": "completion",
        "language": "en",
        "name": "Amina Diallo",
        "name_latin": None,
        "result": "completed",
        "course_title": "Sixth Senior Officers' Course",
        "starts_on": date(2026, 11, 3),
        "ends_on": date(2026, 11, 14),
        "hours": Decimal("120"),
        "organisations": (
            Organisation("International Training Centre", LOGO_WIDE),
            Organisation("Ministry of the Interior", LOGO_SQUARE),
        ),
        "signatories": (
            Signatory("Dr Amina Diallo", "Director General", SIGNATURE),
            Signatory("Colonel Pierre Martin", "Course Director", SIGNATURE),
        ),
        "issued_on": date(2026, 11, 14),
        "certificate_id": uuid.uuid4(),
        "verify_url": "",
        "ceremony_title": "Closing Ceremony",
        "place": "Geneva",
    }
    fields.update(overrides)
    code = sign_certificate_code(
        KEY,
        ceremony_id=CEREMONY,
        certificate_id=fields["certificate_id"],
        kind=fields["kind"],
        result=fields["result"],
        name=fields["name"],
    )
    fields["verify_url"] = fields["verify_url"] or f"https://badges.example.org/verify/{code}"
    return CertificateDocument(**fields)


def page_lines(pdf: bytes, index: int = 0) -> list[str]:
    """The text lines of a page as pdfium extracts them, top to bottom, then left to right."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        textpage = document[index].get_textpage()
        whole = textpage.get_text_range()
        x, y = ctypes.c_double(), ctypes.c_double()
        placed, at = [], 0
        for line in filter(None, whole.splitlines()):
            start = whole.index(line, at)
            at = start + len(line)
            # The first character's origin is on the line's baseline.
            pdfium_c.FPDFText_GetCharOrigin(textpage.raw, start, x, y)
            placed.append((-round(y.value, 1), x.value, line))
        return [line for _, _, line in sorted(placed)]
    finally:
        document.close()


def page_images(pdf: bytes, dpi: int = 150) -> list[Image.Image]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil() for page in document]
    finally:
        document.close()


def qr_texts(image: Image.Image) -> list[str]:
    """The QR codes zxing-cpp finds on an image."""
    found = zxingcpp.read_barcodes(image)
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]


def test_the_qr_holds_the_verify_url_whose_code_verifies_with_the_public_key_alone():
    doc = make_doc(result="distinction")

    (page,) = page_images(render_certificate(doc))
    (url,) = qr_texts(page)

    assert url == doc.verify_url
    code = url.rsplit("/", 1)[1]
    parsed = verify_certificate_code(code, KEY.public_key())
    assert parsed is not None
    assert (parsed.ceremony_id, parsed.certificate_id) == (CEREMONY, doc.certificate_id)
    assert (parsed.kind, parsed.result) == ("completion", "distinction")
    assert parsed.names("Amina Diallo") and not parsed.names("Amina Diallo-Smith")
    assert verify_certificate_code(code, codes.generate_key().public_key()) is None


def test_the_qr_code_is_scanned_from_a_print_resolution_page_too():
    doc = make_doc(kind="appreciation", result=None)

    (page,) = page_images(render_certificate(doc), dpi=100)

    assert qr_texts(page) == [doc.verify_url]
    assert parse_certificate_code(doc.verify_url.rsplit("/", 1)[1]).result is None


def test_the_page_is_one_a4_landscape_page():
    document = pypdfium2.PdfDocument(render_certificate(make_doc()))
    try:
        assert len(document) == 1
        assert document[0].get_size() == pytest.approx(A4_LANDSCAPE_PT, abs=0.01)
    finally:
        document.close()


def test_the_page_says_what_was_completed_when_and_where():
    lines = page_lines(render_certificate(make_doc()))

    assert lines[:9] == [
        "International Training Centre · Ministry of the Interior",
        "Certificate of Completion",
        "This is to certify that",
        "Amina Diallo",
        "has successfully completed the course",
        "Sixth Senior Officers' Course",
        "3–14 November 2026 · 120 hours",
        "Given at Geneva on 14 November 2026",
        "Dr Amina Diallo",
    ]
    assert "Verify at badges.example.org/verify" in lines


def test_the_caption_names_the_certificate_by_its_ids_first_eight_characters():
    doc = make_doc(certificate_id=uuid.UUID("1a2b3c4d-0000-4000-8000-000000000000"))

    lines = page_lines(render_certificate(doc))

    assert lines[-2:] == ["Verify at badges.example.org/verify", "No. 1a2b3c4d"]


def test_distinction_attendance_and_appreciation_are_worded_for_what_they_are():
    said = {
        (kind, result): page_lines(render_certificate(make_doc(kind=kind, result=result)))
        for kind, result in [
            ("completion", "distinction"),
            ("attendance", "attended"),
            ("appreciation", None),
        ]
    }

    assert (
        "has successfully completed, with distinction, the course"
        in said[("completion", "distinction")]
    )
    assert {"Certificate of Attendance", "attended the course"} <= set(
        said[("attendance", "attended")]
    )
    appreciation = said[("appreciation", None)]
    assert "Certificate of Appreciation" in appreciation
    assert "This certificate is presented to" in appreciation
    assert (
        "in grateful recognition of their contribution as an expert to the course" in appreciation
    )


def test_a_certificate_without_logos_or_signatures_renders_with_the_names_alone():
    doc = make_doc(
        organisations=(Organisation("International Training Centre"),),
        signatories=(),
        place=None,
    )

    pdf = render_certificate(doc)

    lines = page_lines(pdf)
    assert lines[0] == "International Training Centre"
    assert "Given on 14 November 2026" in lines
    assert "Dr Amina Diallo" not in lines
    (page,) = page_images(pdf)
    assert qr_texts(page) == [doc.verify_url]
    assert not colour_box(page, (20, 20, 200))  # no signature drawn


def test_a_certificate_of_no_organisation_and_no_signatory_renders():
    doc = make_doc(organisations=(), signatories=())

    (page,) = page_images(render_certificate(doc))

    assert qr_texts(page) == [doc.verify_url]


def colour_box(image: Image.Image, rgb: tuple[int, int, int]) -> tuple[int, int, int, int] | None:
    """The bounding box (pixels) of the pixels close to a colour, or None."""
    red, green, blue = (image.convert("RGB").getchannel(i) for i in range(3))
    near = [
        channel.point(lambda v, want=want: 255 if abs(v - want) < 40 else 0)
        for channel, want in zip((red, green, blue), rgb, strict=True)
    ]
    mask = Image.new("L", image.size, 255)
    for channel in near:
        mask = Image.composite(mask, Image.new("L", image.size, 0), channel)
    return mask.getbbox()


def test_logos_and_signatures_keep_their_aspect_ratio():
    (page,) = page_images(
        render_certificate(make_doc(signatories=(Signatory("A", "", SIGNATURE),)))
    )

    left, top, right, bottom = colour_box(page, (200, 30, 30))
    assert (right - left) / (bottom - top) == pytest.approx(2.0, rel=0.03)
    left, top, right, bottom = colour_box(page, (30, 160, 30))
    assert (right - left) / (bottom - top) == pytest.approx(1.0, rel=0.03)
    left, top, right, bottom = colour_box(page, (20, 20, 200))
    assert (right - left) / (bottom - top) == pytest.approx(4.0, rel=0.03)


def image_objects(pdf: bytes) -> int:
    return len(re.findall(rb"/Subtype /Image", pdf))


def test_a_batch_embeds_each_image_once_however_many_pages_show_it():
    one = render_certificate(make_doc())
    same = render_certificates([make_doc(name=f"Graduate {n}") for n in range(6)])
    signed = [Signatory("A", "", solid_png(600, 150 + n, (20, 20, 200, 255))) for n in range(6)]
    distinct = render_certificates([make_doc(signatories=(person,)) for person in signed])

    assert image_objects(same) == image_objects(one) >= 3  # two logos and a signature
    assert image_objects(distinct) >= image_objects(one) + 5


def test_an_unreadable_image_is_left_out_and_the_certificate_still_prints(caplog):
    doc = make_doc(organisations=(Organisation("Centre", b"not a png at all"),))

    with caplog.at_level(logging.WARNING):
        pdf = render_certificate(doc)

    assert "Centre" in page_lines(pdf)
    assert "cannot be read" in caplog.text
    (page,) = page_images(pdf)
    assert qr_texts(page) == [doc.verify_url]


LONG_NAME = (
    "Maximiliano Alejandro Fernández de la Torre y Villanueva-Castellanos "
    "Rodríguez de Mendoza Ortega Bustamante y del Olmedo"
)


def char_boxes(pdf: bytes, text: str) -> list[tuple[float, float, float, float]]:
    """The boxes (points, from the bottom-left) of the characters of one line of a page."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        textpage = document[0].get_textpage()
        whole = textpage.get_text_range()
        start = whole.index(text)
        return [textpage.get_charbox(i) for i in range(start, start + len(text))]
    finally:
        document.close()


def test_a_120_character_name_shrinks_and_wraps_inside_the_page():
    assert len(LONG_NAME) == 120
    doc = make_doc(name=LONG_NAME)
    name_block = next(b for b in layout_certificate(doc).texts if b.text == LONG_NAME)

    lines, size = fit_text(name_block, rendering._pdf_measure)

    assert len(lines) == 2 and size < name_block.size
    pdf = render_certificate(doc)
    page_lines_found = page_lines(pdf)
    first = page_lines_found.index(lines[0])
    assert page_lines_found[first + 1] == lines[1]
    boxes = char_boxes(pdf, lines[0]) + char_boxes(pdf, lines[1])
    width = A4_LANDSCAPE_PT[0]
    margin = 12 / POINT_MM  # inside the border
    assert all(margin < left and right < width - margin for left, _, right, _ in boxes)
    # Between the line above it and the one below it: no overlap.
    above = char_boxes(pdf, "This is to certify that")
    below = char_boxes(pdf, "has successfully completed the course")
    assert min(b[1] for b in above) > max(b[3] for b in boxes)
    assert min(b[1] for b in boxes) > max(b[3] for b in below)
    (page,) = page_images(pdf)
    assert qr_texts(page) == [doc.verify_url]


def overlaps(a, b) -> bool:
    return (
        a.x < b.x + b.width
        and b.x < a.x + a.width
        and a.y < b.y + b.height
        and b.y < a.y + a.height
    )


def test_four_organisations_and_four_long_signatories_stay_apart_and_on_the_page():
    long = "Ambassador Extraordinary and Plenipotentiary, Permanent Representative"
    doc = make_doc(
        name=LONG_NAME,
        course_title="Advanced " * 20 + "Course",
        organisations=tuple(
            Organisation(f"Organisation number {n} " * 3, LOGO_WIDE) for n in range(4)
        ),
        signatories=tuple(Signatory(f"Dr Signatory {n} " * 4, long, SIGNATURE) for n in range(4)),
    )
    layout = layout_certificate(doc)
    boxes = [block.box for block in layout.texts] + [slot.box for slot in layout.images]
    boxes.append(layout.qr)

    for box in boxes:
        assert 10 <= box.x <= box.x + box.width <= PAGE_WIDTH_MM - 10
        assert 10 <= box.y <= box.y + box.height <= PAGE_HEIGHT_MM - 10
    assert not [(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :] if overlaps(a, b)]
    for block in layout.texts:
        lines, size = fit_text(block, rendering._pdf_measure)
        assert max(rendering._pdf_measure(line, size, block.bold) for line in lines) <= (
            block.box.width
        ), block.text
        assert len(lines) * size * 1.2 * POINT_MM <= block.box.height + 1e-6, block.text
    (page,) = page_images(render_certificate(doc))
    assert qr_texts(page) == [doc.verify_url]


def test_the_hand_over_pdf_has_a_page_each_in_the_order_given():
    docs = [make_doc(name=name) for name in ("Zoë Adams", "Amina Diallo", "王伟")]

    pdf = render_certificates(docs)

    pages = page_images(pdf)
    assert len(pages) == 3
    for index, (doc, page) in enumerate(zip(docs, pages, strict=True)):
        assert doc.name in page_lines(pdf, index)
        assert qr_texts(page) == [doc.verify_url]


def test_the_hand_over_pdf_takes_any_iterable():
    docs = (make_doc(name=f"Graduate {n}") for n in range(2))

    assert len(pypdfium2.PdfDocument(render_certificates(docs))) == 2


def test_nothing_to_hand_over_is_one_page_that_says_so():
    pdf = render_certificates([])

    assert page_lines(pdf) == ["No certificates to print."]


def test_a_code_for_another_name_does_not_match_the_printed_one():
    doc = make_doc()
    forged = replace(doc, name="Someone Else")

    (page,) = page_images(render_certificate(forged))
    (url,) = qr_texts(page)

    parsed = verify_certificate_code(url.rsplit("/", 1)[1], KEY.public_key())
    assert parsed is not None and not parsed.names(forged.name)
