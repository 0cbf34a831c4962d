"""Rendering templates per language and assembling the MIME message."""

from dataclasses import replace
from datetime import UTC, datetime
from email.parser import BytesParser
from email.policy import default

import pytest
from icalendar import Calendar

from services.notifications.compose.calendar import build_invite
from services.notifications.compose.contexts import TEMPLATES, Attachment, Recipient
from services.notifications.compose.letters import (
    TEMPLATE_LANGUAGES,
    UnknownTemplateError,
    render_email,
)
from services.notifications.compose.message import build_message, message_id_for

SENDER = "Protocol Office <protocol@example.org>"
MESSAGE_ID = "<0123456789abcdef@ceremony.example.org>"


def confirmation_message(context, ceremony, recipient):
    """A confirmation as the worker would build it: badge and calendar attached."""
    rendered = render_email("confirmation", recipient.language, context)
    invite = build_invite(
        ceremony, recipient, "reg-1@ceremony.example.org", 0, "protocol@example.org"
    )
    badge = Attachment("badge.pdf", b"%PDF-1.7 badge", "application/pdf")
    message = build_message(
        rendered, SENDER, recipient.full_name, recipient.email, MESSAGE_ID, [badge], invite
    )
    return BytesParser(policy=default).parsebytes(message.as_bytes())


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("template", sorted(TEMPLATES))
def test_every_template_renders_in_every_language(template, language, template_context):
    rendered = render_email(template, language, template_context)

    assert rendered.language_used == language
    assert rendered.subject
    if template != "password_reset":  # a reset is about an account, not a ceremony
        assert template_context["ceremony"].title in rendered.text
    assert f'<html lang="{language}"' in rendered.html


def test_french_tag_with_region_renders_french(template_context):
    rendered = render_email("confirmation", "fr-CA", template_context)

    assert rendered.language_used == "fr"
    assert "inscription" in rendered.text


def test_language_without_templates_falls_back_to_english(template_context):
    rendered = render_email("confirmation", "de", template_context)

    assert rendered.language_used == "en"
    assert "registration" in rendered.text


def test_dates_use_the_recipients_locale_and_the_ceremonys_timezone(template_context):
    rendered = render_email("confirmation", "fr", template_context)

    # 15:00 UTC is 17:00 in Geneva in June.
    assert "vendredi 13 juin 2025" in rendered.text
    assert "17:00 \u2013 19:30" in rendered.text


def test_invitation_lists_speakers_in_programme_order(template_context):
    text = render_email("invitation", "en", template_context).text

    assert text.index("Dr Helena Marsh") < text.index("H.E. Mr Li Wei")


def test_chinese_honorific_follows_the_name(template_context):
    template_context["recipient"] = Recipient("王毅", "wang.yi@example.org", "H.E.", "zh")

    assert "尊敬的王毅阁下" in render_email("invitation", "zh", template_context).text


def test_missing_context_key_is_named(template_context):
    del template_context["manage_url"]

    with pytest.raises(ValueError, match="manage_url"):
        render_email("confirmation", "en", template_context)


def test_unknown_template_is_refused(template_context):
    with pytest.raises(UnknownTemplateError):
        render_email("../secrets", "en", template_context)


def test_html_in_a_name_is_escaped_in_the_html_part(template_context, recipient):
    template_context["recipient"] = replace(recipient, full_name="<script>alert(1)</script>")

    html = render_email("confirmation", "en", template_context).html

    assert "<script>" not in html
    assert "&lt;script&gt;" in html


def test_announcement_body_is_escaped_and_keeps_paragraphs(template_context):
    template_context["body"] = "First <b>line</b>\n\nSecond paragraph"

    html = render_email("announcement", "en", template_context).html

    assert "<p>First &lt;b&gt;line&lt;/b&gt;</p>\n<p>Second paragraph</p>" in html


def test_confirmation_is_text_and_html_alternatives(template_context, ceremony, recipient):
    message = confirmation_message(template_context, ceremony, recipient)

    alternative = next(
        part for part in message.walk() if part.get_content_type() == "multipart/alternative"
    )
    types = [part.get_content_type() for part in alternative.iter_parts()]
    assert types == ["text/plain", "text/html", "text/calendar"]


def test_calendar_part_asks_clients_to_add_the_event(template_context, ceremony, recipient):
    message = confirmation_message(template_context, ceremony, recipient)

    calendar_part = next(
        part for part in message.walk() if part.get_content_type() == "text/calendar"
    )
    assert calendar_part.get_param("method") == "REQUEST"


def test_calendar_part_starts_at_the_right_instant_in_the_right_timezone(
    template_context, ceremony, recipient
):
    message = confirmation_message(template_context, ceremony, recipient)

    calendar_part = next(
        part for part in message.walk() if part.get_content_type() == "text/calendar"
    )
    start = Calendar.from_ical(calendar_part.get_content()).walk("VEVENT")[0]["DTSTART"].dt
    assert start == datetime(2025, 6, 13, 15, 0, tzinfo=UTC)
    assert (start.hour, start.minute, str(start.tzinfo)) == (17, 0, "Europe/Zurich")


def test_badge_and_ics_are_attached(template_context, ceremony, recipient):
    message = confirmation_message(template_context, ceremony, recipient)

    attachments = {
        part.get_filename(): part.get_content_type() for part in message.iter_attachments()
    }
    assert attachments == {"badge.pdf": "application/pdf", "invite.ics": "application/ics"}


def test_message_headers_carry_language_and_given_message_id(template_context, ceremony, recipient):
    message = confirmation_message(template_context, ceremony, recipient)

    assert (message["Message-ID"], message["Content-Language"]) == (MESSAGE_ID, "en")


def test_line_breaks_in_the_title_stay_out_of_the_subject_header(template_context, ceremony):
    template_context["ceremony"] = replace(ceremony, title="Gala\r\nBcc: victim@evil.example")
    rendered = render_email("confirmation", "en", template_context)

    message = build_message(rendered, SENDER, "Amina", "amina@example.org", MESSAGE_ID)

    assert message["Subject"] == "Registration confirmed: Gala Bcc: victim@evil.example"


def test_an_address_with_a_line_break_is_refused(template_context):
    rendered = render_email("confirmation", "en", template_context)

    with pytest.raises(ValueError, match="email address"):
        build_message(rendered, SENDER, "Eve", "eve@example.org\r\nBcc: x@evil.example", MESSAGE_ID)


def test_message_id_is_the_same_for_the_same_email():
    first = message_id_for("evt-1", "Amina@Example.org", "confirmation", "ceremony.example.org")

    assert first == message_id_for(
        "evt-1", "amina@example.org", "confirmation", "ceremony.example.org"
    )


def test_message_id_differs_per_template():
    confirmation = message_id_for("evt-1", "a@example.org", "confirmation", "example.org")

    assert confirmation != message_id_for("evt-1", "a@example.org", "waitlisted", "example.org")


def test_message_id_domain_must_be_a_host_name():
    with pytest.raises(ValueError, match="domain"):
        message_id_for("evt-1", "a@example.org", "confirmation", "example.org>\r\nX: y")
