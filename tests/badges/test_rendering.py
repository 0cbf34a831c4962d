import io
import math
import uuid
from datetime import UTC, datetime

import pypdfium2
import pytest
import zxingcpp
from PIL import Image, ImageChops, ImageDraw, ImageFont

from services.badges.printing import rendering
from services.badges.printing.layout import (
    CATEGORY_BANDS,
    LINE_SPACING,
    POINT_MM,
    BadgeView,
    Box,
    TextBlock,
    fit_text,
    format_start,
    qr_matrix,
    sort_for_print,
)
from services.badges.signing import codes
from shared import fonts


def render_text_line(
    text: str, size_pt: float = 24.0, bold: bool = False, dpi: int = rendering.PNG_DPI
) -> Image.Image:
    """One line of text drawn exactly as a badge draws it, on a grey-scale image of its own."""
    width_mm = rendering._png_measurer(dpi)(text, size_pt, bold) + 4.0
    height_mm = size_pt * POINT_MM * LINE_SPACING * 1.5
    block = TextBlock(
        text,
        Box(0.0, 0.0, width_mm, height_mm),
        size=size_pt,
        min_size=size_pt,
        bold=bold,
        colour="#000000",
    )
    scale = dpi / 25.4
    image = Image.new("L", (math.ceil(width_mm * scale), math.ceil(height_mm * scale)), 255)
    rendering._draw_png_text(ImageDraw.Draw(image), block, dpi)
    return image


CEREMONY = uuid.UUID("6f1c2a7e-3b9d-4c55-9a61-0d2b7e4f8a10")
NAMES = {
    "latin": "Maria-Elena Fernández de la Torre",
    "chinese": "王伟",
    "arabic": "محمد بن عبد الله آل ثاني",
}
MISSING = "\ue000"  # a private-use code point none of the badge fonts maps


@pytest.fixture(scope="module")
def key():
    return codes.generate_key()


def make_view(key, **overrides):
    fields = {
        "full_name": "Jean Dupont",
        "honorific": "H.E. Mr.",
        "organisation": "Ministry of Foreign Affairs",
        "job_title": "Director General",
        "category": "dignitary",
        "ceremony_title": "Closing Ceremony of the Sixth Senior Officers' Course",
        "starts_at": datetime(2025, 12, 12, 14, 0, tzinfo=UTC),
        "timezone": "Europe/Paris",
        "venue_name": "Palais des Nations",
        "code": codes.sign_code(key, CEREMONY, codes.new_serial()),
    }
    return BadgeView(**{**fields, **overrides})


def decode_all(image):
    """QR texts found in an image, top to bottom then left to right."""
    found = zxingcpp.read_barcodes(image)
    found.sort(key=lambda r: (round(r.position.top_left.y, -2), r.position.top_left.x))
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_pages(pdf_bytes, dpi=200):
    document = pypdfium2.PdfDocument(pdf_bytes)
    return [page.render(scale=dpi / 72).to_pil() for page in document]


# --- PNG and PDF of one badge ------------------------------------------------------------


@pytest.mark.parametrize("script", NAMES)
def test_png_qr_decodes_to_the_code(key, script):
    view = make_view(key, full_name=NAMES[script])
    assert decode_all(Image.open(io.BytesIO(rendering.render_png(view)))) == [view.code]


def test_png_is_a6_at_300_dpi(key):
    image = Image.open(io.BytesIO(rendering.render_png(make_view(key))))
    assert image.size == (1240, 1748)
    assert round(image.info["dpi"][0]) == 300


@pytest.mark.parametrize("script", NAMES)
def test_pdf_qr_decodes_to_the_code(key, script):
    view = make_view(key, full_name=NAMES[script])
    (page,) = pdf_pages(rendering.render_pdf(view))
    assert decode_all(page) == [view.code]


def test_pdf_page_is_a6(key):
    document = pypdfium2.PdfDocument(rendering.render_pdf(make_view(key)))
    width, height = document[0].get_size()
    assert (round(width / 72 * 25.4), round(height / 72 * 25.4)) == (105, 148)


def test_qr_matrix_has_a_four_module_quiet_zone(key):
    modules = qr_matrix(make_view(key).code)
    border = [row[:4] + row[-4:] for row in modules] + list(modules[:4] + modules[-4:])
    assert not any(any(row) for row in border)
    assert len(modules) == 41 + 8  # version 6 is 41 modules wide


# --- Print sheets ------------------------------------------------------------------------


def test_sheets_put_four_badges_on_a_page(key):
    views = [make_view(key) for _ in range(9)]
    assert len(pypdfium2.PdfDocument(rendering.render_sheets(views))) == 3


def test_every_badge_on_a_sheet_decodes_in_the_given_order(key):
    views = [make_view(key, full_name=name) for name in [*NAMES.values(), "Jean Dupont"] * 2]
    pages = pdf_pages(rendering.render_sheets(views))
    assert [decode_all(page) for page in pages] == [
        [v.code for v in views[:4]],
        [v.code for v in views[4:]],
    ]


def test_empty_sheet_run_is_one_page():
    assert len(pypdfium2.PdfDocument(rendering.render_sheets([]))) == 1


# --- Names in Latin, Chinese and Arabic script -------------------------------------------


@pytest.mark.parametrize("weight", fonts.WEIGHTS)
@pytest.mark.parametrize("script", NAMES)
def test_badge_fonts_cover_every_character_of_the_name(script, weight):
    assert fonts.uncovered_characters(NAMES[script], weight) == ""


def ink(image):
    """The dark pixels of a grey-scale image, cropped to their bounding box."""
    mask = image.point(lambda value: 255 if value < 128 else 0)
    return mask.crop(mask.getbbox())


def same_shape(first, second):
    if abs(first.width - second.width) > 1 or abs(first.height - second.height) > 1:
        return False
    second = second.resize(first.size)
    differing = sum(ImageChops.difference(first, second).histogram()[1:])
    return differing < 0.03 * first.width * first.height


def notdef_shape(script):
    """What the font of a script draws for a character it lacks, at render_text_line's size."""
    font = ImageFont.truetype(str(fonts.find_font(script)), 100)  # 24 pt at 300 dpi
    image = Image.new("L", (300, 300), 255)
    ImageDraw.Draw(image).text((50, 50), MISSING, font=font, fill=0)
    return ink(image)


def test_missing_character_is_recognised_as_the_notdef_box():
    assert same_shape(ink(render_text_line(MISSING)), notdef_shape("latin"))


@pytest.mark.parametrize("script", NAMES)
def test_png_draws_real_glyphs_for_the_name(script):
    boxes = [
        char
        for char in dict.fromkeys(NAMES[script])
        if not char.isspace()
        and same_shape(
            ink(render_text_line(char)),
            notdef_shape(fonts.text_runs(char)[0].script),
        )
    ]
    assert boxes == []


@pytest.mark.parametrize("script", NAMES)
def test_pdf_text_uses_only_glyphs_its_fonts_have(script):
    # ReportLab draws each run's visual text with the run's font; a character outside the
    # font's cmap would print as the .notdef box.
    missing = [
        char
        for run in fonts.text_runs(NAMES[script], "bold")
        for char in fonts.visual_text(run)
        if not char.isspace() and ord(char) not in fonts.coverage(run.script, "bold")
    ]
    assert missing == []


# The letters of "محمد" as contextual forms (initial meem, medial hah, medial meem, final dal)
# and as isolated forms, each in logical order.
JOINED_FORMS = "\ufee3\ufea4\ufee4\ufeaa"
ISOLATED_FORMS = "\ufee1\ufea1\ufee1\ufea9"


def test_png_joins_arabic_letters():
    word = ink(render_text_line("محمد"))
    assert same_shape(word, ink(render_text_line(JOINED_FORMS)))
    assert not same_shape(word, ink(render_text_line(ISOLATED_FORMS)))


def test_png_joins_arabic_letters_without_libraqm(monkeypatch):
    with_raqm = ink(render_text_line("محمد"))
    monkeypatch.setattr(rendering, "_RAQM", False)
    rendering._pil_font.cache_clear()
    try:
        without_raqm = ink(render_text_line("محمد"))
    finally:
        rendering._pil_font.cache_clear()
    assert abs(without_raqm.width - with_raqm.width) <= 2
    assert abs(without_raqm.height - with_raqm.height) <= 1


def test_png_writes_arabic_right_to_left():
    # Alef is the tallest letter here; written first, it must stand at the right.
    word = ink(render_text_line("اب"))
    top = word.crop((0, 0, word.width, word.height // 4))
    assert top.getbbox()[0] > word.width / 2


def test_pdf_text_for_arabic_is_joined_and_in_visual_order():
    (run,) = fonts.text_runs("محمد")
    assert fonts.visual_text(run) == JOINED_FORMS[::-1]  # left to right on the page


def test_missing_font_error_names_the_package(monkeypatch, tmp_path):
    monkeypatch.delenv(fonts.FONT_DIR_ENV, raising=False)
    monkeypatch.setattr(fonts, "SYSTEM_FONT_DIRS", (tmp_path,))
    fonts.find_font.cache_clear()
    try:
        with pytest.raises(fonts.FontNotFound, match="fonts-droid-fallback"):
            fonts.find_font("cjk")
    finally:
        fonts.find_font.cache_clear()


def test_font_dir_override_is_searched_first(monkeypatch, tmp_path):
    (tmp_path / "NotoSans-Regular.ttf").symlink_to(fonts.find_font("latin"))
    monkeypatch.setenv(fonts.FONT_DIR_ENV, str(tmp_path))
    fonts.find_font.cache_clear()
    try:
        assert fonts.find_font("latin") == tmp_path / "NotoSans-Regular.ttf"
    finally:
        fonts.find_font.cache_clear()


# --- Layout rules --------------------------------------------------------------------------


def test_print_order_is_precedence_then_family_name(key):
    views = [
        make_view(key, full_name="Anna Zimmermann"),
        make_view(key, full_name="Zoe Adams"),
        make_view(key, full_name="Karl Berg", precedence=2),
        make_view(key, full_name="Élise Martin"),
        make_view(key, full_name="Omar Haddad", precedence=1),
    ]
    assert [v.full_name for v in sort_for_print(views)] == [
        "Omar Haddad",
        "Karl Berg",
        "Zoe Adams",
        "Élise Martin",
        "Anna Zimmermann",
    ]


def test_every_category_has_its_own_colour_and_label():
    assert set(CATEGORY_BANDS) == {"dignitary", "speaker", "guest", "participant", "press", "staff"}
    assert len({band.fill for band in CATEGORY_BANDS.values()}) == len(CATEGORY_BANDS)
    assert all(band.label for band in CATEGORY_BANDS.values())


def test_start_is_shown_in_the_ceremony_time_zone(key):
    assert format_start(make_view(key)) == "Friday 12 December 2025, 15:00 CET"


def test_numeric_time_zone_names_read_as_utc_offsets(key):
    assert format_start(make_view(key, timezone="Asia/Dubai")).endswith("18:00 UTC+04")


def test_view_refuses_a_naive_start(key):
    with pytest.raises(ValueError, match="timezone-aware"):
        make_view(key, starts_at=datetime(2025, 12, 12, 14, 0))


@pytest.mark.parametrize("zone", ["Mars/Olympus_Mons", "../etc/passwd", ""])
def test_view_refuses_an_unknown_time_zone(key, zone):
    with pytest.raises(ValueError, match="time zone"):
        make_view(key, timezone=zone)


def test_view_refuses_an_unknown_category(key):
    with pytest.raises(ValueError, match="category"):
        make_view(key, category="vip")


def width_by_length(text, size, bold):
    return len(text) * size * 0.2


def test_short_text_keeps_its_full_size():
    block = TextBlock("Jean Dupont", Box(0, 0, 93, 20), size=24, min_size=17, max_lines=2)
    assert fit_text(block, width_by_length) == (["Jean Dupont"], 24)


def test_long_name_wraps_onto_two_lines_that_fit():
    name = "Maria-Elena Fernández de la Torre y Castillo"
    block = TextBlock(name, Box(0, 0, 93, 20), size=24, min_size=17, max_lines=2)
    lines, size = fit_text(block, width_by_length)
    assert len(lines) == 2
    assert max(width_by_length(line, size, True) for line in lines) <= 93
