"""Names on badges as the protocol table writes them, in the holder's language, with the Latin
transliteration of a name in another script printed small under it."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime

import pypdfium2
import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from services.badges.models import badges, registrations
from services.badges.printing import rendering
from services.badges.printing.layout import (
    MARGIN_MM,
    BadgeView,
    layout_badge,
    place_text,
    sort_for_print,
)
from services.badges.signing import codes
from tests.badges.fixtures import get_badge, registration_envelope

CEREMONY = uuid.UUID("2d0c7d3e-61a4-4f7e-9d55-3b1f0e9a6c21")
DIALLO = {"full_name": "Amina Diallo", "honorific": "H.E. Ms"}
WANG = {
    "full_name": "王建国",
    "given_name": "建国",
    "family_name": "王",
    "family_first": True,
    "honorific": "H.E.",
    "language": "zh",
}
RASHID = {
    "full_name": "محمد بن راشد",
    "given_name": "محمد",
    "family_name": "بن راشد",
    "honorific": "H.E.",
    "name_latin": "Mohammed bin Rashid",
    "language": "ar",
}


@pytest.fixture(scope="module")
def key():
    return codes.generate_key()


def make_view(key, **person) -> BadgeView:
    fields = {
        "category": "dignitary",
        "ceremony_title": "Closing Ceremony of the Sixth Senior Officers' Course",
        "starts_at": datetime(2025, 12, 12, 14, 0, tzinfo=UTC),
        "timezone": "Europe/Paris",
        "venue_name": "Palais des Nations",
        "organisation": "Ministry of Foreign Affairs",
        "code": codes.sign_code(key, CEREMONY, codes.new_serial()),
    }
    return BadgeView(**{**fields, **person})


def person_lines(view: BadgeView) -> list[str]:
    """The texts of the badge's person block, top to bottom (the header's three go first)."""
    return [block.text for block in layout_badge(view).texts[3:-1]]


def pdf_text(pdf: bytes) -> list[str]:
    """The text of each page of a PDF, as a reader extracts it."""
    document = pypdfium2.PdfDocument(pdf)
    try:
        return [page.get_textpage().get_text_range() for page in document]
    finally:
        document.close()


def decode_all(image) -> list[str]:
    found = zxingcpp.read_barcodes(image)
    found.sort(key=lambda r: (round(r.position.top_left.y, -2), r.position.top_left.x))
    return [r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode]


def pdf_images(pdf: bytes, dpi: int = 200) -> list:
    return [page.render(scale=dpi / 72).to_pil() for page in pypdfium2.PdfDocument(pdf)]


# --- One badge ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "printed"),
    [("en", "H.E. Ms Amina Diallo"), ("fr", "S.E. Mme Amina Diallo")],
)
def test_the_name_is_printed_as_the_protocol_table_writes_it_in_the_holders_language(
    key, language, printed
):
    view = make_view(key, **DIALLO, language=language)
    assert person_lines(view) == [printed, "Ministry of Foreign Affairs"]
    (text,) = pdf_text(rendering.render_pdf(view))
    assert printed in text.splitlines()


def test_a_chinese_name_is_written_family_first_with_the_title_after_it(key):
    view = make_view(key, **WANG, organisation=None)
    assert person_lines(view) == ["王建国阁下"]
    pdf = rendering.render_pdf(view)
    assert "王建国阁下" in pdf_text(pdf)[0].splitlines()
    (page,) = pdf_images(pdf)
    assert decode_all(page) == [view.code]
    assert decode_all(Image.open(io.BytesIO(rendering.render_png(view)))) == [view.code]


def test_an_arabic_name_has_its_transliteration_small_under_it(key):
    view = make_view(key, **RASHID)
    blocks = {block.text: block for block in layout_badge(view).texts}
    name, latin = blocks["سعادة محمد بن راشد"], blocks["Mohammed bin Rashid"]
    assert latin.box.y == name.box.y + name.box.height
    assert latin.size < name.size and not latin.bold
    pdf = rendering.render_pdf(view)
    lines = pdf_text(pdf)[0].splitlines()
    assert lines.index("Mohammed bin Rashid") == lines.index("سعادة محمد بن راشد") + 1
    (page,) = pdf_images(pdf)
    assert decode_all(page) == [view.code]
    assert decode_all(Image.open(io.BytesIO(rendering.render_png(view)))) == [view.code]


def test_a_transliteration_that_repeats_the_name_is_not_printed_twice(key):
    view = make_view(key, **DIALLO, name_latin="Amina Diallo", organisation=None)
    assert person_lines(view) == ["H.E. Ms Amina Diallo"]


def test_a_job_title_the_name_already_ends_with_is_not_printed_again(key):
    view = make_view(key, **DIALLO, job_title="Minister of Foreign Affairs", organisation=None)
    assert person_lines(view) == ["H.E. Ms Amina Diallo, Minister of Foreign Affairs"]
    view = make_view(key, **DIALLO, job_title="Minister of Foreign Affairs", language="fr")
    assert person_lines(view)[-1] == "Minister of Foreign Affairs"


def test_a_name_typed_whole_before_names_came_in_parts_is_still_addressed(key):
    view = make_view(key, full_name="Helen Marsh", honorific="Dr", language="fr-CA")
    assert person_lines(view)[0] == "Dr Helen Marsh"


@pytest.mark.parametrize(
    "measure", [rendering._pdf_measure, rendering._png_measurer(rendering.PNG_DPI)]
)
def test_a_long_name_and_transliteration_stay_within_the_badge(key, measure):
    view = make_view(
        key,
        full_name="عبد الرحمن بن محمد بن عبد العزيز بن عبد الله آل سعود",
        given_name="عبد الرحمن بن محمد بن عبد العزيز بن عبد الله",
        family_name="آل سعود",
        honorific="H.E.",
        job_title="Minister of State for Foreign Affairs",
        name_latin="Abdulrahman bin Mohammed bin Abdulaziz bin Abdullah Al Saud",
        language="ar",
    )
    for block in layout_badge(view).texts:
        size, lines = place_text(block, measure)
        for line, left, baseline in lines:
            assert left >= MARGIN_MM - 0.01, line
            assert left + measure(line, size, block.bold) <= block.box.x + block.box.width + 0.01
            assert block.box.y <= baseline <= block.box.y + block.box.height, line


# --- Print sheets ------------------------------------------------------------------------


def test_sheets_print_each_name_in_its_holders_language(key):
    views = [make_view(key, **DIALLO, language="fr"), make_view(key, **WANG)]
    (text,) = pdf_text(rendering.render_sheets(views))
    assert {"S.E. Mme Amina Diallo", "王建国阁下"} <= set(text.splitlines())


def test_print_order_sorts_on_the_family_name_when_it_is_known(key):
    views = [
        make_view(key, full_name="Ana Gómez"),
        make_view(
            key,
            full_name="Maria-Elena Fernández de la Torre",
            given_name="Maria-Elena",
            family_name="Fernández de la Torre",
        ),
        make_view(key, full_name="Zoe Adams", precedence=1),
    ]
    assert [v.full_name for v in sort_for_print(views)] == [
        "Zoe Adams",
        "Maria-Elena Fernández de la Torre",
        "Ana Gómez",
    ]


# --- Through the service -----------------------------------------------------------------


def stored_names(database, registration_id):
    columns = ("given_name", "family_name", "family_first", "name_latin")
    with database.transaction() as session:
        query = select(*(registrations.c[c] for c in columns))
        return session.execute(query.where(registrations.c.id == registration_id)).one()


def test_the_projection_keeps_the_name_parts_and_transliteration(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id, **RASHID)
    assert tuple(stored_names(database, registration_id)) == (
        "محمد",
        "بن راشد",
        False,
        "Mohammed bin Rashid",
    )


def test_an_event_without_name_parts_leaves_them_empty(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id, full_name="Jean Dupont")
    names = stored_names(database, registration_id)
    assert (names.given_name, names.family_name, names.name_latin) == (None, None, None)


def test_the_badge_pdf_prints_the_name_in_the_holders_language(
    client, feed, organiser_headers, ceremony_id
):
    registration_id = feed.confirm(ceremony_id, **WANG, category="dignitary")
    badge = get_badge(client, organiser_headers, registration_id)
    response = client.get(
        f"/api/registrations/{registration_id}/badge.pdf", headers=organiser_headers
    )
    assert "王建国阁下" in pdf_text(response.data)[0].splitlines()
    (page,) = pdf_images(response.data)
    assert decode_all(page) == [badge["code"]]


def test_the_badge_json_carries_the_transliteration(client, feed, organiser_headers, ceremony_id):
    registration_id = feed.confirm(ceremony_id, **RASHID)
    assert get_badge(client, organiser_headers, registration_id)["name_latin"] == (
        "Mohammed bin Rashid"
    )


def test_sheets_through_the_service_print_names_and_transliterations(
    client, feed, organiser_headers, ceremony_id
):
    feed.confirm(ceremony_id, **DIALLO, language="fr", category="dignitary", precedence=1)
    feed.confirm(ceremony_id, **RASHID, category="dignitary", precedence=2)
    response = client.get(f"/api/ceremonies/{ceremony_id}/badges.pdf", headers=organiser_headers)
    (text,) = pdf_text(response.data)
    lines = text.splitlines()
    assert lines.index("S.E. Mme Amina Diallo") < lines.index("سعادة محمد بن راشد")
    assert lines.index("Mohammed bin Rashid") == lines.index("سعادة محمد بن راشد") + 1


def test_a_corrected_transliteration_asks_for_a_reprint(feed, database, ceremony_id):
    registration_id = feed.confirm(ceremony_id, **RASHID)
    with database.transaction() as session:
        session.execute(badges.update().values(printed_at=datetime.now(UTC)))
    corrected = {**RASHID, "name_latin": "Muhammad bin Rashid"}
    feed.deliver(
        registration_envelope(
            "registration.updated",
            registration_id,
            ceremony_id,
            **corrected,
            status="confirmed",
            changed=["name_latin"],
        )
    )
    with database.transaction() as session:
        badge = session.execute(select(badges)).one()
    assert badge.details_changed_at is not None and badge.details_changed_at > badge.printed_at
