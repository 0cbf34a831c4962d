"""Forms of address: every entry in every language, known answers, a broken table refused."""

from __future__ import annotations

import re

import pytest

from shared.protocol import (
    Name,
    ProtocolTableError,
    envelope_name,
    known_honorific,
    load_table,
    salutation,
    short_form,
)
from shared.protocol.table import DEFAULT_PATH

LANGUAGES = ["ar", "zh", "en", "fr", "ru", "es"]
HONORIFICS = ["H.E.", "Hon.", "Dr", "Prof.", "Mr", "Ms", "Mrs", "Amb.", "Gen.", "Rev."]
POSITIONS = ["Minister of Foreign Affairs", "Secretary General"]
RENDERERS = [salutation, envelope_name, short_form]


def people() -> list[Name]:
    """Each honorific and each position style, with each gender and with an empty given name."""
    honorifics = list(load_table().honorifics)  # entries added later are checked too
    found = []
    for gender in ("", "f", "m"):
        found += [Name("Amina", "Diallo", honorific, gender=gender) for honorific in honorifics]
        found += [Name("Amina", "Diallo", "H.E.", p, gender=gender) for p in POSITIONS]
        found.append(Name("Amina", "Diallo", gender=gender))
    found += [Name("", "Diallo", honorific) for honorific in honorifics]
    return found


def test_the_table_has_the_honorifics_styles_and_six_languages():
    table = load_table()
    assert set(HONORIFICS) <= set(table.honorifics)
    assert {"Minister", "Secretary General"} <= set(table.positions)
    assert set(LANGUAGES) <= set(table.languages)


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("render", RENDERERS, ids=lambda r: r.__name__)
def test_every_form_is_filled_in(render, language):
    for name in people():
        text = render(name, language)
        assert text, (name, language)
        assert not re.search(r"[{}]", text), (name, language, text)
        assert "  " not in text and text == text.strip(), (name, language, text)
        assert not re.search(r"\s[,:،：]", text), (name, language, text)
        if language in ("zh", "ar"):
            assert "H.E." not in text and "Dr" not in text, (name, language, text)


@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        (Name("Amina", "Diallo", "H.E."), "en", "Your Excellency,"),
        (Name("Helen", "Marsh", "Dr"), "en", "Dear Dr Marsh,"),
        (Name("François", "Lefèvre", "M.", gender="m"), "fr", "Monsieur,"),
        (Name("François", "Lefèvre", "Dr", gender="m"), "fr", "Monsieur,"),
        (Name("François", "Lefèvre"), "fr", "Madame, Monsieur,"),
        (Name("Amina", "Diallo", "Mme"), "fr", "Madame,"),
        (Name("Amina", "Diallo", "H.E."), "fr", "Excellence,"),
        (Name("伟", "李", "H.E.", family_first=True), "zh", "尊敬的李伟阁下："),
        (Name("Amina", "Diallo", "H.E."), "ru", "Ваше Превосходительство,"),
        (Name("Juan", "Pérez", "H.E.", gender="m"), "es", "Excelentísimo Señor:"),
        (Name("Amina", "Diallo", "H.E.", gender="f"), "es", "Excelentísima Señora:"),
        (Name("Amina", "Diallo", "H.E.", "Minister of Foreign Affairs"), "en", "Dear Minister,"),
        (Name("Amina", "Diallo", "H.E.", "Minister", gender="f"), "fr", "Madame la Ministre,"),
        (
            Name("Amina", "Diallo", "H.E.", "Minister", gender="f"),
            "ar",
            "معالي الوزيرة Amina Diallo المحترمة،",
        ),
        (Name("Omar", "Haddad", "H.E.", gender="m"), "ar", "سعادة السيد Omar Haddad المحترم،"),
    ],
)
def test_salutation(name, language, expected):
    assert salutation(name, language) == expected


def test_chinese_name_written_family_first_without_a_space():
    name = Name("伟", "李", "H.E.", family_first=True)
    assert salutation(name, "zh") == "尊敬的李伟阁下："
    assert envelope_name(name, "zh") == "李伟阁下"
    assert envelope_name(Name("Wei", "Li", "H.E.", family_first=True), "zh") == "Li Wei阁下"


def test_family_first_names_keep_their_order_in_every_language():
    assert envelope_name(Name("Wei", "Li", "H.E.", family_first=True), "en") == "H.E. Li Wei"
    assert envelope_name(Name("Anna", "Kovács", "Dr", family_first=True), "fr") == "Dr Kovács Anna"


@pytest.mark.parametrize(
    ("name", "language", "expected"),
    [
        (Name("Amina", "Diallo", "H.E."), "en", "H.E. Amina Diallo"),
        (Name("Amina", "Diallo", "H.E."), "fr", "S.E. Amina Diallo"),
        (Name("Amina", "Diallo", "H.E. Ms", gender="f"), "fr", "S.E. Mme Amina Diallo"),
        (Name("Amina", "Diallo", "H.E. Ms"), "fr", "S.E. Mme Amina Diallo"),
        (Name("Jean-Luc", "Moreau", "Prof."), "fr", "Pr Jean-Luc Moreau"),
        (Name("Helen", "Marsh", "Dr"), "en", "Dr Helen Marsh"),
        (
            Name("Amina", "Diallo", "H.E.", "Minister of Foreign Affairs", gender="f"),
            "en",
            "H.E. Ms Amina Diallo, Minister of Foreign Affairs",
        ),
        (Name("", "Diallo", "H.E."), "en", "H.E. Diallo"),
    ],
)
def test_envelope_name(name, language, expected):
    assert envelope_name(name, language) == expected


def test_short_form():
    assert short_form(Name("Helen", "Marsh", "Dr"), "en") == "Dr Marsh"
    assert short_form(Name("Jean-Luc", "Moreau", "Professor"), "fr") == "Pr Moreau"
    assert short_form(Name("Wei", "Li", "Dr", family_first=True), "zh") == "Li Wei博士"


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("H.E.", "H.E."),
        ("HE", "H.E."),
        ("his excellency", "H.E."),
        ("Her Excellency", "H.E."),
        ("S.E.", "H.E."),
        ("H.E. Ms", "H.E."),
        ("Dr.", "Dr"),
        ("DOCTOR", "Dr"),
        ("Prof", "Prof."),
        ("Professor", "Prof."),
        ("Mr.", "Mr"),
        ("M.", "Mr"),
        ("Mme", "Ms"),
        ("  Mrs ", "Mrs"),
        ("Ambassador", "Amb."),
        ("The Honourable", "Hon."),
        ("Reverend", "Rev."),
        ("General", "Gen."),
    ],
)
def test_aliases(typed, key):
    assert known_honorific(typed) == key


@pytest.mark.parametrize("typed", ["", "Lt Col", "Sheikh", "Excellent"])
def test_unknown_honorifics(typed):
    assert known_honorific(typed) is None


def test_unknown_honorific_is_printed_as_typed_with_a_neutral_salutation():
    name = Name("Kim", "Park", "Lt Col")
    assert known_honorific(name.honorific) is None
    assert envelope_name(name, "en") == "Lt Col Kim Park"
    assert short_form(name, "fr") == "Lt Col Kim Park"
    assert salutation(name, "en") == "Dear Kim Park,"
    assert salutation(name, "fr") == "Madame, Monsieur,"


def test_empty_given_name_leaves_no_double_space_or_dangling_comma():
    assert salutation(Name("", "Diallo"), "en") == "Dear Diallo,"
    assert envelope_name(Name("", "Diallo"), "en") == "Diallo"
    assert envelope_name(Name(" ", " Amina  ", "  Dr "), "en") == "Dr Amina"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("de", "Your Excellency,"),
        ("fr-CA", "Excellence,"),
        ("FR_ca", "Excellence,"),
        ("", "Your Excellency,"),
    ],
)
def test_language_falls_back_to_base_then_english(language, expected):
    assert salutation(Name("Amina", "Diallo", "H.E."), language) == expected


GOOD_ENTRY = """
[{section}.{language}]
salutation = "Dear {{family}},"
envelope = "{{given}} {{family}}"
short = "{{family}}"
"""


def write_table(tmp_path, *, neutral_en: str, drop: str = "") -> object:
    """A one-language table in tmp_path whose neutral English forms are ``neutral_en``."""
    text = 'languages = ["en", "fr"]\n[neutral.en]\n' + neutral_en
    text += GOOD_ENTRY.format(section="neutral", language="fr")
    text += '[honorifics."Dr"]\naliases = ["Doctor"]\n'
    for language in ("en", "fr"):
        if f"Dr.{language}" != drop:
            text += GOOD_ENTRY.format(section='honorifics."Dr"', language=language)
    path = tmp_path / "forms.toml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD_NEUTRAL = 'salutation = "Dear {given},"\nenvelope = "{given} {family}"\nshort = "{family}"\n'


def test_a_table_written_elsewhere_is_read_by_the_same_loader(tmp_path):
    path = write_table(tmp_path, neutral_en=GOOD_NEUTRAL)
    assert known_honorific("doctor", table=path) == "Dr"
    assert salutation(Name("Helen", "Marsh", "Dr"), "en", table=path) == "Dear Marsh,"
    assert load_table(path) is load_table(path)
    assert load_table() is load_table(DEFAULT_PATH)


@pytest.mark.parametrize(
    ("neutral_en", "drop", "message"),
    [
        (
            GOOD_NEUTRAL.replace("{given},", "{surname},"),
            "",
            r"neutral \[en\] salutation.*\{surname\}",
        ),
        (
            GOOD_NEUTRAL.replace("{given},", "{given!r},"),
            "",
            r"neutral \[en\] salutation.*\{given\}",
        ),
        (GOOD_NEUTRAL.replace("{given},", "{given,"), "", r"neutral \[en\] salutation"),
        (GOOD_NEUTRAL.replace('short = "{family}"\n', ""), "", r"neutral \[en\] short: missing"),
        (GOOD_NEUTRAL, "Dr.fr", r'honorifics\."Dr" \[fr\]: missing'),
        (
            GOOD_NEUTRAL.replace('"Dear {given},"', '{ f = "Dear Ms {family}," }'),
            "",
            r'neutral \[en\] salutation.*neutral form "n"',
        ),
        (GOOD_NEUTRAL + "salutation = 'twice'", "", r"cannot be read"),
    ],
)
def test_a_malformed_table_is_refused_with_the_entry_and_language_named(
    tmp_path, neutral_en, drop, message
):
    path = write_table(tmp_path, neutral_en=neutral_en, drop=drop)
    with pytest.raises(ProtocolTableError, match=message):
        load_table(path)


def test_two_entries_may_not_share_a_spelling(tmp_path):
    path = write_table(tmp_path, neutral_en=GOOD_NEUTRAL)
    text = path.read_text(encoding="utf-8") + '[honorifics."Doc"]\naliases = ["DR."]\n'
    for language in ("en", "fr"):
        text += GOOD_ENTRY.format(section='honorifics."Doc"', language=language)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(
        ProtocolTableError, match=r'honorifics\."Doc".*"DR\." is already a spelling of "Dr"'
    ):
        load_table(path)


@pytest.mark.parametrize(
    ("name", "language", "salutation_", "envelope"),
    [
        (Name("Amina", "Diallo", "H.E. Ms"), "en", "Your Excellency,", "H.E. Ms Amina Diallo"),
        (Name("Amina", "Diallo", "H.E. Ms"), "fr", "Excellence,", "S.E. Mme Amina Diallo"),
        (Name("Amina", "Diallo", "H.E. Ms"), "zh", "尊敬的Amina Diallo阁下：", "Amina Diallo阁下"),
        (Name("Helen", "Marsh", "Dr"), "en", "Dear Dr Marsh,", "Dr Helen Marsh"),
        (Name("Helen", "Marsh", "Dr"), "fr", "Madame, Monsieur,", "Dr Helen Marsh"),
        (Name("Helen", "Marsh", "Dr"), "zh", "尊敬的Helen Marsh博士：", "Helen Marsh博士"),
        (Name("建国", "王", "H.E.", family_first=True), "zh", "尊敬的王建国阁下：", "王建国阁下"),
        (Name("민준", "김", "H.E.", family_first=True), "zh", "尊敬的김민준阁下：", "김민준阁下"),
        (Name("太郎", "山田", "Dr", family_first=True), "en", "Dear Dr 山田,", "Dr 山田太郎"),
    ],
)
def test_the_readmes_examples(name, language, salutation_, envelope):
    assert (salutation(name, language), envelope_name(name, language)) == (salutation_, envelope)
