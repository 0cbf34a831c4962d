"""What a certificate says, in each of the suite's six languages.

A certificate is a formal document, so, like the letters, its wording is written per language
rather than assembled from translated fragments: the sentence around the holder's name is
ordered differently in Chinese and Arabic, and each language has its own formal title. Dates and
hours come from Babel in the certificate's language; only the patterns around them are here.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from babel.dates import format_date
from babel.units import format_unit

LANGUAGES = ("ar", "en", "es", "fr", "ru", "zh")


@dataclass(frozen=True)
class CertificateWords:
    """The fixed words of a certificate in one language; ``%(…)s`` are filled in."""

    #: The title by kind: completion, attendance, appreciation.
    titles: dict[str, str]
    #: The line above the name, by kind.
    intros: dict[str, str]
    #: The line under the name, by kind, and for a completion with distinction.
    statements: dict[str, str]
    with_distinction: str
    issued_at: str  # with ``%(place)s`` and ``%(date)s``
    issued_on: str  # with ``%(date)s``, when no place is known
    verify_at: str  # with ``%(site)s``
    number: str  # with ``%(id)s``
    #: Babel patterns of a period: within a month, within a year, and of a whole date.
    same_month: tuple[str, str]
    same_year: tuple[str, str]
    whole_date: str
    range_joint: str = "–"
    #: Put before a period ("من 3 إلى 14 …"), and between the period and the hours.
    range_prefix: str = ""
    facts_joint: str = " · "


WORDS = {
    "en": CertificateWords(
        titles={
            "completion": "Certificate of Completion",
            "attendance": "Certificate of Attendance",
            "appreciation": "Certificate of Appreciation",
        },
        intros={
            "completion": "This is to certify that",
            "attendance": "This is to certify that",
            "appreciation": "This certificate is presented to",
        },
        statements={
            "completion": "has successfully completed the course",
            "attendance": "attended the course",
            "appreciation": (
                "in grateful recognition of their contribution as an expert to the course"
            ),
        },
        with_distinction="has successfully completed, with distinction, the course",
        issued_at="Given at %(place)s on %(date)s",
        issued_on="Given on %(date)s",
        verify_at="Verify at %(site)s",
        number="No. %(id)s",
        same_month=("d", "d MMMM y"),
        same_year=("d MMMM", "d MMMM y"),
        whole_date="d MMMM y",
    ),
    "fr": CertificateWords(
        titles={
            "completion": "Certificat de réussite",
            "attendance": "Attestation de participation",
            "appreciation": "Certificat de reconnaissance",
        },
        intros={
            "completion": "Il est certifié que",
            "attendance": "Il est certifié que",
            "appreciation": "Le présent certificat est décerné à",
        },
        statements={
            "completion": "a suivi avec succès la formation",
            "attendance": "a participé à la formation",
            "appreciation": (
                "en reconnaissance de sa précieuse contribution à la formation en qualité d'expert"
            ),
        },
        with_distinction="a suivi avec succès, avec mention, la formation",
        issued_at="Fait à %(place)s, le %(date)s",
        issued_on="Fait le %(date)s",
        verify_at="Vérification : %(site)s",
        number="N° %(id)s",
        same_month=("d", "d MMMM y"),
        same_year=("d MMMM", "d MMMM y"),
        whole_date="d MMMM y",
    ),
    "es": CertificateWords(
        titles={
            "completion": "Certificado de finalización",
            "attendance": "Certificado de asistencia",
            "appreciation": "Certificado de reconocimiento",
        },
        intros={
            "completion": "Se certifica que",
            "attendance": "Se certifica que",
            "appreciation": "Se otorga el presente certificado a",
        },
        statements={
            "completion": "ha completado satisfactoriamente el curso",
            "attendance": "ha asistido al curso",
            "appreciation": (
                "en reconocimiento a su valiosa contribución al curso en calidad de experto"
            ),
        },
        with_distinction="ha completado satisfactoriamente, con distinción, el curso",
        issued_at="Expedido en %(place)s, el %(date)s",
        issued_on="Expedido el %(date)s",
        verify_at="Verificación: %(site)s",
        number="N.º %(id)s",
        same_month=("d", "d 'de' MMMM 'de' y"),
        same_year=("d 'de' MMMM", "d 'de' MMMM 'de' y"),
        whole_date="d 'de' MMMM 'de' y",
    ),
    "ru": CertificateWords(
        titles={
            "completion": "Свидетельство об окончании курса",
            "attendance": "Сертификат участника",
            "appreciation": "Благодарственная грамота",
        },
        intros={
            "completion": "Настоящим удостоверяется, что",
            "attendance": "Настоящим удостоверяется, что",
            "appreciation": "Настоящим удостоверяется, что",
        },
        statements={
            "completion": "успешно завершил(а) обучение по курсу",
            "attendance": "принял(а) участие в курсе",
            "appreciation": "внёс(ла) ценный вклад в проведение курса в качестве эксперта",
        },
        with_distinction="с отличием завершил(а) обучение по курсу",
        issued_at="Выдано: %(place)s, %(date)s",
        issued_on="Выдано %(date)s",
        verify_at="Проверка: %(site)s",
        number="№ %(id)s",
        same_month=("d", "d MMMM y 'г'."),
        same_year=("d MMMM", "d MMMM y 'г'."),
        whole_date="d MMMM y 'г'.",
    ),
    "zh": CertificateWords(
        titles={
            "completion": "结业证书",
            "attendance": "出席证书",
            "appreciation": "感谢状",
        },
        intros={
            "completion": "兹证明",
            "attendance": "兹证明",
            "appreciation": "谨授予",
        },
        statements={
            "completion": "已圆满完成以下课程",
            "attendance": "已参加以下课程",
            "appreciation": "以感谢其作为专家对以下课程作出的宝贵贡献",
        },
        with_distinction="以优异成绩完成以下课程",
        issued_at="%(date)s于%(place)s颁发",
        issued_on="%(date)s颁发",
        verify_at="验证网址：%(site)s",
        number="编号 %(id)s",
        same_month=("y年M月d日", "d日"),
        same_year=("y年M月d日", "M月d日"),
        whole_date="y年M月d日",
        range_joint="至",
    ),
    "ar": CertificateWords(
        titles={
            "completion": "شهادة إتمام",
            "attendance": "شهادة حضور",
            "appreciation": "شهادة تقدير",
        },
        intros={
            "completion": "يشهد بأن",
            "attendance": "يشهد بأن",
            "appreciation": "تمنح هذه الشهادة إلى",
        },
        statements={
            "completion": "قد أتم بنجاح الدورة التدريبية",
            "attendance": "قد حضر الدورة التدريبية",
            "appreciation": "تقديرا لإسهامه القيم بصفته خبيرا في الدورة التدريبية",
        },
        with_distinction="قد أتم بنجاح وبامتياز الدورة التدريبية",
        issued_at="صدرت في %(place)s بتاريخ %(date)s",
        issued_on="صدرت بتاريخ %(date)s",
        verify_at="للتحقق: %(site)s",
        number="رقم %(id)s",
        same_month=("d", "d MMMM y"),
        same_year=("d MMMM", "d MMMM y"),
        whole_date="d MMMM y",
        # "From 3 to 14 November": a dash between numbers would need the bidirectional
        # algorithm to run over the whole line, which the PDF's text drawing does per run.
        range_joint=" إلى ",
        range_prefix="من ",
        facts_joint="، ",
    ),
}


def certificate_language(language: str | None) -> str:
    """The suite language a certificate is written in: ``fr-BE`` is French, others English."""
    base = (language or "en").replace("_", "-").split("-")[0].lower()
    return base if base in WORDS else "en"


def words_for(language: str | None) -> CertificateWords:
    """The certificate's words in a language (English for any the suite does not speak)."""
    return WORDS[certificate_language(language)]


def period(starts_on: date, ends_on: date, language: str | None) -> str:
    """The course's dates: "3–14 November 2026", "2026年11月3日至14日", one day as one date."""
    lang = certificate_language(language)
    words = WORDS[lang]
    if ends_on <= starts_on:
        return format_date(starts_on, words.whole_date, locale=lang)
    if (starts_on.year, starts_on.month) == (ends_on.year, ends_on.month):
        first, last = words.same_month
    elif starts_on.year == ends_on.year:
        first, last = words.same_year
    else:
        first = last = words.whole_date
    start = format_date(starts_on, first, locale=lang)
    end = format_date(ends_on, last, locale=lang)
    # A range of single days is joined tight ("3–14"); one of spelt-out dates has spaces.
    joint = words.range_joint
    if joint == "–" and first != "d":
        joint = " – "
    return f"{words.range_prefix}{start}{joint}{end}"


def facts(starts_on: date, ends_on: date, amount: Decimal | None, language: str | None) -> str:
    """The period and the hours on one line: "3–14 November 2026 · 120 hours"."""
    dates = period(starts_on, ends_on, language)
    if not amount:
        return dates
    return f"{dates}{words_for(language).facts_joint}{hours(amount, language)}"


def hours(amount: Decimal, language: str | None) -> str:
    """The course's length: "120 hours", "120 heures", "120小时"."""
    lang = certificate_language(language)
    # 120.00 is printed "120", 7.50 is printed "7.5".
    number = int(amount) if amount == amount.to_integral_value() else amount.normalize()
    return format_unit(number, "duration-hour", length="long", locale=lang)


def issue_line(issued_on: date, place: str | None, language: str | None) -> str:
    """Where and when it was given: "Given at Geneva on 14 November 2026"."""
    lang = certificate_language(language)
    words = WORDS[lang]
    when = format_date(issued_on, words.whole_date, locale=lang)
    place = " ".join((place or "").split())
    if place:
        return words.issued_at % {"place": place, "date": when}
    return words.issued_on % {"date": when}
