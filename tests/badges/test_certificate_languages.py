"""A certificate in each of the suite's six languages: its formal title and wording, the dates
and hours as the language writes them, Arabic shaped and right to left, Chinese in a CJK font."""

from __future__ import annotations

import re
import zlib
from datetime import date
from decimal import Decimal

import pytest

from services.badges.printing.certificate_document import Organisation
from services.badges.printing.certificate_words import (
    LANGUAGES,
    WORDS,
    certificate_language,
    facts,
    issue_line,
    period,
)
from services.badges.printing.certificates import render_certificate
from shared.graduation import CERTIFICATE_KINDS
from tests.badges.test_certificate_pdf import (
    char_boxes,
    make_doc,
    page_images,
    page_lines,
    qr_texts,
)

#: language: (name, course title, title of completion, the dates and hours line)
SIX = {
    "en": (
        "Amina Diallo",
        "Senior Officers' Course",
        "Certificate of Completion",
        "3–14 November 2026 · 120 hours",
    ),
    "fr": (
        "Aïssatou N'Diaye",
        "Cours des cadres supérieurs",
        "Certificat de réussite",
        "3–14 novembre 2026 · 120\u00a0heures",  # French keeps the number with its unit
    ),
    "es": (
        "José Luis Núñez",
        "Curso de oficiales superiores",
        "Certificado de finalización",
        "3–14 de noviembre de 2026 · 120 horas",
    ),
    "ru": (
        "Иван Петрович Смирнов",
        "Курс старших офицеров",
        "Свидетельство об окончании курса",
        "3–14 ноября 2026 г. · 120 часов",
    ),
    "zh": ("王伟", "高级官员培训班", "结业证书", "2026年11月3日至14日 · 120小时"),
    "ar": (
        "محمد بن راشد",
        "دورة كبار الضباط",
        "شهادة إتمام",
        "من 3 إلى 14 نوفمبر 2026، 120 ساعة",
    ),
}


def in_language(language: str, **overrides):
    name, course, _, _ = SIX[language]
    return make_doc(**{"language": language, "name": name, "course_title": course, **overrides})


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_certificate_shows_name_title_and_course_in_its_language(language):
    name, course, title, dates = SIX[language]
    doc = in_language(language)

    pdf = render_certificate(doc)

    lines = page_lines(pdf)
    assert {name, course, title} <= set(lines)
    assert lines.index(title) < lines.index(name) < lines.index(course)
    assert facts(doc.starts_on, doc.ends_on, doc.hours, language) == dates
    (page,) = page_images(pdf)
    assert qr_texts(page) == [doc.verify_url]


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("kind", CERTIFICATE_KINDS)
def test_each_kind_has_its_own_title_and_wording_in_each_language(language, kind):
    words = WORDS[language]
    result = {"completion": "completed", "attendance": "attended"}.get(kind)

    lines = page_lines(render_certificate(in_language(language, kind=kind, result=result)))

    assert words.titles[kind] in lines
    assert words.intros[kind] in lines and words.statements[kind] in lines
    others = [words.titles[other] for other in CERTIFICATE_KINDS if other != kind]
    assert not set(others) & set(lines)


def test_every_language_words_every_kind():
    assert set(WORDS) == set(LANGUAGES)
    for words in WORDS.values():
        assert set(words.titles) == set(words.intros) == set(words.statements)
        assert set(words.titles) == set(CERTIFICATE_KINDS)
        assert len(set(words.titles.values())) == len(CERTIFICATE_KINDS)


@pytest.mark.parametrize(
    ("language", "said"),
    [
        ("en", "has successfully completed, with distinction, the course"),
        ("fr", "a suivi avec succès, avec mention, la formation"),
        ("zh", "以优异成绩完成以下课程"),
        ("ar", "قد أتم بنجاح وبامتياز الدورة التدريبية"),
    ],
)
def test_a_distinction_is_said_in_the_language(language, said):
    lines = page_lines(render_certificate(in_language(language, result="distinction")))

    assert said in lines
    assert WORDS[language].statements["completion"] not in lines


ARABIC_BOLD_NAME_FORMS = {
    # محمد بن راشد shaped: meem initial, hah medial, meem medial, dal final; beh initial, noon
    # final; reh isolated, alef isolated, sheen initial, dal final.
    0xFEE3,
    0xFEA4,
    0xFEE4,
    0xFEAA,
    0xFE91,
    0xFEE6,
    0xFEAD,
    0xFE8D,
    0xFEB7,
}


def drawn_arabic_forms(pdf: bytes, font: str) -> set[int]:
    """The Arabic presentation forms one font of the PDF draws (read from its ToUnicode map)."""
    found: set[int] = set()
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        try:
            data = zlib.decompress(stream)
        except zlib.error:
            continue
        if b"begincmap" in data and f"+{font})".encode() in data:
            found |= {int(code, 16) for code in re.findall(rb"<([0-9A-F]{4})>", data)}
    return {code for code in found if 0xFE70 <= code <= 0xFEFF}


def test_arabic_is_drawn_shaped_and_reads_right_to_left():
    doc = in_language("ar", name_latin="Mohammed bin Rashid", place="Genève")

    pdf = render_certificate(doc)

    lines = page_lines(pdf)
    # pdfium gives the letters back in reading order: the shaped glyphs map to these.
    assert lines[lines.index("محمد بن راشد") + 1] == "Mohammed bin Rashid"
    assert {"شهادة إتمام", "يشهد بأن", "قد أتم بنجاح الدورة التدريبية"} <= set(lines)
    assert drawn_arabic_forms(pdf, "NotoSansArabic-Bold") >= ARABIC_BOLD_NAME_FORMS
    assert issue_line(doc.issued_on, "Genève", "ar") == "صدرت في Genève بتاريخ 14 نوفمبر 2026"
    # Read from the right: the first word rightmost, then the Latin place, then the date.
    first, place, then = (char_boxes(pdf, word) for word in ("صدرت", "Genève", "بتاريخ"))
    assert min(box[0] for box in first) > max(box[2] for box in place)
    assert min(box[0] for box in place) > max(box[2] for box in then)
    given, family = char_boxes(pdf, "محمد"), char_boxes(pdf, "راشد")
    assert min(box[0] for box in given) > max(box[2] for box in family)


def test_chinese_is_drawn_with_a_cjk_font():
    pdf = render_certificate(in_language("zh"))

    fonts = {name.split(b"+")[-1] for name in re.findall(rb"/BaseFont /(\S+)", pdf)}
    assert b"DroidSansFallback" in fonts
    assert "兹证明" in page_lines(pdf)


@pytest.mark.parametrize(
    ("language", "starts", "ends", "said"),
    [
        ("en", date(2026, 10, 28), date(2026, 11, 14), "28 October – 14 November 2026"),
        ("en", date(2026, 12, 28), date(2027, 1, 4), "28 December 2026 – 4 January 2027"),
        ("en", date(2026, 11, 3), date(2026, 11, 3), "3 November 2026"),
        ("fr", date(2026, 10, 28), date(2026, 11, 14), "28 octobre – 14 novembre 2026"),
        ("es", date(2026, 10, 28), date(2026, 11, 14), "28 de octubre – 14 de noviembre de 2026"),
        ("ru", date(2026, 10, 28), date(2026, 11, 14), "28 октября – 14 ноября 2026 г."),
        ("zh", date(2026, 10, 28), date(2026, 11, 14), "2026年10月28日至11月14日"),
        ("zh", date(2026, 12, 28), date(2027, 1, 4), "2026年12月28日至2027年1月4日"),
        ("ar", date(2026, 10, 28), date(2026, 11, 14), "من 28 أكتوبر إلى 14 نوفمبر 2026"),
    ],
)
def test_a_period_is_written_as_the_language_writes_it(language, starts, ends, said):
    assert period(starts, ends, language) == said


@pytest.mark.parametrize(
    ("language", "hours", "said"),
    [
        ("en", Decimal("120.00"), "3–14 November 2026 · 120 hours"),
        ("en", Decimal("1"), "3–14 November 2026 · 1 hour"),
        ("fr", Decimal("7.50"), "3–14 novembre 2026 · 7,5\u00a0heures"),
        ("ru", Decimal("2"), "3–14 ноября 2026 г. · 2 часа"),
        ("en", None, "3–14 November 2026"),  # a course without a count of hours
        ("zh", Decimal("0"), "2026年11月3日至14日"),
    ],
)
def test_the_hours_are_counted_in_the_language(language, hours, said):
    assert facts(date(2026, 11, 3), date(2026, 11, 14), hours, language) == said


@pytest.mark.parametrize(
    ("language", "written_in"), [("fr-BE", "fr"), ("zh_CN", "zh"), ("de", "en"), (None, "en")]
)
def test_a_language_the_suite_does_not_speak_is_written_in_english(language, written_in):
    assert certificate_language(language) == written_in


def test_a_regional_language_prints_its_language():
    doc = make_doc(language="fr-CA", organisations=(Organisation("Centre"),))

    lines = page_lines(render_certificate(doc))

    assert "Certificat de réussite" in lines
    assert "Fait à Geneva, le 14 novembre 2026" in lines
