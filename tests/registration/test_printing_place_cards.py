"""Place cards: tent cards on A4 or A5, the name printed twice, the upper half upside down, in
Latin, Chinese and Arabic script."""

from __future__ import annotations

import pypdfium2
import pytest
from PIL import ImageChops, ImageOps

from services.registration.printing.place_cards import PlaceCard, render_place_cards

CARDS = [
    PlaceCard("H.E. Ms Amina Diallo", None, "Closing Ceremony"),
    PlaceCard("王建国阁下", "Wang Jianguo", "Closing Ceremony"),
    PlaceCard("سعادة محمد بن راشد", "Mohammed bin Rashid", "Closing Ceremony"),
]


def pages_text(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def page_images(pdf: bytes, dpi: int = 60) -> list:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.render(scale=dpi / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()


@pytest.mark.parametrize(("size", "points"), [("A4", (595, 842)), ("A5", (420, 595))])
def test_one_sheet_per_guest_in_the_size_asked_for(size, points):
    pdf = render_place_cards(CARDS, size)
    document = pypdfium2.PdfDocument(pdf)
    sizes = [tuple(round(v) for v in document[i].get_size()) for i in range(len(document))]
    document.close()
    assert sizes == [points] * 3


def test_each_card_prints_the_name_twice_with_its_transliteration_under_it():
    diallo, wang, rashid = (page.splitlines() for page in pages_text(render_place_cards(CARDS)))
    assert diallo.count("H.E. Ms Amina Diallo") == 2
    assert wang.count("王建国阁下") == 2 and wang.count("Wang Jianguo") == 2
    assert rashid.count("سعادة محمد بن راشد") == 2
    assert rashid.index("Mohammed bin Rashid") == rashid.index("سعادة محمد بن راشد") + 1


@pytest.mark.parametrize("index", [0, 1, 2])
def test_the_upper_half_is_the_lower_half_turned_upside_down(index):
    (page,) = page_images(render_place_cards([CARDS[index]], "A5"))
    half = page.height // 2
    lower = page.crop((0, page.height - half, page.width, page.height))
    upper = page.crop((0, 0, page.width, half))
    assert ImageOps.invert(lower).getbbox() is not None  # there is ink to compare
    turned = ImageChops.difference(lower, upper.rotate(180))
    upright = ImageChops.difference(lower, upper)
    # Anti-aliasing differs by a pixel at most; an upright copy would differ everywhere.
    assert _ink(turned) < _ink(upright) / 10


def _ink(image) -> int:
    return sum(image.histogram()[97:])


def test_a_long_name_is_fitted_across_the_card_within_its_margins():
    long = PlaceCard("Her Excellency Professor Alexandra Konstantinopoulou-Featherstonehaugh")
    (page,) = page_images(render_place_cards([long], "A5"))
    lower = page.crop((0, page.height // 2 + 4, page.width, page.height))  # below the fold
    left, _, right, _ = ImageOps.invert(lower).getbbox()
    assert left >= page.width * 0.07 and right <= page.width * 0.93
    assert right - left > page.width * 0.8
