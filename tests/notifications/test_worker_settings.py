"""The worker's delivery settings, read from CEREMONY_* variables; bad ones stop it at start."""

from __future__ import annotations

import pytest

from services.notifications.deliver.files import FileSender
from services.notifications.deliver.smtp import RateLimiter, SmtpSender
from services.notifications.service import build_background, build_sender
from shared.config import ConfigurationError, Settings, load_settings

ENV = {
    "CEREMONY_SMTP_URL": "smtp://mail.example.org:587?starttls=true",
    "CEREMONY_SMTP_RATE_PER_SECOND": "12.5",
    "CEREMONY_SMTP_TIMEOUT_SECONDS": "3",
    "CEREMONY_DELIVERY_RETRY_SCHEDULE": "1,10,60",
    "CEREMONY_DELIVERY_THREADS": "8",
    "CEREMONY_MAIL_FROM": "Protocol Office <protocol@example.org>",
    "CEREMONY_INTERNAL_URL_BADGES": "http://badges.internal:8002/",
}


def test_delivery_variables_are_read():
    settings = load_settings("notifications", ENV)

    assert (
        settings.smtp_rate_per_second,
        settings.smtp_timeout_seconds,
        settings.delivery_retry_schedule,
        settings.delivery_threads,
        settings.mail_from,
    ) == (12.5, 3.0, "1,10,60", 8, "Protocol Office <protocol@example.org>")


def test_the_retry_schedule_is_read_as_delays_in_seconds():
    assert load_settings("notifications", ENV).delivery_retry_delays == [1.0, 10.0, 60.0]


def test_without_a_rate_variable_the_settings_default_limits_the_worker():
    settings = load_settings("notifications", {})

    assert settings.smtp_rate_per_second == Settings.smtp_rate_per_second == 50.0


def test_the_internal_badges_url_is_used_for_fetching_badges():
    settings = load_settings("notifications", ENV)

    assert settings.internal_url("badges") == "http://badges.internal:8002"


def test_without_an_internal_url_the_public_one_is_used():
    settings = load_settings("notifications", {"CEREMONY_PUBLIC_URL_BADGES": "https://b.example"})

    assert settings.internal_url("badges") == "https://b.example"


def test_an_smtp_url_gives_smtp_delivery(notification_settings):
    assert isinstance(build_sender(notification_settings, RateLimiter(None)), SmtpSender)


def test_no_smtp_url_gives_the_mail_folder(notification_settings):
    settings = notification_settings.with_overrides(smtp_url=None)
    sender = build_sender(settings, RateLimiter(None))

    assert isinstance(sender, FileSender)
    assert sender.directory == settings.var_dir / "mail"


def test_sqlite_gets_one_delivery_thread(notification_settings):
    [pool] = build_background(notification_settings.with_overrides(delivery_threads=8), None)

    assert len(pool.threads) == 1
    pool.database.dispose()


@pytest.mark.parametrize(
    ("override", "variable"),
    [
        ({"delivery_retry_schedule": "5,soon"}, "CEREMONY_DELIVERY_RETRY_SCHEDULE"),
        ({"smtp_url": "smtp://mail.example.org?tls=yes"}, "CEREMONY_SMTP_URL"),
        ({"smtp_url": "http://mail.example.org"}, "CEREMONY_SMTP_URL"),
        ({"mail_from": "Protocol Office"}, "CEREMONY_MAIL_FROM"),
        ({"delivery_threads": 0}, "CEREMONY_DELIVERY_THREADS"),
        ({"smtp_rate_per_second": -1.0}, "CEREMONY_SMTP_RATE_PER_SECOND"),
    ],
)
def test_a_bad_setting_stops_the_worker_naming_the_variable(
    notification_settings, override, variable
):
    with pytest.raises(ConfigurationError, match=variable):
        build_background(notification_settings.with_overrides(**override), None)
