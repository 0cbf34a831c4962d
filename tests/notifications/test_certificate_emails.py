"""Certificates emailed to their holders: which letter, in their language, with the PDF attached.

Events go through the service's handlers; emails reach a real SMTP server, with the PDF fetched
from a badges stand-in over real HTTP, and its QR code decoded from the attached file.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pypdfium2
import pytest
import zxingcpp

from services.notifications.compose.letters import TEMPLATE_LANGUAGES, render_email
from services.notifications.compose.previews import preview
from services.notifications.handlers import RegistrationNotYetKnown
from shared.contract import email_digest
from tests.conftest import SECRET
from tests.notifications.bus_events import as_event
from tests.notifications.graduation import CertificateBadges, certificate_data, course_data

NEW_TEMPLATES = (
    "certificate_issued",
    "certificate_corrected",
    "appreciation_certificate",
    "speaker_thanks",
)
#: A Chinese dignitary, as the protocol table addresses him.
LI_WEI = {
    "full_name": "李伟",
    "given_name": "伟",
    "family_name": "李",
    "family_first": True,
    "honorific": "H.E.",
    "language": "zh",
}


@pytest.fixture
def badges() -> Iterator[CertificateBadges]:
    """The badges stand-in, serving certificates as well as badges."""
    server = CertificateBadges(SECRET)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def graduation(service):
    """The ceremony's course is known."""
    service.feed(as_event("course.updated", course_data(service.ceremony_id)))
    return service


def verify_base(service) -> str:
    return service.settings.public_urls["badges"]


def issue(service, registration, **fields):
    """Serve a certificate and announce it; returns the event."""
    data = certificate_data(registration, **fields)
    service.badges.add_certificate(data, verify_base(service))
    event = as_event("certificate.issued", data, "badges")
    service.feed(event)
    return event


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def the_pdf(message):
    [attachment] = [part for part in message.iter_attachments()]
    return attachment


def qr_text(pdf: bytes) -> str:
    document = pypdfium2.PdfDocument(pdf)
    try:
        image = document[0].render(scale=2).to_pil()
    finally:
        document.close()
    [barcode] = zxingcpp.read_barcodes(image)
    return barcode.text


def test_a_certificate_reaches_a_chinese_dignitary_in_chinese_with_the_pdf(graduation, smtp_server):
    guest = graduation.register(**LI_WEI)
    event = issue(graduation, guest)
    graduation.deliver()

    [received] = smtp_server.received
    message = received.parsed()
    assert message["Subject"] == "您的结业证书：国际礼宾课程"
    assert message["Content-Language"] == "zh"
    assert received.rcpt_tos == [guest["email"]]
    text = text_of(message)
    assert text.splitlines()[0] == "尊敬的李伟阁下："
    verify_url = f"{verify_base(graduation)}/verify/{event.data['code']}"
    assert verify_url in text and f'href="{verify_url}"' in html_of(message)
    attachment = the_pdf(message)
    assert attachment.get_filename() == "certificate.pdf"
    assert attachment.get_content_type() == "application/pdf"
    pdf = attachment.get_content()
    assert pdf.startswith(b"%PDF")
    assert qr_text(pdf) == verify_url
    [delivery] = graduation.log()
    assert (delivery.template, delivery.status, delivery.language_used) == (
        "certificate_issued",
        "sent",
        "zh",
    )


@pytest.mark.parametrize(
    ("language", "subject", "salutation"),
    [
        ("en", "Your certificate of completion: International Protocol Course", "Dear Ms Diallo,"),
        (
            "fr",
            "Votre certificat de réussite : Cours international de protocole",
            "Madame,",
        ),
        (
            "es",
            "Su certificado de aprovechamiento: International Protocol Course",
            "Estimada señora Diallo:",
        ),
        (
            "ru",
            "Ваш сертификат об окончании курса: International Protocol Course",
            "Уважаемая госпожа Diallo,",
        ),
        ("zh", "您的结业证书：国际礼宾课程", "尊敬的Amina Diallo女士："),
        (
            "ar",
            "شهادة الإتمام الخاصة بكم: International Protocol Course",
            "السيدة Amina Diallo المحترمة،",
        ),
    ],
)
def test_the_letter_is_in_the_holders_language_with_the_course_in_it(
    graduation, smtp_server, language, subject, salutation
):
    guest = graduation.register(language=language, given_name="Amina", family_name="Diallo")
    issue(graduation, guest)
    graduation.deliver()

    message = smtp_server.received[-1].parsed()
    assert message["Subject"] == subject
    assert text_of(message).splitlines()[0] == salutation
    assert f'<html lang="{language}"' in html_of(message)
    assert ('dir="rtl"' in html_of(message)) == (language == "ar")
    assert the_pdf(message).get_content().startswith(b"%PDF")


def test_a_language_without_letters_gets_the_ceremonys_then_english(graduation, smtp_server):
    guest = graduation.register(language="de")
    issue(graduation, guest)
    graduation.deliver()

    message = smtp_server.received[-1].parsed()
    assert message["Content-Language"] == "en"
    assert text_of(message).startswith("This letter is not available in German")


def test_distinction_and_attendance_say_which_certificate(graduation, smtp_server):
    with_distinction = graduation.register(email="first@example.org")
    attended = graduation.register(email="second@example.org")
    issue(graduation, with_distinction, result="distinction")
    issue(graduation, attended, kind="attendance", result="attended")
    graduation.deliver()

    letters = {m.rcpt_tos[0]: m.parsed() for m in smtp_server.received}
    first, second = letters["first@example.org"], letters["second@example.org"]
    assert "certificate of completion, with distinction, of International Protocol Course" in (
        text_of(first)
    )
    assert second["Subject"] == "Your certificate of attendance: International Protocol Course"
    assert "congratulations" not in text_of(second)


def test_an_expert_gets_the_letter_of_appreciation(graduation, smtp_server):
    expert = graduation.register(category="speaker", honorific="Dr", full_name="Helen Marsh")
    issue(graduation, expert, kind="appreciation", result=None)
    graduation.deliver()

    message = smtp_server.received[-1].parsed()
    assert message["Subject"] == "Certificate of appreciation: International Protocol Course"
    lines = text_of(message).splitlines()
    assert lines[:3] == ["Dr Helen Marsh", "", "Dear Dr Marsh,"]
    assert the_pdf(message).get_filename() == "certificate.pdf"
    assert [d.template for d in graduation.log()] == ["appreciation_certificate"]


def test_a_reissued_certificate_says_it_replaces_the_earlier_one(graduation, smtp_server):
    guest = graduation.register(language="fr")
    first = issue(graduation, guest)
    graduation.deliver()
    issue(graduation, guest, replaces=first.data["certificate_id"])
    graduation.deliver()

    corrected = smtp_server.received[-1].parsed()
    assert corrected["Subject"] == "Certificat rectifié : Cours international de protocole"
    assert "Ce document remplace celui qui vous a été adressé précédemment, lequel n'est plus " in (
        text_of(corrected)
    )
    assert [d.template for d in graduation.log()] == [
        "certificate_issued",
        "certificate_corrected",
    ]


def test_a_letter_still_queued_for_a_replaced_certificate_is_not_sent(graduation, smtp_server):
    guest = graduation.register()
    first = issue(graduation, guest)
    issue(graduation, guest, replaces=first.data["certificate_id"])
    graduation.deliver()

    assert [m.parsed()["Subject"].split(":")[0] for m in smtp_server.received] == [
        "Corrected certificate"
    ]
    skipped, sent = graduation.log()
    assert (skipped.status, sent.status) == ("skipped", "sent")
    assert "replaced" in skipped.last_error


def test_one_email_per_certificate_however_often_it_is_announced(graduation, smtp_server):
    guest = graduation.register()
    event = issue(graduation, guest)
    graduation.feed(event)  # redelivered: the inbox knows it
    graduation.feed(as_event("certificate.issued", dict(event.data), "badges"))  # republished
    graduation.deliver()

    assert len(smtp_server.received) == 1
    assert len(graduation.log()) == 1


def test_no_letter_for_a_cancelled_registration(graduation, smtp_server):
    guest = graduation.register()
    graduation.cancel(guest)
    issue(graduation, guest)
    graduation.deliver()

    assert [d.template for d in graduation.log()] == ["cancelled"]
    assert len(smtp_server.received) == 1


def test_no_letter_for_an_erased_person(graduation):
    guest = graduation.register()
    erased = {
        "registration_id": guest["registration_id"],
        "ceremony_id": guest["ceremony_id"],
        "email_digest": email_digest(guest["email"]),
    }
    graduation.feed(as_event("registration.erased", erased))
    issue(graduation, guest)

    assert graduation.log() == []


def test_a_letter_for_a_guest_who_cancels_before_it_goes_is_skipped(graduation, smtp_server):
    guest = graduation.register()
    issue(graduation, guest)
    graduation.cancel(guest)
    graduation.deliver()

    assert [m.parsed()["Subject"].split(":")[0] for m in smtp_server.received] == [
        "Registration cancelled"
    ]
    assert {d.template: d.status for d in graduation.log()}["certificate_issued"] == "skipped"


def test_a_letter_for_a_certificate_revoked_before_it_goes_is_skipped(graduation, smtp_server):
    guest = graduation.register()
    data = certificate_data(guest)
    graduation.badges.add_certificate(data, verify_base(graduation))
    graduation.badges.revoked.add(str(data["certificate_id"]))
    graduation.feed(as_event("certificate.issued", data, "badges"))
    graduation.deliver()

    [delivery] = graduation.log()
    assert (delivery.status, smtp_server.received) == ("skipped", [])
    assert "revoked" in delivery.last_error


def test_erasure_takes_the_code_out_of_the_log(graduation):
    guest = graduation.register()
    graduation.badges.stop()  # the letter waits
    issue(graduation, guest)
    graduation.deliver()
    erased = {
        "registration_id": guest["registration_id"],
        "ceremony_id": guest["ceremony_id"],
        "email_digest": email_digest(guest["email"]),
    }
    graduation.feed(as_event("registration.erased", erased))

    [delivery] = graduation.log()
    assert (delivery.status, delivery.recipient) == ("skipped", "")
    assert "code" not in delivery.details


def test_a_certificate_that_cannot_be_fetched_waits_and_goes_once_it_can(graduation, smtp_server):
    guest = graduation.register()
    data = certificate_data(guest)
    graduation.feed(as_event("certificate.issued", data, "badges"))  # not served yet
    graduation.deliver()

    [waiting] = graduation.log()
    assert (waiting.status, waiting.attempts) == ("queued", 1)
    assert "404" in waiting.last_error and smtp_server.received == []

    graduation.badges.add_certificate(data, verify_base(graduation))
    graduation.clock.advance(6)
    graduation.deliver()

    assert graduation.log()[0].status == "sent"
    assert the_pdf(smtp_server.received[0].parsed()).get_content().startswith(b"%PDF")


def test_the_badges_service_down_is_a_retry_too(graduation, smtp_server):
    guest = graduation.register()
    issue(graduation, guest)
    graduation.badges.stop()
    graduation.deliver()
    graduation.badges.start()
    graduation.clock.advance(6)
    graduation.deliver()

    [delivery] = graduation.log()
    assert (delivery.status, delivery.attempts) == ("sent", 2)


def test_a_certificate_before_its_registration_is_retried(graduation):
    stranger = {
        "registration_id": uuid.uuid4(),
        "ceremony_id": graduation.ceremony_id,
        "full_name": "Amina Diallo",
    }

    with pytest.raises(RegistrationNotYetKnown):
        issue(graduation, stranger)


def test_without_a_course_the_letter_names_the_ceremony(service, smtp_server):
    guest = service.register()
    issue(service, guest)
    service.deliver()

    assert smtp_server.received[0].parsed()["Subject"] == (
        "Your certificate of completion: Closing Ceremony of the International Protocol Course"
    )


def test_an_older_course_does_not_overwrite_a_newer_one_and_a_removed_one_is_gone(
    graduation, smtp_server
):
    newer = course_data(graduation.ceremony_id, revision=3, title="Advanced Protocol Course")
    older = course_data(graduation.ceremony_id, revision=2, title="Old Title")
    graduation.feed(as_event("course.updated", newer))
    graduation.feed(as_event("course.updated", older))
    first = graduation.register(email="first@example.org")
    issue(graduation, first)
    graduation.deliver()
    removed = {"ceremony_id": graduation.ceremony_id, "course": None, "revision": 4}
    graduation.feed(as_event("course.updated", removed))
    second = graduation.register(email="second@example.org")
    issue(graduation, second)
    graduation.deliver()

    subjects = [m.parsed()["Subject"] for m in smtp_server.received]
    assert subjects == [
        "Your certificate of completion: Advanced Protocol Course",
        "Your certificate of completion: Closing Ceremony of the International Protocol Course",
    ]


@pytest.mark.parametrize("language", TEMPLATE_LANGUAGES)
@pytest.mark.parametrize("template", NEW_TEMPLATES)
def test_every_new_letter_renders_in_every_language(template, language, template_context):
    context = dict(template_context)
    if template == "appreciation_certificate":
        context.update(certificate_kind="appreciation", certificate_result=None)
    rendered = render_email(template, language, context)

    assert rendered.language_used == language
    assert template_context["ceremony"].title in rendered.text
    if template != "speaker_thanks":
        assert template_context["verify_url"] in rendered.text
        assert template_context["course"].title in rendered.subject
    assert ('<html lang="ar" dir="rtl">' in rendered.html) == (language == "ar")


@pytest.mark.parametrize("template", NEW_TEMPLATES)
def test_the_previews_show_the_new_letters(client, organiser_headers, template):
    answer = client.get(f"/api/templates/{template}/preview?language=ru", headers=organiser_headers)

    assert answer.status_code == 200
    assert answer.json["language_used"] == "ru"
    assert answer.json["subject"] == preview(template, "ru").subject


def test_a_course_title_with_markup_is_escaped_in_the_html(graduation, smtp_server):
    graduation.feed(
        as_event(
            "course.updated",
            course_data(graduation.ceremony_id, revision=2, title="<b>Protocol</b> & Etiquette"),
        )
    )
    guest = graduation.register(language="ru")
    issue(graduation, guest)
    graduation.deliver()

    html = html_of(smtp_server.received[0].parsed())
    assert "&lt;b&gt;Protocol&lt;/b&gt; &amp; Etiquette" in html and "<b>Protocol" not in html
