"""The ceremony's own words (title, venue, programme) in each reader's language, and letters
that are not in the reader's language say so, in the language they are in."""

from __future__ import annotations

import html

import pytest

from services.notifications.compose.contexts import TEMPLATES
from services.notifications.compose.letters import (
    FALLBACK_NOTICES,
    TEMPLATE_LANGUAGES,
    fallback_notice,
    render_email,
)

TRANSLATIONS = {
    "fr": {
        "title": "Cérémonie de clôture",
        "venue_name": "Grande salle",
        "venue_address": "1, avenue de la Paix",
        "programme": ["Allocution de bienvenue"],
    },
    "zh": {"title": "结业典礼", "programme": [None]},
}
PROGRAMME = [{"title": "Welcome address", "speaker": "H.E. Amina Diallo"}]


def last_email(smtp_server):
    return smtp_server.received[-1].parsed()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


@pytest.fixture
def translated(service):
    service.update_ceremony(translations=TRANSLATIONS, programme=PROGRAMME)
    return service


def test_a_french_invitee_reads_the_ceremonys_french_words(translated, smtp_server):
    translated.invite(language="fr")
    translated.deliver()

    message = last_email(smtp_server)
    assert "Cérémonie de clôture" in message["Subject"]
    text = text_of(message)
    assert "Grande salle" in text and "1, avenue de la Paix" in text
    assert "Allocution de bienvenue" in text and "Welcome address" not in text


def test_a_word_not_translated_is_the_ceremonys_own(translated, smtp_server):
    translated.invite(language="zh")
    translated.deliver()

    text = text_of(last_email(smtp_server))
    assert "结业典礼" in text
    # No Chinese venue or programme title: the ceremony's own are shown.
    assert "Welcome address" in text


def test_an_english_guest_reads_the_ceremonys_own_words(translated, smtp_server):
    translated.confirm(language="en")
    translated.deliver()

    assert "Cérémonie" not in last_email(smtp_server)["Subject"]


@pytest.mark.parametrize(
    ("asked", "default", "shown", "notice"),
    [
        ("de", "en", "en", "This letter is not available in German; it is shown in English."),
        (
            "de",
            "fr",
            "fr",
            "Cette lettre n'est pas disponible en allemand\u202f; elle est présentée en français.",
        ),
        ("ja", "zh", "zh", "本函没有日语版本，现以中文呈现。"),
        ("tr", "ar", "ar", "هذه الرسالة غير متاحة باللغة التركية، وهي معروضة باللغة العربية."),
    ],
)
def test_a_language_without_letters_falls_back_to_the_ceremonys_then_says_so(
    service, smtp_server, asked, default, shown, notice
):
    service.update_ceremony(default_language=default)
    service.confirm(language=asked)
    service.deliver()

    message = last_email(smtp_server)
    assert message["Content-Language"] == shown
    assert text_of(message).startswith(notice)
    assert notice in html.unescape(html_of(message))
    assert [d.language_used for d in service.log()] == [shown]


def test_a_letter_in_the_language_asked_for_has_no_notice(service, smtp_server):
    service.confirm(language="fr-CA")
    service.deliver()

    assert "pas disponible" not in text_of(last_email(smtp_server))


def _rendered(template: str, asked: str, default: str):
    from services.notifications.compose.previews import (
        _INVITEE_TEMPLATES,
        _PER_TEMPLATE,
        _invitee,
        sample_context,
    )

    context = {**sample_context(asked), **_PER_TEMPLATE.get(template, {})}
    if template in _INVITEE_TEMPLATES:
        context["recipient"] = _invitee(asked)
    return render_email(template, asked, context, default_language=default)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize(
    ("asked", "default", "notice"),
    [
        ("de", "en", "This letter is not available in German; it is shown in English."),
        ("pt", "es", "Esta carta no está disponible en portugués; se presenta en español."),
        (
            "ja",
            "ru",
            "Это письмо недоступно на языке «японский»; оно представлено на языке «русский».",
        ),
    ],
)
def test_every_template_says_so_when_it_is_not_in_the_language_asked_for(
    template, asked, default, notice
):
    rendered = _rendered(template, asked, default)

    assert rendered.language_used == default
    assert rendered.text.startswith(notice)
    assert notice in html.unescape(rendered.html)


@pytest.mark.parametrize("template", sorted(TEMPLATES))
@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
def test_no_template_has_a_notice_in_a_language_it_is_written_in(template, language):
    rendered = _rendered(template, language, "en")

    assert rendered.language_used == language
    assert fallback_notice(language, language) is None
    assert all(n.split("{")[0] not in rendered.text for n in FALLBACK_NOTICES.values())


def test_an_invitation_letter_uses_the_invitations_words_of_its_language(service, smtp_server):
    words = {
        "host": "The Director General of the Institute",
        "dress_code": "Lounge suit",
        "translations": {
            "fr": {"host": "Le Directeur général de l'Institut", "dress_code": "Tenue de ville"}
        },
    }
    service.invite(language="fr", email="fr@example.org", **words)
    service.invite(language="en", email="en@example.org", **words)
    service.deliver()

    letters = {m.rcpt_tos[0]: text_of(m.parsed()) for m in smtp_server.received}
    assert "Le Directeur général de l'Institut" in letters["fr@example.org"]
    assert "Tenue de ville" in letters["fr@example.org"]
    assert "The Director General of the Institute" in letters["en@example.org"]
    assert "Lounge suit" in letters["en@example.org"]


def test_the_note_on_replies_is_in_the_invitation_in_its_language(service, smtp_server):
    service.update_ceremony(
        reply_note="Kindly reply to the Protocol Office by telephone.",
        translations={"fr": {"reply_note": "Merci de répondre au Service du protocole."}},
    )
    service.invite(language="fr", email="fr@example.org")
    service.invite(language="zh", email="zh@example.org")
    service.deliver()

    letters = {m.rcpt_tos[0]: m.parsed() for m in smtp_server.received}
    assert "Merci de répondre au Service du protocole." in text_of(letters["fr@example.org"])
    chinese = letters["zh@example.org"]
    assert "Kindly reply to the Protocol Office by telephone." in text_of(chinese)
    assert "Kindly reply to the Protocol Office by telephone." in html_of(chinese)
