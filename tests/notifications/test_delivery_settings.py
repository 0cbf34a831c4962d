"""Choosing a sender from CEREMONY_SMTP_URL, SMTP URL parsing, rate limit and retry schedule."""

from pathlib import Path

import pytest

from services.notifications.deliver.files import FileSender
from services.notifications.deliver.settings import sender_from_url
from services.notifications.deliver.smtp import RateLimiter, SmtpSender, SmtpSettings
from shared.config import retry_delays


def test_smtp_url_gives_an_smtp_sender(tmp_path):
    sender = sender_from_url("smtp://mail.example.org:2525", tmp_path, timeout=5)

    assert isinstance(sender, SmtpSender)
    assert (sender.settings.host, sender.settings.port) == ("mail.example.org", 2525)


def test_no_url_writes_files_to_the_mail_dir(tmp_path):
    sender = sender_from_url(None, tmp_path / "mail", timeout=5)

    assert isinstance(sender, FileSender)
    assert sender.directory == tmp_path / "mail"


def test_file_url_writes_files_to_its_path(tmp_path):
    sender = sender_from_url(f"file://{tmp_path}/outbox", Path("unused"), timeout=5)

    assert sender.directory == tmp_path / "outbox"


def test_unknown_scheme_is_refused(tmp_path):
    with pytest.raises(ValueError, match="scheme"):
        sender_from_url("http://mail.example.org", tmp_path, timeout=5)


def test_smtp_url_with_credentials_and_starttls():
    settings = SmtpSettings.from_url(
        "smtp://relay%40example.org:p%3Ass@mail.example.org:587?starttls=true"
    )

    assert settings == SmtpSettings(
        "mail.example.org", 587, "relay@example.org", "p:ss", starttls=True
    )


def test_smtp_url_defaults_to_port_25():
    assert SmtpSettings.from_url("smtp://mail.example.org").port == 25


def test_smtps_url_uses_implicit_tls_on_port_465():
    settings = SmtpSettings.from_url("smtps://mail.example.org")

    assert (settings.port, settings.implicit_tls, settings.starttls) == (465, True, False)


def test_password_is_not_shown_in_settings_repr():
    assert "secret" not in repr(SmtpSettings.from_url("smtp://user:secret@mail.example.org"))


@pytest.mark.parametrize(
    "url",
    [
        "smtp://mail.example.org?starttls=maybe",
        "smtp://mail.example.org?tls=true",
        "smtps://mail.example.org?starttls=true",
        "smtp://:25",
    ],
)
def test_bad_smtp_url_is_refused(url):
    with pytest.raises(ValueError):
        SmtpSettings.from_url(url)


def test_rate_limiter_spaces_messages():
    now = [100.0]
    waits = []

    def sleep(seconds):
        waits.append(seconds)
        now[0] += seconds

    limiter = RateLimiter(4, clock=lambda: now[0], sleep=sleep)
    for _ in range(3):
        limiter.wait()

    assert waits == [0.25, 0.25]


def test_rate_limiter_does_not_wait_after_a_pause():
    now = [100.0]
    waits = []
    limiter = RateLimiter(4, clock=lambda: now[0], sleep=waits.append)

    limiter.wait()
    now[0] += 1.0
    limiter.wait()

    assert waits == []


def test_retry_schedule_is_parsed_in_seconds():
    assert retry_delays(" 5, 30,120 ,600") == [5.0, 30.0, 120.0, 600.0]


def test_empty_retry_schedule_means_no_retries():
    assert retry_delays("") == []


@pytest.mark.parametrize("schedule", ["5,soon", "5,-1", "nan"])
def test_bad_retry_schedule_is_refused(schedule):
    with pytest.raises(ValueError, match="retry delay"):
        retry_delays(schedule)
