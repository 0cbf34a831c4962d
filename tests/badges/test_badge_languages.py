"""A badge in its holder's language: the ceremony's title and venue in their words where the
ceremony has them, the category's label and the date in the holder's language."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pypdfium2
import pytest

from services.badges.printing.layout import BadgeView, category_label, format_start
from tests.badges.fixtures import ceremony_envelope

TRANSLATIONS = {
    "fr": {"title": "Cérémonie de clôture", "venue_name": "Palais des Nations, salle XX"},
    "zh": {"title": "结业典礼"},
}


def view(language: str, category: str = "dignitary") -> BadgeView:
    return BadgeView(
        full_name="Amina Diallo",
        category=category,
        ceremony_title="Closing Ceremony",
        starts_at=datetime(2026, 12, 12, 14, 0, tzinfo=UTC),
        timezone="Europe/Paris",
        venue_name="Palais des Nations",
        code="X",
        language=language,
    )


@pytest.mark.parametrize(
    ("language", "label", "date"),
    [
        ("en", "DIGNITARY", "Saturday 12 December 2026, 15:00 CET"),
        ("fr", "PERSONNALITÉ", "samedi 12 décembre 2026, 15:00 CET"),
        ("fr-BE", "PERSONNALITÉ", "samedi 12 décembre 2026, 15:00 CET"),
        ("es", "AUTORIDAD", "sábado, 12 de diciembre de 2026, 15:00 CET"),
        ("ru", "ПОЧЁТНЫЙ ГОСТЬ", "суббота, 12 декабря 2026\u202fг., 15:00 CET"),
        ("zh", "贵宾", "2026年12月12日星期六 15:00 CET"),
        ("ar", "كبار الشخصيات", "السبت، 12 ديسمبر 2026، 15:00 CET"),
        ("de", "DIGNITARY", "Saturday 12 December 2026, 15:00 CET"),
    ],
)
def test_the_category_and_date_are_in_the_holders_language(language, label, date):
    assert (category_label(view(language)), format_start(view(language))) == (label, date)


def test_every_category_has_a_label_in_every_language():
    from services.badges.printing.layout import CATEGORY_BANDS, CATEGORY_LABELS

    assert {language: set(labels) for language, labels in CATEGORY_LABELS.items()} == {
        language: set(CATEGORY_BANDS) for language in ("fr", "es", "ru", "zh", "ar")
    }


def pdf_lines(pdf: bytes) -> list[str]:
    document = pypdfium2.PdfDocument(pdf)
    try:
        return document[0].get_textpage().get_text_range().splitlines()
    finally:
        document.close()


@pytest.mark.parametrize(
    ("language", "title", "venue", "label"),
    [
        ("fr", "Cérémonie de clôture", "Palais des Nations, salle XX", "PERSONNALITÉ"),
        ("zh", "结业典礼", "Palais des Nations", "贵宾"),  # no Chinese venue: the ceremony's
        ("de", "Closing Ceremony of the Senior Officers' Course", "Palais des Nations", None),
    ],
)
def test_the_badge_pdf_shows_the_ceremonys_words_in_the_holders_language(
    client, feed, organiser_headers, language, title, venue, label
):
    ceremony_id = uuid.uuid4()
    feed.deliver(ceremony_envelope(ceremony_id, translations=TRANSLATIONS))
    registration_id = feed.confirm(ceremony_id, language=language, category="dignitary")

    response = client.get(
        f"/api/registrations/{registration_id}/badge.pdf", headers=organiser_headers
    )

    lines = pdf_lines(response.data)
    assert title in lines and venue in lines
    assert (label or "DIGNITARY") in lines
