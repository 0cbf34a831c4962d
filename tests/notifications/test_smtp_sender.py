"""Delivery over SMTP against a real (local) SMTP server."""

import socket
from collections.abc import Iterator
from email.message import EmailMessage

import pytest

from services.notifications.deliver.sender import PermanentDeliveryError, TransientDeliveryError
from services.notifications.deliver.smtp import SmtpSender
from tests.notifications.smtp_server import SmtpTestServer


def message(number: int = 1) -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "Protocol Office <protocol@example.org>"
    mail["To"] = "Amina Diallo <amina.diallo@example.org>"
    mail["Subject"] = f"Message {number}"
    mail["Message-ID"] = f"<message-{number}@ceremony.example.org>"
    mail.set_content("Hello")
    return mail


@pytest.fixture
def sender(smtp_server) -> Iterator[SmtpSender]:
    with SmtpSender(smtp_server.url, timeout=5, rate_per_second=None) as smtp:
        yield smtp


def test_delivers_to_the_recipient(sender, smtp_server):
    sender.send(message())

    [received] = smtp_server.received
    assert received.rcpt_tos == ["amina.diallo@example.org"]
    assert received.parsed()["Message-ID"] == "<message-1@ceremony.example.org>"


def test_reuses_one_connection_for_several_messages(sender, smtp_server):
    for number in range(3):
        sender.send(message(number))

    assert (len(smtp_server.received), smtp_server.connections) == (3, 1)


def test_451_is_transient_and_keeps_the_reply(sender, smtp_server):
    smtp_server.refuse_next(451)

    with pytest.raises(TransientDeliveryError) as caught:
        sender.send(message())

    assert caught.value.smtp_code == 451
    assert "try again later" in caught.value.smtp_text


def test_550_is_permanent_and_keeps_the_reply(sender, smtp_server):
    smtp_server.refuse_next(550)

    with pytest.raises(PermanentDeliveryError) as caught:
        sender.send(message())

    assert (caught.value.smtp_code, caught.value.smtp_text) == (550, "5.1.1 Mailbox unavailable")


def test_a_refused_message_does_not_spoil_the_connection(sender, smtp_server):
    smtp_server.refuse_next(451)
    with pytest.raises(TransientDeliveryError):
        sender.send(message(1))

    sender.send(message(2))

    assert (len(smtp_server.received), smtp_server.connections) == (1, 1)


def test_stopped_server_is_a_transient_failure(sender, smtp_server):
    sender.send(message(1))
    smtp_server.stop()

    with pytest.raises(TransientDeliveryError):
        sender.send(message(2))


def test_sends_again_once_the_server_is_back(sender, smtp_server):
    sender.send(message(1))
    smtp_server.stop()
    with pytest.raises(TransientDeliveryError):
        sender.send(message(2))
    smtp_server.start()

    sender.send(message(3))

    assert [m.parsed()["Subject"] for m in smtp_server.received] == ["Message 1", "Message 3"]


def test_silent_server_times_out_as_a_transient_failure():
    with socket.socket() as listener:
        # Connections complete in the backlog, but nobody ever sends the greeting.
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        port = listener.getsockname()[1]
        with (
            SmtpSender(f"smtp://127.0.0.1:{port}", timeout=0.3) as sender,
            pytest.raises(TransientDeliveryError, match="timed out"),
        ):
            sender.send(message())


@pytest.fixture
def authenticating_server() -> Iterator[SmtpTestServer]:
    server = SmtpTestServer(credentials=("relay@example.org", "s3cret:pass"))
    server.start()
    yield server
    server.stop()


def test_logs_in_with_the_urls_credentials(authenticating_server):
    url = f"smtp://relay%40example.org:s3cret%3Apass@127.0.0.1:{authenticating_server.port}"

    with SmtpSender(url, timeout=5) as sender:
        sender.send(message())

    [received] = authenticating_server.received
    assert received.authenticated


def test_wrong_password_is_transient_and_keeps_the_reply(authenticating_server):
    url = f"smtp://relay%40example.org:wrong@127.0.0.1:{authenticating_server.port}"

    with SmtpSender(url, timeout=5) as sender, pytest.raises(TransientDeliveryError) as caught:
        sender.send(message())

    assert caught.value.smtp_code == 535
