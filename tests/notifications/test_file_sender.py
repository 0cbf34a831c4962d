"""The embedded mode's sender: one .eml file per Message-ID."""

from email.message import EmailMessage
from email.parser import BytesParser
from email.policy import default

import pytest

from services.notifications.deliver.files import FileSender, eml_filename


def message(message_id: str, subject: str = "Registration confirmed") -> EmailMessage:
    mail = EmailMessage()
    mail["From"] = "protocol@example.org"
    mail["To"] = "amina.diallo@example.org"
    mail["Subject"] = subject
    if message_id:
        mail["Message-ID"] = message_id
    mail.set_content("Hello")
    return mail


def test_writes_the_message_as_an_eml_file(tmp_path):
    FileSender(tmp_path).send(message("<abc@example.org>"))

    written = BytesParser(policy=default).parsebytes(
        (tmp_path / "abc@example.org.eml").read_bytes()
    )
    assert written["Subject"] == "Registration confirmed"


def test_resending_the_same_message_id_replaces_the_file(tmp_path):
    sender = FileSender(tmp_path)
    sender.send(message("<abc@example.org>", "First"))
    sender.send(message("<abc@example.org>", "Second"))

    assert [path.name for path in tmp_path.iterdir()] == ["abc@example.org.eml"]


def test_different_message_ids_give_different_files(tmp_path):
    sender = FileSender(tmp_path)
    sender.send(message("<one@example.org>"))
    sender.send(message("<two@example.org>"))

    assert sorted(path.name for path in tmp_path.iterdir()) == [
        "one@example.org.eml",
        "two@example.org.eml",
    ]


def test_creates_the_directory_on_first_send(tmp_path):
    FileSender(tmp_path / "var" / "mail").send(message("<abc@example.org>"))

    assert (tmp_path / "var" / "mail" / "abc@example.org.eml").is_file()


def test_message_id_cannot_escape_the_directory():
    assert "/" not in eml_filename("<../../etc/passwd@example.org>")


def test_ids_that_differ_only_in_unsafe_characters_stay_apart():
    assert eml_filename("<a/b@example.org>") != eml_filename("<a_b@example.org>")


def test_message_without_message_id_is_refused(tmp_path):
    with pytest.raises(ValueError, match="Message-ID"):
        FileSender(tmp_path).send(message(""))
