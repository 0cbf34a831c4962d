"""Emails to people with an account, over real SMTP: a password reset and a teammate's
invitation, each with a set-password link that the registration service can open."""

from __future__ import annotations

import logging
import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from shared.auth import AuthError, Signer
from shared.links import password_link, password_link_request
from shared.logs import redact
from tests.conftest import SECRET
from tests.notifications.bus_events import as_event

REGISTRATION = "http://127.0.0.1:8001"
#: Microseconds on purpose: the link carries milliseconds, as the registration side computes.
REQUESTED_AT = datetime(2030, 5, 2, 9, 15, 30, 123456, tzinfo=UTC)


def account_data(**overrides) -> dict:
    """What ``account.*`` email events carry: a reset unless ceremony fields are given."""
    account_id = overrides.pop("account_id", None) or uuid.uuid4()
    data = {
        "account_id": account_id,
        "email": f"officer-{str(account_id)[:8]}@example.org",
        "display_name": "Amina Diallo",
        "language": "en",
        "requested_at": REQUESTED_AT,
    }
    data.update(overrides)
    return data


def invited_data(service, **overrides) -> dict:
    """A teammate invited to the service's ceremony as a protocol officer."""
    fields = {
        "ceremony_id": service.ceremony_id,
        "ceremony_title": "Closing Ceremony of the International Protocol Course",
        "role": "protocol",
        "invited_by": "Helena Marsh",
        **overrides,
    }
    return account_data(**fields)


def messages(smtp_server) -> list:
    return [message.parsed() for message in smtp_server.received]


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def html_of(message) -> str:
    return message.get_body(("html",)).get_content()


def password_links(text: str) -> list[tuple[str, str]]:
    """Every set-password link in ``text``: (the whole URL, its token)."""
    return re.findall(r"(https?://\S+/account/password/([A-Za-z0-9._-]+))", text)


def only_password_link(text: str, data: dict) -> str:
    """The one set-password link of an email, checked to open the event's account request."""
    [(url, token)] = password_links(text)
    assert url.startswith(f"{REGISTRATION}/account/password/")
    millis = int(data["requested_at"].timestamp() * 1000)
    assert password_link_request(Signer(SECRET), token) == (data["account_id"], millis)
    return url


def test_a_reset_email_carries_a_link_that_opens_the_accounts_request(service, smtp_server):
    data = account_data()
    service.feed(as_event("account.password_reset_requested", data))
    service.deliver()

    [message] = messages(smtp_server)
    assert message["To"] == f"Amina Diallo <{data['email']}>"
    assert message["Subject"] == "Reset the password of your account"
    text = text_of(message)
    assert "Someone asked to reset the password of your account" in text
    assert "one hour, and only once" in text
    assert "If it was not you, ignore this email" in text
    url = only_password_link(text, data)
    assert f'href="{url}"' in html_of(message)


def test_a_reset_is_logged_once_without_a_ceremony(service, smtp_server):
    data = account_data()
    service.feed(as_event("account.password_reset_requested", data))
    service.deliver()

    [delivery] = service.log()
    assert (delivery.template, delivery.recipient, delivery.status) == (
        "password_reset",
        data["email"],
        "sent",
    )
    assert (delivery.ceremony_id, delivery.registration_id) == (None, None)
    assert delivery.language_used == "en"


def test_a_teammates_invitation_says_who_which_ceremony_which_role_and_both_ways_in(
    service, smtp_server
):
    data = invited_data(service)
    service.feed(as_event("account.invited", data))
    service.deliver()

    [message] = messages(smtp_server)
    assert message["Subject"] == (
        "You are invited to the team of Closing Ceremony of the International Protocol Course"
    )
    text = text_of(message)
    assert "Helena Marsh has invited you to the team of Closing Ceremony" in text
    assert "as protocol officer: you can follow the guests and dignitaries" in text
    only_password_link(text, data)
    assert "single sign-on" in text
    assert f"{REGISTRATION}/sign-in" in text.split()
    html = html_of(message)
    assert f'href="{REGISTRATION}/sign-in"' in html
    assert len(password_links(html)) == 1


def test_a_teammates_invitation_is_logged_under_its_ceremony(service, smtp_server):
    service.feed(as_event("account.invited", invited_data(service)))
    service.deliver()

    [delivery] = service.log()
    assert (delivery.template, delivery.ceremony_id, delivery.status) == (
        "account_invited",
        service.ceremony_id,
        "sent",
    )


def test_an_invitation_to_a_ceremony_not_known_here_names_it_as_its_event_did(service, smtp_server):
    data = invited_data(service, ceremony_id=uuid.uuid4(), ceremony_title="Graduation Day")
    service.feed(as_event("account.invited", data))
    service.deliver()

    [message] = messages(smtp_server)
    assert message["Subject"] == "You are invited to the team of Graduation Day"


def test_an_account_opened_outside_any_team_is_welcomed_without_a_ceremony(service, smtp_server):
    data = account_data(role="admin", invited_by="Helena Marsh")
    service.feed(as_event("account.invited", data))
    service.deliver()

    [message] = messages(smtp_server)
    assert message["Subject"] == "An account has been opened for you"
    text = text_of(message)
    assert "Helena Marsh has opened an account for you as administrator of the suite" in text
    only_password_link(text, data)
    [delivery] = service.log()
    assert (delivery.template, delivery.ceremony_id) == ("account_invited", None)


@pytest.mark.parametrize(
    ("role", "words"),
    [
        ("owner", "as owner: you can manage the ceremony"),
        ("organiser", "as organiser: you can manage the ceremony"),
        ("door", "as door steward: you can scan badges at the door"),
        ("viewer", "as viewer: you can see the ceremony and its guest list"),
    ],
)
def test_each_role_is_named_in_words(service, smtp_server, role, words):
    service.feed(as_event("account.invited", invited_data(service, role=role)))
    service.deliver()

    [message] = messages(smtp_server)
    assert words in text_of(message)


@pytest.mark.parametrize(
    ("event_type", "fields", "subject"),
    [
        ("account.password_reset_requested", {}, "Réinitialiser le mot de passe de votre compte"),
        ("account.invited", {"role": "door"}, "Invitation à l'équipe de « Graduation Day »"),
    ],
)
def test_a_french_reader_gets_french(service, smtp_server, event_type, fields, subject):
    if event_type == "account.invited":
        fields = {**fields, "ceremony_id": uuid.uuid4(), "ceremony_title": "Graduation Day"}
    service.feed(as_event(event_type, account_data(language="fr-CA", **fields)))
    service.deliver()

    [message] = messages(smtp_server)
    assert message["Subject"] == subject
    assert message["Content-Language"] == "fr"
    assert service.log()[0].language_used == "fr"


def test_a_chinese_reader_gets_chinese(service, smtp_server):
    service.feed(as_event("account.invited", invited_data(service, language="zh")))
    service.deliver()

    [message] = messages(smtp_server)
    assert "Helena Marsh邀请您以“礼宾人员”身份加入" in text_of(message)
    assert "单点登录" in text_of(message)


def test_a_language_without_these_templates_falls_back_to_english(service, smtp_server):
    service.feed(as_event("account.password_reset_requested", account_data(language="de")))
    service.deliver()

    [message] = messages(smtp_server)
    assert message["Subject"] == "Reset the password of your account"
    assert service.log()[0].language_used == "en"


@pytest.mark.parametrize("event_type", ["account.password_reset_requested", "account.invited"])
def test_a_redelivered_event_sends_no_second_email(service, smtp_server, event_type):
    data = invited_data(service) if event_type == "account.invited" else account_data()
    event = as_event(event_type, data)
    service.feed(event)
    service.deliver()
    service.feed(event)  # the bus delivers it again: the inbox knows it
    with service.database.transaction() as session:
        service.handlers[event_type](session, event)  # even past the inbox, it is named once
    service.deliver()

    assert len(smtp_server.received) == 1
    assert len(service.log()) == 1


def test_two_requests_are_two_emails_each_with_its_own_link(service, smtp_server):
    first = account_data()
    second = {**first, "requested_at": REQUESTED_AT + timedelta(minutes=5)}
    service.feed(as_event("account.password_reset_requested", first))
    service.feed(as_event("account.password_reset_requested", second))
    service.deliver()

    links = [password_links(text_of(message))[0][1] for message in messages(smtp_server)]
    signer = Signer(SECRET)
    requested = sorted(password_link_request(signer, token)[1] for token in links)
    assert requested == [
        int(first["requested_at"].timestamp() * 1000),
        int(second["requested_at"].timestamp() * 1000),
    ]


def test_no_log_line_holds_the_link(service, smtp_server, caplog):
    caplog.set_level(logging.DEBUG)
    service.feed(as_event("account.invited", invited_data(service)))
    service.deliver()

    [(url, token)] = password_links(text_of(messages(smtp_server)[0]))
    assert caplog.records, "the delivery logs what it sent"
    assert not [record for record in caplog.records if token in record.getMessage()]
    # And where a line does name the link (a request for the page), it is redacted.
    assert token not in redact(f"GET {url[len(REGISTRATION) :]} 200")
    assert token not in redact(f"referer {url}")


def test_the_link_is_only_for_setting_a_password():
    link = password_link(Signer(SECRET), f"{REGISTRATION}/", uuid.uuid4(), REQUESTED_AT)

    assert link.startswith(f"{REGISTRATION}/account/password/")
    token = link.rsplit("/", 1)[1]
    with pytest.raises(AuthError):
        Signer(SECRET).verify_capability("manage-registration", token)
    with pytest.raises(AuthError):
        password_link_request(Signer("another-secret-key-of-32-characters-at-least"), token)


def test_a_suite_admin_sees_a_reset_in_the_log_and_an_organiser_does_not(
    service, smtp_server, client, organiser_headers, signer
):
    service.feed(as_event("account.password_reset_requested", account_data()))
    service.deliver()
    bound = signer.issue_token("organiser", ceremony_id=str(service.ceremony_id))

    [listed] = client.get("/api/deliveries", headers=organiser_headers).get_json()
    assert (listed["template"], listed["ceremony_id"]) == ("password_reset", None)
    answer = client.get("/api/deliveries", headers={"Authorization": f"Bearer {bound}"})
    assert (answer.status_code, answer.get_json()) == (200, [])


@pytest.mark.parametrize("template", ["password_reset", "account_invited"])
@pytest.mark.parametrize("language", ["en", "fr", "zh"])
def test_organisers_can_preview_both_emails(client, organiser_headers, template, language):
    answer = client.get(
        f"/api/templates/{template}/preview?language={language}", headers=organiser_headers
    )

    assert answer.status_code == 200
    preview = answer.get_json()
    assert preview["language_used"] == language
    assert "/account/password/sample" in preview["text"]
