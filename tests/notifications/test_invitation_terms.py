"""An invitation's terms in its letters: who invites, the reply-by day, dress code, arrival,
companions and a representative; and no reminder once the reply-by day is over."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime
from html import unescape

import pytest

from services.notifications.compose.letters import TEMPLATE_LANGUAGES, render_email
from services.notifications.projections import invitation_row

INVITATION_LETTERS = ("invitation", "invitation_reminder")
REPLY_BY = date(2027, 1, 15)

#: Who invites, as an organiser would write it in each language.
HOSTS = {
    "en": "The Director General of the Institute",
    "fr": "Le Directeur général de l'Institut",
    "zh": "研究院院长",
    "ar": "المدير العام للمعهد",
    "ru": "Генеральный директор Института",
    "es": "El Director General del Instituto",
}

#: What each letter must say with every term given (3 companions and a representative).
EXPECTED = {
    "en": {
        "host": "The Director General of the Institute has the honour of inviting you",
        "reply_by": "kindly let us know by January 15, 2027 whether",
        "labels": ("Dress", "Arrival"),
        "companions": "You are welcome to be accompanied by up to 3 named companions.",
        "representative": "If you are unable to attend, you may name a representative to "
        "attend in your place.",
        "names": "The reply page will ask for the name of each companion or of your "
        "representative.",
    },
    "fr": {
        "host": "Le Directeur général de l'Institut a l'honneur de vous inviter",
        "reply_by": "avant le 15 janvier 2027,",
        "labels": ("Tenue", "Arrivée"),
        "companions": "Il vous est loisible de vous faire accompagner de 3\u00a0personnes au plus.",
        "representative": "Si vous n'étiez pas en mesure d'y assister, vous pourriez vous faire "
        "représenter par la personne de votre choix.",
        "names": "La page de réponse vous invitera à indiquer le nom de chaque personne qui vous "
        "accompagnera ou de celle qui vous représentera.",
    },
    "zh": {
        "host": "研究院院长谨定于",
        "reply_by": "敬请于2027年1月15日前告知",
        "labels": ("着装", "抵达须知"),
        "companions": "您可偕同至多3位随行人员出席。",
        "representative": "如您未能亲自出席，可委派一位代表代为出席。",
        "names": "回复页面将请您填写每位随行人员或代表的姓名。",
    },
    "ar": {
        "host": "يتشرّف المدير العام للمعهد بدعوتكم",
        "reply_by": "قبل 15 يناير 2027 بإمكانية حضوركم",
        "labels": ("الزيّ", "تعليمات الوصول"),
        "companions": "ويسعدنا أن تصطحبوا معكم ما لا يزيد على 3 مرافقين.",
        "representative": "وإن تعذّر عليكم الحضور، فبإمكانكم تسمية من ينوب عنكم.",
        "names": "وسيُطلب منكم في صفحة الرد ذكر اسم كلّ مرافق أو اسم من ينوب عنكم.",
    },
    "ru": {
        "host": "Генеральный директор Института имеет честь пригласить Вас",
        "reply_by": "сообщите нам до 15 января 2027\u202fг., сможете ли",
        "labels": ("Форма одежды", "Прибытие"),
        "companions": "Вы можете прибыть в сопровождении не более чем 3 лиц.",
        "representative": "Если Вы не сможете присутствовать, Вы вправе направить вместо себя "
        "представителя.",
        "names": "На странице ответа необходимо будет указать фамилию и имя каждого "
        "сопровождающего лица или Вашего представителя.",
    },
    "es": {
        "host": "El Director General del Instituto tiene el honor de invitarle",
        "reply_by": "antes del 15 de enero de 2027,",
        "labels": ("Vestimenta", "Llegada"),
        "companions": "Podrá asistir con un máximo de 3 acompañantes.",
        "representative": "Si no le fuera posible asistir, podrá designar a una persona que "
        "acuda en su representación.",
        "names": "En la página de respuesta se le pedirá el nombre de cada acompañante o de la "
        "persona que le represente.",
    },
}

DRESS_CODE = "Black tie"
ARRIVAL = "North Gate, from 16:30, with the personal badge"


def terms(**overrides):
    """Every term an invitation can carry, as the assembly passes them."""
    return {
        "host": None,
        "reply_by": REPLY_BY,
        "dress_code": DRESS_CODE,
        "arrival_instructions": ARRIVAL,
        "companions_allowed": 3,
        "representative_allowed": True,
        **overrides,
    }


def render(template, language, template_context, **context):
    """Text and HTML (entities resolved) of a letter to a reader of ``language``."""
    recipient = replace(template_context["recipient"], language=language)
    values = {**template_context, "recipient": recipient, **context}
    rendered = render_email(template, language, values)
    assert rendered.language_used == language
    return rendered.text, unescape(rendered.html)


def one_line(text: str) -> str:
    """The text with its line breaks as spaces (the HTML part breaks long paragraphs)."""
    return " ".join(text.split())


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("template", INVITATION_LETTERS)
def test_every_term_appears_in_both_parts_in_the_readers_language(
    template, language, template_context
):
    text, html = render(template, language, template_context, **terms(host=HOSTS[language]))
    expected = EXPECTED[language]
    dress_label, arrival_label = expected["labels"]

    for part in (text, html):
        flat = one_line(part)
        for key in ("host", "reply_by", "companions", "representative", "names"):
            assert one_line(expected[key]) in flat, (key, part)
    # A labelled line each in the details: "Dress:    Black tie" / a row of the table.
    lines = [line.strip() for line in text.splitlines()]
    assert any(line.startswith(dress_label) and line.endswith(DRESS_CODE) for line in lines)
    assert any(line.startswith(arrival_label) and line.endswith(ARRIVAL) for line in lines)
    for label, value in ((dress_label, DRESS_CODE), (arrival_label, ARRIVAL)):
        assert f">{label}</td>" in html
        assert f">{value}</td>" in html


@pytest.mark.parametrize(
    ("language", "count", "sentence"),
    [
        ("en", 1, "accompanied by one named companion."),
        ("en", 2, "accompanied by up to 2 named companions."),
        ("fr", 1, "vous faire accompagner d'une personne."),
        ("fr", 2, "vous faire accompagner de 2\u00a0personnes au plus."),
        ("es", 1, "Podrá asistir con un acompañante."),
        ("es", 20, "Podrá asistir con un máximo de 20 acompañantes."),
        ("ru", 1, "в сопровождении не более чем 1 лица."),
        ("ru", 2, "в сопровождении не более чем 2 лиц."),
        ("ru", 5, "в сопровождении не более чем 5 лиц."),
        ("ar", 1, "تصطحبوا معكم مرافقًا واحدًا."),
        ("ar", 2, "ما لا يزيد على مرافقَين اثنين."),
        ("ar", 3, "ما لا يزيد على 3 مرافقين."),
        ("ar", 11, "ما لا يزيد على 11 مرافقًا."),
        ("zh", 1, "您可偕同至多1位随行人员出席。"),
    ],
)
def test_the_companions_sentence_takes_the_plural_form_of_its_count(
    language, count, sentence, template_context
):
    text, html = render(
        "invitation",
        language,
        template_context,
        **terms(companions_allowed=count, representative_allowed=False),
    )
    assert sentence in text
    assert sentence in html


@pytest.mark.parametrize(
    ("allows", "says", "does_not_say"),
    [
        (
            {"companions_allowed": 2, "representative_allowed": False},
            "The reply page will ask for the name of each companion.",
            "representative",
        ),
        (
            {"companions_allowed": 0, "representative_allowed": True},
            "The reply page will ask for the name of your representative.",
            "companion",
        ),
    ],
)
def test_the_names_asked_for_are_those_the_invitation_allows(
    allows, says, does_not_say, template_context
):
    text, _html = render("invitation", "en", template_context, **terms(**allows))
    assert says in text
    assert does_not_say not in text


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("template", INVITATION_LETTERS)
def test_a_letter_without_terms_says_none_of_them(template, language, template_context):
    context = {**template_context, "host": None, "reply_by": None}
    text, html = render(template, language, context)
    # The defaults are the absence of every term: the same letter as with them left out.
    explicit = terms(
        reply_by=None,
        dress_code=None,
        arrival_instructions=None,
        companions_allowed=0,
        representative_allowed=False,
    )
    assert (text, html) == render(template, language, context, **explicit)
    expected = EXPECTED[language]
    for part in (text, html):
        for label in expected["labels"]:
            assert label not in part
        for key in ("companions", "representative", "names"):
            assert one_line(expected[key]) not in one_line(part)
        assert "2027" not in part


def test_a_reply_by_instant_is_shown_as_its_day_where_the_ceremony_is(template_context):
    # 23:30 UTC on 15 January is 00:30 on the 16th in Geneva.
    late = datetime(2027, 1, 15, 23, 30, tzinfo=UTC)
    text, _html = render("invitation", "fr", template_context, reply_by=late)
    assert "avant le 16 janvier 2027," in text


# Through the service: the projection, the delivery, the reminder's deadline.


def messages(smtp_server, since: int = 0) -> list:
    return [m.parsed() for m in smtp_server.received[since:]]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return unescape(message.get_body(("html",)).get_content())


def test_an_invitation_is_sent_with_its_host_reply_by_day_dress_code_and_allowances(
    service, smtp_server
):
    invitation = service.invite(
        host="The Director General of the Institute",
        reply_by=date(2030, 6, 1),
        dress_code="Black tie",
        arrival_instructions="Please arrive at the North Gate by 16:30.",
        companions_allowed=2,
        representative_allowed=True,
    )
    service.deliver()

    [message] = messages(smtp_server)
    text = text_of(message)
    assert (
        "The Director General of the Institute has the honour of inviting you to Closing "
        "Ceremony of the International Protocol Course." in text
    )
    assert "kindly let us know by June 1, 2030 whether you will be able to attend" in text
    assert "Dress:    Black tie" in text
    assert "Arrival:  Please arrive at the North Gate by 16:30." in text
    assert "accompanied by up to 2 named companions." in text
    assert "you may name a representative to attend in your place." in text
    html = html_of(message)
    assert ">Black tie</td>" in html
    assert "accompanied by up to 2 named companions." in html
    with service.database.sessions() as session:
        kept = invitation_row(session, invitation["invitation_id"])
    assert (kept.host, kept.reply_by, kept.dress_code) == (
        "The Director General of the Institute",
        date(2030, 6, 1),
        "Black tie",
    )
    assert (kept.companions_allowed, kept.representative_allowed) == (2, True)
    assert kept.arrival_instructions == "Please arrive at the North Gate by 16:30."


def test_an_invitation_event_without_terms_is_sent_as_before(service, smtp_server):
    invitation = service.invite()
    service.deliver()

    [message] = messages(smtp_server)
    text = text_of(message)
    assert "We have the honour of inviting you to Closing Ceremony" in text
    assert "kindly let us know whether you will be able to attend:" in text
    for absent in ("Dress:", "Arrival:", "companion", "representative"):
        assert absent not in text
        assert absent not in html_of(message)
    with service.database.sessions() as session:
        kept = invitation_row(session, invitation["invitation_id"])
    assert (kept.host, kept.reply_by, kept.dress_code, kept.arrival_instructions) == (
        None,
        None,
        None,
        None,
    )
    # The contract's defaults: an invitation allows no one else unless it says so.
    assert (kept.companions_allowed, kept.representative_allowed) == (0, False)


def move_clock_to(service, instant: datetime) -> None:
    service.clock.advance((instant - service.clock()).total_seconds())


def test_a_reminder_after_the_reply_by_day_where_the_ceremony_is_is_skipped(service, smtp_server):
    invitation = service.invite(reply_by=date(2030, 6, 1))
    service.deliver()
    before = len(smtp_server.received)
    # 22:30 UTC on 1 June is 00:30 on 2 June in Geneva: the day is over there.
    move_clock_to(service, datetime(2030, 6, 1, 22, 30, tzinfo=UTC))

    service.invitation_event(invitation, "reminded")
    service.deliver()

    assert messages(smtp_server, before) == []
    [reminder] = service.log(template="invitation_reminder")
    assert reminder.status == "skipped"
    assert reminder.last_error == "the reply-by day (2030-06-01) has passed"


def test_a_reminder_late_on_the_reply_by_day_is_still_sent(service, smtp_server):
    invitation = service.invite(reply_by=date(2030, 6, 1))
    service.deliver()
    before = len(smtp_server.received)
    # 21:30 UTC on 1 June is 23:30 in Geneva: still the reply-by day.
    move_clock_to(service, datetime(2030, 6, 1, 21, 30, tzinfo=UTC))

    service.invitation_event(invitation, "reminded")
    service.deliver()

    [message] = messages(smtp_server, before)
    assert message["Subject"].startswith("Reminder: invitation to ")
    assert "kindly let us know by June 1, 2030 whether" in text_of(message)
    [reminder] = service.log(template="invitation_reminder")
    assert reminder.status == "sent"
