"""Names are guest input: a line break never reaches a header, HTML never the HTML part."""

from __future__ import annotations

from sqlalchemy import update

from services.notifications.models import registrations


def raw_headers(smtp_server) -> str:
    return smtp_server.received[-1].data.split(b"\r\n\r\n", 1)[0].decode("ascii")


def test_a_line_separator_in_a_name_stays_inside_the_to_header(service, smtp_server):
    # The bus contract refuses U+2028 and NEL in names; one stored before that rule (mail
    # clients may break lines on them) still never starts a header.
    registration = service.register("waitlisted")
    with service.database.transaction() as session:
        session.execute(
            update(registrations)
            .where(registrations.c.id == registration["registration_id"])
            .values(full_name="Ada\u2028Bcc: victim@example.org\x85X-Evil: 1")
        )
    service.deliver()

    headers = raw_headers(smtp_server)
    assert "\nBcc:" not in headers
    assert "\nX-Evil:" not in headers
    assert smtp_server.received[-1].rcpt_tos == [service.log()[0].recipient]


def test_a_crlf_in_a_stored_name_never_starts_a_header(service, smtp_server):
    registration = service.register("waitlisted")
    with service.database.transaction() as session:
        session.execute(
            update(registrations)
            .where(registrations.c.id == registration["registration_id"])
            .values(full_name="Ada\r\nBcc: victim@example.org")
        )
    service.deliver()

    assert "\nBcc:" not in raw_headers(smtp_server)
    assert smtp_server.received[-1].parsed()["To"].addresses[0].display_name == (
        "Ms Ada Bcc: victim@example.org"
    )


def test_html_in_a_name_is_escaped_in_the_html_part(service, smtp_server):
    service.register("waitlisted", full_name='<img src=x onerror="alert(1)">Ada')
    service.deliver()

    html = smtp_server.received[-1].parsed().get_body(("html",)).get_content()
    assert "<img" not in html
    # The salutation names the family name: the last word of a name typed whole.
    assert "Dear Ms onerror=&#34;alert(1)&#34;&gt;Ada," in html


def test_html_in_a_name_stays_plain_text_in_the_text_part(service, smtp_server):
    service.register("waitlisted", full_name="<b>Ada</b>")
    service.deliver()

    text = smtp_server.received[-1].parsed().get_body(("plain",)).get_content()
    assert "<b>Ada</b>" in text


def test_a_comma_in_a_name_keeps_one_recipient_in_the_to_header(service, smtp_server):
    service.register("waitlisted", full_name="Diallo, Amina", honorific=None)
    service.deliver()

    [to] = smtp_server.received[-1].parsed()["To"].addresses
    assert (to.display_name, to.addr_spec) == ("Diallo, Amina", service.log()[0].recipient)
