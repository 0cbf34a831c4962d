"""The seat letters in every language: the guest's salutation, the seat named in that language,
Arabic right to left; and the seat in the details of the other letters."""

from __future__ import annotations

from dataclasses import replace

import pytest

from services.notifications.compose.letters import TEMPLATE_LANGUAGES, render_email
from services.notifications.seat_letters import seat_letter
from shared.venue import seat_label
from tests.notifications.bus_events import seat_info

SUBJECTS = {
    "seat_assigned": {
        "en": "Your seat: ",
        "fr": "Votre place : ",
        "es": "Su asiento: ",
        "ru": "Ваше место: ",
        "zh": "您的座位：",
        "ar": "مقعدكم: ",
    },
    "seat_changed": {
        "en": "Your seat has changed: ",
        "fr": "Votre place a changé : ",
        "es": "Su asiento ha cambiado: ",
        "ru": "Ваше место изменено: ",
        "zh": "您的座位已变更：",
        "ar": "تغيّر مقعدكم: ",
    },
    "seat_released": {
        "en": "Your seat is no longer reserved: ",
        "fr": "Votre place n'est plus réservée : ",
        "es": "Su asiento ya no está reservado: ",
        "ru": "Ваше место больше не забронировано: ",
        "zh": "您的座位已不再保留：",
        "ar": "لم يعد مقعدكم محجوزًا: ",
    },
}
#: Which seats each letter names: the one given, and the one it replaced.
NAMES = {
    "seat_assigned": ("seat",),
    "seat_changed": ("seat", "previous_seat"),
    "seat_released": ("previous_seat",),
}


def context_in(template_context, language: str, template: str) -> dict:
    context = {
        **template_context,
        "recipient": replace(template_context["recipient"], language=language),
    }
    if template == "seat_released":
        context["seat"] = None
    return context


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("template", sorted(SUBJECTS))
def test_each_seat_letter_is_written_in_each_language_with_its_seats(
    template_context, template, language
):
    context = context_in(template_context, language, template)
    email = render_email(template, language, context)

    assert email.language_used == language
    assert email.subject == SUBJECTS[template][language] + context["ceremony"].title
    salutation = context["recipient"].salutation(language)
    assert email.text.startswith(salutation)
    assert salutation in email.html
    for key in NAMES[template]:
        label = seat_label(context[key], language)
        assert label in email.text
        assert label in email.html
    assert context["manage_url"] in email.text


@pytest.mark.parametrize("template", sorted(SUBJECTS))
def test_each_seat_is_named_once_in_a_seat_letter(template_context, template):
    context = context_in(template_context, "en", template)
    email = render_email(template, "en", context)

    for key in NAMES[template]:
        assert email.text.count(seat_label(context[key])) == 1


@pytest.mark.parametrize("template", sorted(SUBJECTS))
def test_an_arabic_seat_letter_is_right_to_left(template_context, template):
    email = render_email(template, "ar", context_in(template_context, "ar", template))

    assert '<html lang="ar" dir="rtl">' in email.html
    assert 'dir="rtl"' in email.html.split("<body", 1)[1].split(">", 1)[0]


#: The letters to a confirmed guest that show the ceremony's details, and so the seat.
DETAILED_LETTERS = (
    "confirmation",
    "promoted",
    "invitation_accepted",
    "details_updated",
    "ceremony_changed",
)


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("template", DETAILED_LETTERS)
def test_a_letter_to_a_seated_guest_names_the_seat_in_their_language(
    template_context, template, language
):
    context = context_in(template_context, language, template)
    email = render_email(template, language, context)

    assert seat_label(context["seat"], language) in email.text
    assert seat_label(context["seat"], language) in email.html


def test_a_confirmation_without_a_seat_names_none(template_context):
    email = render_email("confirmation", "en", {**template_context, "seat": None})

    assert "Seat" not in email.text
    assert "Seat" not in email.html


def test_a_table_seat_is_named_as_a_table(template_context):
    table = seat_info("Dinner", "3", 2, kind="tables")
    email = render_email("seat_assigned", "en", {**template_context, "seat": table})

    assert "Your seat: Table 3 · Seat 2" in email.text


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
def test_the_arrival_alert_names_the_seat_and_the_item_spoken_at(template_context, language):
    [_, address, _] = template_context["ceremony"].programme
    context = {**template_context, "speaks_at": (address,)}
    email = render_email("vip_arrival", language, context)

    assert seat_label(context["seat"], language) in email.text
    assert seat_label(context["seat"], language) in email.html
    assert address.title in email.text
    assert address.title in email.html


@pytest.mark.parametrize(
    ("seat", "previous", "template"),
    [
        (seat_info(), None, "seat_assigned"),
        (seat_info("B"), seat_info(), "seat_changed"),
        (None, seat_info(), "seat_released"),
        (seat_info(), seat_info(), None),
        (None, None, None),
    ],
    ids=["first", "changed", "freed", "same seat", "none before or after"],
)
def test_which_letter_a_seating_calls_for(seat, previous, template):
    assert seat_letter({"seat": seat, "previous_seat": previous}) == template
