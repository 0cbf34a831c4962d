"""Letters greet and name people as the protocol table says, in the language they are written in."""

from __future__ import annotations

from typing import Any

import pytest
from markupsafe import escape

from services.notifications.compose.contexts import TEMPLATES, Recipient
from services.notifications.compose.letters import TEMPLATE_DIR, TEMPLATE_LANGUAGES, render_email
from services.notifications.compose.previews import preview
from shared.protocol import envelope_name, load_table, name_of, salutation

TABLE = load_table()
#: Every entry of the table: each honorific typed as its key, each position style with none.
ENTRIES = [{"honorific": key} for key in TABLE.honorifics] + [
    {"job_title": key} for key in TABLE.positions
]
#: The letters to dignitaries: the invitation and the confirmation once they accept.
LETTERS = ("invitation", "invitation_accepted")


def recipient_of(person: dict[str, Any], language: str) -> Recipient:
    """A recipient from person data as the events carry it."""
    return Recipient(
        full_name=person["full_name"],
        email="guest@example.org",
        honorific=person.get("honorific"),
        language=language,
        given_name=person.get("given_name"),
        family_name=person.get("family_name"),
        family_first=bool(person.get("family_first")),
        job_title=person.get("job_title"),
    )


def letter(template: str, person: dict[str, Any], language: str, context: dict[str, Any]):
    context["recipient"] = recipient_of(person, language)
    rendered = render_email(template, language, context)
    assert rendered.language_used == language
    return rendered


def test_the_template_folders_are_the_template_languages():
    folders = {path.name for path in TEMPLATE_DIR.iterdir() if path.is_dir()}

    assert folders == set(TEMPLATE_LANGUAGES)
    for language in TEMPLATE_LANGUAGES:
        for template in TEMPLATES:
            for part in ("txt", "html"):
                assert (TEMPLATE_DIR / language / f"{template}.{part}").is_file()


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("entry", ENTRIES, ids=lambda entry: next(iter(entry.values())))
@pytest.mark.parametrize("template", LETTERS)
def test_letters_open_with_the_tables_salutation_and_name_the_envelope(
    template, entry, language, template_context
):
    person = {"full_name": "Amina Diallo", "given_name": "Amina", "family_name": "Diallo", **entry}
    rendered = letter(template, person, language, template_context)

    name = name_of(person)
    greeting, envelope = salutation(name, language), envelope_name(name, language)
    assert greeting in rendered.text.splitlines()
    assert envelope in rendered.text
    assert f"<p>{escape(greeting)}</p>" in rendered.html
    assert str(escape(envelope)) in rendered.html


EXAMPLES = [
    ({"full_name": "John Smith", "honorific": "H.E."}, "en", "Your Excellency,", "H.E. John Smith"),
    ({"full_name": "Helen Marsh", "honorific": "Dr"}, "en", "Dear Dr Marsh,", "Dr Helen Marsh"),
    (
        {"full_name": "François Lefèvre", "honorific": "M."},
        "fr",
        "Monsieur,",
        "M. François Lefèvre",
    ),
    (
        {
            "full_name": "王建国",
            "given_name": "建国",
            "family_name": "王",
            "family_first": True,
            "honorific": "H.E.",
        },
        "zh",
        "尊敬的王建国阁下：",
        "王建国阁下",
    ),
    (
        {"full_name": "Ana Ruiz", "honorific": "Ms", "job_title": "Minister of Foreign Affairs"},
        "en",
        "Dear Minister,",
        "H.E. Ms Ana Ruiz, Minister of Foreign Affairs",
    ),
    # Not in the table: printed as typed, with the language's neutral salutation.
    ({"full_name": "Jean Dupont", "honorific": "Chevalier"}, "en", "Dear Jean Dupont,", None),
    ({"full_name": "Jean Dupont", "honorific": "Chevalier"}, "fr", "Madame, Monsieur,", None),
]


@pytest.mark.parametrize("template", LETTERS)
@pytest.mark.parametrize(("person", "language", "greeting", "envelope"), EXAMPLES)
def test_the_forms_of_the_examples(
    template, person, language, greeting, envelope, template_context
):
    rendered = letter(template, person, language, template_context)

    assert greeting in rendered.text.splitlines()
    assert (envelope or "Chevalier Jean Dupont") in rendered.text


def test_an_honorific_not_in_the_table_never_becomes_a_known_one(template_context):
    person = {"full_name": "Jean Dupont", "honorific": "Chevalier"}
    text = letter("invitation_accepted", person, "en", template_context).text

    assert "Your Excellency" not in text
    assert "Mr Dupont" not in text


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
def test_every_letter_to_a_person_opens_with_the_salutation(language, template_context):
    person = {"full_name": "Helen Marsh", "honorific": "Dr"}
    greeting = salutation(name_of(person), language)
    for template in sorted(set(TEMPLATES) - {"announcement", "vip_arrival"}):
        text = letter(template, person, language, dict(template_context)).text
        # The address block, if any, comes first.
        assert greeting in text.splitlines()[:3], template


def test_the_arrival_alert_names_the_guest_as_on_the_envelope(template_context):
    rendered = render_email("vip_arrival", "fr", template_context)

    assert rendered.subject.startswith("Arrivée VIP : S.E. M. Li Wei")


@pytest.mark.parametrize(
    ("person", "language", "closing"),
    [
        (
            {"full_name": "John Smith", "honorific": "H.E."},
            "en",
            "Please accept the assurances of our highest consideration.",
        ),
        (
            {"full_name": "John Smith", "honorific": "H.E."},
            "fr",
            "Veuillez agréer, Excellence, l'assurance de notre très haute considération.",
        ),
        (
            {"full_name": "François Lefèvre", "honorific": "M."},
            "fr",
            "Veuillez agréer, Monsieur, l'assurance de notre très haute considération.",
        ),
        (
            {"full_name": "Jean Dupont"},
            "fr",
            "Veuillez agréer, Madame, Monsieur, l'assurance de notre très haute considération.",
        ),
        ({"full_name": "李伟", "honorific": "H.E."}, "zh", "顺致\n崇高的敬意！"),
        (
            {"full_name": "John Smith", "honorific": "H.E."},
            "es",
            "Le rogamos acepte el testimonio de nuestra más alta consideración.",
        ),
        (
            {"full_name": "John Smith", "honorific": "H.E."},
            "ru",
            "Примите уверения в нашем самом высоком уважении.",
        ),
        (
            {"full_name": "John Smith", "honorific": "H.E."},
            "ar",
            "وتفضلوا بقبول أسمى آيات التقدير والاحترام.",
        ),
    ],
)
def test_the_acceptance_closes_formally(person, language, closing, template_context):
    rendered = letter("invitation_accepted", person, language, template_context)

    assert closing in rendered.text
    # The formula is the template's own text; only the address in it comes from the data.
    assert closing.replace("\n", "<br>") in rendered.html


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("en", "We are pleased to confirm your attendance at"),
        ("fr", "Nous avons le plaisir de vous confirmer votre présence à"),
        ("zh", "谨此确认您将出席"),
    ],
)
def test_the_acceptance_confirms_attendance_with_details_badge_and_link(
    language, words, template_context
):
    person = {"full_name": "John Smith", "honorific": "H.E."}
    text = letter("invitation_accepted", person, language, template_context).text

    assert words in text
    assert template_context["ceremony"].title in text
    assert template_context["ceremony"].venue_name in text
    assert template_context["manage_url"] in text
    badge_sentence = {"en": "badge is attached", "fr": "badge personnel est joint", "zh": "附件"}
    assert badge_sentence[language] in text


@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_arabic_letters_are_written_right_to_left(template, template_context):
    html = render_email(template, "ar", template_context).html

    assert '<html lang="ar" dir="rtl">' in html
    assert '<body dir="rtl" lang="ar"' in html


@pytest.mark.parametrize("language", sorted(set(TEMPLATE_LANGUAGES) - {"ar"}))
def test_other_letters_are_left_to_right(language, template_context):
    html = render_email("invitation_accepted", language, template_context).html

    assert 'dir="rtl"' not in html


def test_a_name_part_with_a_line_break_stays_one_line():
    guest = Recipient(
        "Ada Lovelace",
        "ada@example.org",
        "Dr",
        given_name="Ada\u2028Bcc: x@example.org",
        family_name="Lovelace",
    )

    assert guest.envelope_name("en") == "Dr Ada Bcc: x@example.org Lovelace"
    assert "\n" not in guest.salutation("en")


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_previews_in_every_language(template, language):
    assert preview(template, language).language_used == language


def test_the_acceptance_preview_is_addressed_to_a_dignitary():
    assert preview("invitation_accepted", "en").text.splitlines()[2] == "Your Excellency,"
