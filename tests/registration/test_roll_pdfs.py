"""The master of ceremonies' roll and the name-reader cards: real PDFs, rendered to images and
read back with pdfium, for Latin, Chinese and Arabic names, in the roll's order, in the language
asked for, and a single page saying so when nobody graduates yet."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pypdfium2
import pytest
from PIL import ImageOps

from services.registration.printing.name_cards import name_cards_pdf, sheets_of
from services.registration.printing.roll import roll_pdf

CEREMONY = {
    "title": "Closing Ceremony",
    "starts_at": datetime(2026, 12, 4, 8, 30, tzinfo=UTC),
    "timezone": "Asia/Tokyo",
    "venue_name": "Grand Hall",
}
COURSE = {
    "title": "Protocol Officers' Course",
    "translations": {"fr": {"title": "Cours des officiers du protocole"}},
    "starts_on": "2026-10-19",
    "ends_on": "2026-11-27",
    "hours": "240.0",
    "roll_order": "hand",
}


def graduate(full_name: str, **fields) -> dict:
    return {
        "registration_id": str(uuid.uuid4()),
        "full_name": full_name,
        "honorific": None,
        "given_name": None,
        "family_name": None,
        "family_first": False,
        "name_latin": None,
        "group": None,
        "result": "completed",
        "phonetic": None,
        "precedence": None,
        "organisation": None,
        "language": "en",
        "certificate": None,
        **fields,
    }


ROLL = [
    graduate(
        "Amina Diallo",
        honorific="Dr",
        phonetic="ah-MEE-nah dee-AH-loh",
        group="Group A",
        result="distinction",
    ),
    graduate(
        "王建国",
        given_name="建国",
        family_name="王",
        family_first=True,
        name_latin="Wang Jianguo",
        phonetic="wahng jyen-gwoh",
        group="Group B",
    ),
    graduate(
        "محمد بن راشد",
        name_latin="Mohammed bin Rashid",
        phonetic="moh-HAM-med bin RAH-shid",
        group="Group A",
        result="attended",
    ),
]


def left_to_right(arabic: str) -> str:
    """An Arabic name's words as they stand on a line of mixed scripts, read off left to right
    (pdfium gives a line's words in the order they are drawn)."""
    return " ".join(reversed(arabic.split()))


def pages_text(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def page_sizes(pdf: bytes) -> list[tuple[int, int]]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [tuple(round(v) for v in page.get_size()) for page in document]
    finally:
        document.close()


def inked(pdf: bytes) -> list[bool]:
    """Whether each page, rendered, has ink on it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        images = [page.render(scale=50 / 72).to_pil().convert("L") for page in document]
    finally:
        document.close()
    return [ImageOps.invert(image).getbbox() is not None for image in images]


# -- the roll ----------------------------------------------------------------------------------


def test_the_roll_lists_each_graduate_in_roll_order_on_a4_portrait():
    pdf = roll_pdf(CEREMONY, COURSE, ROLL, "en")

    (page,) = pages_text(pdf)
    assert page_sizes(pdf) == [(595, 842)] and inked(pdf) == [True]
    numbered = [line for line in page.splitlines() if line[:1].isdigit()]
    assert [line.split()[0] for line in numbered] == ["1", "2", "3"]
    assert "Dr Amina Diallo" in numbered[0]
    assert "王建国" in numbered[1]
    assert left_to_right("محمد بن راشد") in numbered[2]


def test_each_line_has_the_phonetic_spelling_transliteration_group_and_result():
    page = pages_text(roll_pdf(CEREMONY, COURSE, ROLL, "en"))[0]

    for expected in (
        "ah-MEE-nah dee-AH-loh",
        "wahng jyen-gwoh",
        "moh-HAM-med bin RAH-shid",
        "Wang Jianguo",
        "Mohammed bin Rashid",
        "Group A",
        "Group B",
        "Completed with distinction",
        "Attended only",
    ):
        assert expected in page, expected


def test_the_page_head_names_the_course_and_the_ceremony_on_its_own_day():
    page = pages_text(roll_pdf(CEREMONY, COURSE, ROLL, "en"))[0]

    assert "Roll of graduates" in page
    assert "Protocol Officers' Course" in page
    # 08:30 UTC is 17:30 in Tokyo, the same day; the venue follows.
    assert "Closing Ceremony · December 4, 2026 · Grand Hall" in page
    assert "Page 1 of 1" in page


def test_the_roll_is_written_in_the_language_asked_for_with_the_course_title_in_it():
    page = pages_text(roll_pdf(CEREMONY, COURSE, ROLL, "fr"))[0]

    assert "Cours des officiers du protocole" in page
    assert "4 décembre 2026" in page


def test_a_long_roll_runs_over_pages_that_are_numbered_and_keep_the_order():
    roll = [graduate(f"Graduate Number{n:03d}", name_latin=f"Latin {n}") for n in range(1, 91)]

    pages = pages_text(roll_pdf(CEREMONY, COURSE, roll, "en"))

    assert len(pages) >= 2
    assert all(f"Page {i} of {len(pages)}" in page for i, page in enumerate(pages, start=1))
    found = [n for page in pages for n in range(1, 91) if f"Number{n:03d}" in page]
    assert found == list(range(1, 91))
    assert all("Roll of graduates" in page for page in pages)


def test_an_empty_roll_is_one_page_that_says_there_are_no_graduates_yet():
    pdf = roll_pdf(CEREMONY, None, [], "en")

    (page,) = pages_text(pdf)
    assert "There are no graduates on the roll yet." in page
    assert "Closing Ceremony" in page


def test_a_ceremony_row_serves_as_well_as_a_mapping():
    class Row:
        title = "Closing Ceremony"
        starts_at = datetime(2026, 12, 4, 8, 30, tzinfo=UTC)
        timezone = "Asia/Tokyo"
        venue_name = "Grand Hall"

    page = pages_text(roll_pdf(Row(), COURSE, ROLL[:1], "en"))[0]

    assert "Closing Ceremony · December 4, 2026 · Grand Hall" in page


# -- the name-reader cards ---------------------------------------------------------------------


def test_four_cards_to_an_a4_landscape_sheet_each_with_its_call_number_and_pronunciation():
    roll = [*ROLL, graduate("Helen Marsh", group="Group C")]

    pdf = name_cards_pdf(CEREMONY, COURSE, roll, "en")

    (page,) = pages_text(pdf)
    assert page_sizes(pdf) == [(842, 595)] and inked(pdf) == [True]
    for expected in (
        "Dr Amina Diallo",
        "ah-MEE-nah dee-AH-loh",
        "王建国",
        "Wang Jianguo",
        "Mohammed bin Rashid",
        "moh-HAM-med bin RAH-shid",
        "Helen Marsh",
        "Group C",
    ):
        assert expected in page, expected
    assert "محمد بن راشد" in page.splitlines()  # alone on its line, read right to left
    assert all(f"No. {n}" in page for n in (1, 2, 3, 4))


@pytest.mark.parametrize("count", [1, 4, 5, 10, 13])
def test_a_stack_of_sheets_cut_in_four_gives_the_cards_in_roll_order(count):
    sheets = sheets_of(count)
    # The piles, top left first: a place's cards from every sheet in turn.
    piles = [sheet[place] for place in range(4) for sheet in sheets if place < len(sheet)]
    assert piles == list(range(count))
    assert all(len(sheet) <= 4 for sheet in sheets)


def test_the_cards_print_each_graduate_at_the_place_of_their_call_number():
    roll = [graduate(f"Person Number{n:02d}") for n in range(1, 11)]

    pages = pages_text(name_cards_pdf(CEREMONY, COURSE, roll, "en"))

    assert len(pages) == 3
    for page, sheet in zip(pages, sheets_of(10), strict=True):
        assert [n for n in range(1, 11) if f"Number{n:02d}" in page] == sorted(i + 1 for i in sheet)
        assert all(f"No. {i + 1}" in page for i in sheet)


def test_the_cards_use_the_language_asked_for():
    page = pages_text(name_cards_pdf(CEREMONY, COURSE, ROLL[:1], "fr"))[0]

    assert "Cours des officiers du protocole" in page


def test_no_graduates_gives_one_card_sheet_that_says_so():
    pdf = name_cards_pdf(CEREMONY, COURSE, [], "en")

    (page,) = pages_text(pdf)
    assert "There are no graduates on the roll yet." in page


def test_the_ceremony_day_is_written_in_chinese_for_a_chinese_roll():
    page = pages_text(roll_pdf(CEREMONY, COURSE, ROLL, "zh"))[0]

    assert "2026年12月4日" in page


def x_of(pdf: bytes, needle: str) -> float:
    """Where on the first page ``needle`` starts, in points from the left edge."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        page = document[0].get_textpage()
        found = page.search(needle).get_next()
        assert found, needle
        return page.get_charbox(found[0])[0]
    finally:
        document.close()


def test_an_arabic_roll_runs_from_the_right():
    roll = [graduate("Helen Marsh", group="Zeta")]

    english, arabic = (roll_pdf(CEREMONY, COURSE, roll, lang) for lang in ("en", "ar"))

    assert x_of(english, "Zeta") > x_of(english, "Helen")
    assert x_of(arabic, "Zeta") < x_of(arabic, "Helen")
    assert x_of(arabic, "Helen") > 595 / 2 > x_of(english, "Helen")


def test_an_arabic_card_has_its_call_number_in_the_right_corner():
    roll = [graduate("Helen Marsh", group="Zeta")]

    english, arabic = (name_cards_pdf(CEREMONY, COURSE, roll, lang) for lang in ("en", "ar"))

    assert x_of(english, "Zeta") > x_of(english, "1")
    assert x_of(arabic, "Zeta") < 842 / 4 < x_of(arabic, "1")
