"""Each guest reads their own language; one without templates reads English, and the log says so."""

from __future__ import annotations


def last_email(smtp_server):
    return smtp_server.received[-1].parsed()


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def test_french_guest_gets_the_email_in_french(service, smtp_server):
    service.confirm(language="fr")
    service.deliver()

    message = last_email(smtp_server)
    assert message["Subject"].startswith("Confirmation d'inscription")
    assert message["Content-Language"] == "fr"


def test_french_guest_reads_dates_in_french_at_the_ceremonys_local_time(service, smtp_server):
    service.confirm(language="fr")
    service.deliver()

    text = text_of(last_email(smtp_server))
    assert "jeudi 13 juin 2030" in text
    assert "17:00" in text


def test_the_log_records_french_for_a_french_guest(service):
    service.confirm(language="fr")
    service.deliver()

    assert [d.language_used for d in service.log()] == ["fr"]


def test_language_without_templates_gets_english(service, smtp_server):
    service.confirm(language="de")
    service.deliver()

    message = last_email(smtp_server)
    assert message["Subject"].startswith("Registration confirmed")
    assert message["Content-Language"] == "en"


def test_the_log_says_en_when_english_replaced_a_missing_language(service):
    service.register("waitlisted", language="de")
    service.deliver()

    assert [d.language_used for d in service.log()] == ["en"]


def test_chinese_guest_gets_chinese(service, smtp_server):
    service.register("waitlisted", language="zh")
    service.deliver()

    message = last_email(smtp_server)
    assert message["Content-Language"] == "zh"
    assert message["Subject"] == "候补名单：Closing Ceremony of the International Protocol Course"


def test_an_honorific_not_in_the_table_and_the_name_are_written_exactly_as_registered(
    service, smtp_server
):
    service.confirm(honorific="Chevalier", full_name="Jean-Pierre Lévesque-Ñúñez")
    service.deliver()

    message = last_email(smtp_server)
    assert text_of(message).startswith("Dear Jean-Pierre Lévesque-Ñúñez,")
    assert message["To"].addresses[0].display_name == "Chevalier Jean-Pierre Lévesque-Ñúñez"


def test_recipient_header_carries_the_envelope_name(service, smtp_server):
    service.confirm(full_name="Wáng Yì 王毅")
    service.deliver()

    assert last_email(smtp_server)["To"].addresses[0].display_name == "Ms Wáng Yì 王毅"
