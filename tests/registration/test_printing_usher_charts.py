"""Usher charts: a page per section, the stage marked, names in every script in their seats,
accessible seats and aisles drawn."""

from __future__ import annotations

import pypdfium2
import pytest
from PIL import ImageChops

from services.registration.printing import usher_charts
from services.registration.printing.usher_charts import Chart, render_usher_charts

WORDS = {
    "section": "Section",
    "stage": "Stage",
    "row": "Row",
    "table": "Table",
    "taken": "Seated",
    "free": "Free seat",
    "accessible": "Accessible seat",
    "aisle": "A gap between seats is an aisle.",
}


def hall(**overrides) -> dict:
    """Two sections of three rows of six seats, an aisle after seat 3 of A, seats 1 accessible."""
    layout = {
        "name": "Grand Hall",
        "stage": "Podium",
        "sections": [
            {"name": "A", "kind": "rows", "aisles_after": [3]},
            {"name": "B", "kind": "rows", "aisles_after": []},
        ],
        "seats": [
            {"section": s, "row": str(r), "number": n, "accessible": n == 1}
            for s in "AB"
            for r in (1, 2, 3)
            for n in range(1, 7)
        ],
    }
    return {**layout, **overrides}


OCCUPANTS = {
    "A:1:3": "H.E. Ms Amina Diallo",
    "A:1:4": "王建国阁下",
    "A:2:1": "سعادة محمد بن راشد",
    "B:3:6": "Élise Fernández",
}


def pages_text(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def render_page(pdf: bytes, index: int, dpi: int = 72):
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[index].render(scale=dpi / 72).to_pil().convert("L")
    finally:
        document.close()


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_usher_charts(Chart("Closing Ceremony", hall(), OCCUPANTS, WORDS))


def test_one_landscape_page_per_section_in_the_layouts_order(pdf):
    document = pypdfium2.PdfDocument(pdf)
    sizes = [document[i].get_size() for i in range(len(document))]
    document.close()
    assert len(sizes) == 2
    assert all(width > height for width, height in sizes)  # A4 landscape
    first, second = pages_text(pdf)
    assert "Section A" in first and "Section B" in second
    assert "Podium" in first and "Podium" in second  # the layout's own name for the stage


def test_names_in_latin_chinese_and_arabic_are_on_their_sections_page(pdf):
    first, second = (page.splitlines() for page in pages_text(pdf))
    assert {"H.E. Ms Amina Diallo", "王建国阁下", "سعادة محمد بن راشد"} <= set(first)
    assert "Élise Fernández" in second and "Élise Fernández" not in first


def test_rows_run_from_the_stage_backwards_with_a_legend(pdf):
    lines = pages_text(pdf)[0].splitlines()
    assert (
        lines.index("Podium") < lines.index("Row 1") < lines.index("Row 2") < lines.index("Row 3")
    )
    legend = lines[-1]
    assert "Seated" in legend and "Free seat" in legend and "Accessible seat" in legend


def runs_of_ink(image, y_pt: float, dpi: int) -> list[tuple[int, int]]:
    """(start, length) in pixels of each dark stretch across the seats at height ``y_pt``."""
    scale = dpi / 72
    y = round((usher_charts.PAGE[1] - y_pt) * scale)
    start = round((usher_charts.MARGIN + usher_charts.ROW_LABEL) * scale)  # past the row labels
    runs: list[tuple[int, int]] = []
    for x in range(start, image.width):
        if image.getpixel((x, y)) < 160:
            if runs and runs[-1][0] + runs[-1][1] == x:
                runs[-1] = (runs[-1][0], runs[-1][1] + 1)
            else:
                runs.append((x, 1))
    return runs


def first_row_middle(rows: int) -> float:
    top = usher_charts.PAGE[1] - usher_charts.MARGIN - usher_charts.HEADER
    room = top - usher_charts.MARGIN - usher_charts.LEGEND
    return top - min(usher_charts.MAX_BOX[1], room / rows) / 2


def test_an_aisle_is_a_gap_between_the_seats_either_side_of_it():
    seats = hall()["seats"][:18]
    between = {}
    for aisles in ((), (3,)):
        layout = hall(sections=[{"name": "A", "aisles_after": list(aisles)}], seats=seats)
        image = render_page(render_usher_charts(Chart("T", layout, {}, WORDS)), 0, dpi=100)
        runs = runs_of_ink(image, first_row_middle(3), 100)
        assert len(runs) == 12  # two frame edges a seat
        # From one box's right edge to the next box's left edge, seat after seat.
        between[aisles] = [runs[i + 1][0] - sum(runs[i]) for i in range(1, 11, 2)]
    box = runs[1][0] - runs[0][0]
    assert max(between[()]) < box / 10
    assert between[(3,)][2] > box / 2  # after seat 3
    assert max(between[(3,)][:2] + between[(3,)][3:]) < box / 10


def test_an_accessible_seat_has_a_thicker_frame_than_the_others():
    layout = hall(sections=[{"name": "A"}], seats=hall()["seats"][:18])
    image = render_page(render_usher_charts(Chart("T", layout, {}, WORDS)), 0, dpi=300)
    runs = runs_of_ink(image, first_row_middle(3), 300)
    # Each box gives two frame edges: seat 1's (accessible) left edge, then seat 2's.
    assert len(runs) == 12
    assert runs[0][1] > 2 * runs[2][1]


def test_a_dinner_tables_section_names_its_rows_tables():
    layout = {
        "name": "Dinner",
        "sections": [{"name": "Dinner", "kind": "tables"}],
        "seats": [{"section": "Dinner", "row": "T1", "number": n} for n in (1, 2)],
    }
    (text,) = pages_text(render_usher_charts(Chart("Gala", layout, {"Dinner:T1:2": "Ada"}, WORDS)))
    assert "Table T1" in text and "Ada" in text and "Stage" in text


def test_a_long_name_in_a_narrow_seat_stays_inside_its_box():
    seats = [{"section": "A", "row": "1", "number": n} for n in range(1, 31)]
    layout = hall(sections=[{"name": "A"}], seats=seats)
    long = {"A:1:1": "Professor Alexandra Konstantinopoulou-Featherstonehaugh"}
    empty, named = (
        render_page(render_usher_charts(Chart("T", layout, occupants, WORDS)), 0, dpi=150)
        for occupants in ({}, long)
    )
    middle = first_row_middle(1)
    runs = runs_of_ink(empty, middle, 150)
    first_box_right = sum(runs[1])  # the right frame edge of seat 1
    rest = (first_box_right, 0, empty.width, empty.height)
    assert ImageChops.difference(empty.crop(rest), named.crop(rest)).getbbox() is None
    (text,) = pages_text(render_usher_charts(Chart("T", layout, long, WORDS)))
    assert "Profess…" in text.splitlines()  # shortened, not spilled
