"""CEREMONY_* variables read into Settings: types, ranges and formats, each refusal named."""

from __future__ import annotations

import pytest

from shared.config import ConfigurationError, Settings, load_settings


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("CEREMONY_MAX_ATTEMPTS", "five"),
        ("CEREMONY_MAX_ATTEMPTS", "0"),
        ("CEREMONY_MAX_BODY_BYTES", "1.5"),
        ("CEREMONY_RETRY_DELAY_SECONDS", "-1"),
        ("CEREMONY_RELAY_INTERVAL_SECONDS", "0"),
        ("CEREMONY_CAPABILITY_TTL_DAYS", "0"),
        ("CEREMONY_SMTP_TIMEOUT_SECONDS", "nan"),
        ("CEREMONY_SMTP_RATE_PER_SECOND", "-1"),
        ("CEREMONY_DELIVERY_RETRY_SCHEDULE", "5,soon"),
        ("CEREMONY_DELIVERY_THREADS", "0"),
        ("CEREMONY_DELIVERY_POLL_SECONDS", "soon"),
        ("CEREMONY_LOG_FORMAT", "xml"),
        ("CEREMONY_LOG_LEVEL", "loud"),
        ("CEREMONY_WORKER_METRICS_PORT", "70000"),
        ("CEREMONY_PUBLIC_URL_BADGES", "badges.example.org"),
        ("CEREMONY_INTERNAL_URL_BADGES", "ftp://badges.internal"),
    ],
)
def test_a_bad_value_is_refused_naming_its_variable(variable, value):
    with pytest.raises(ConfigurationError, match=variable):
        load_settings("notifications", {variable: value})


def test_every_bad_variable_is_named_at_once():
    with pytest.raises(ConfigurationError) as refused:
        load_settings("badges", {"CEREMONY_MAX_ATTEMPTS": "x", "CEREMONY_DELIVERY_THREADS": "y"})

    assert "CEREMONY_MAX_ATTEMPTS" in str(refused.value)
    assert "CEREMONY_DELIVERY_THREADS" in str(refused.value)


def test_an_override_is_held_to_the_same_checks():
    settings = load_settings("notifications", {})

    with pytest.raises(ConfigurationError, match="CEREMONY_LOG_FORMAT"):
        settings.with_overrides(log_format="xml")


def test_an_empty_variable_counts_as_unset():
    settings = load_settings("badges", {"CEREMONY_MAX_ATTEMPTS": "", "CEREMONY_BROKER_URL": ""})

    assert (settings.max_attempts, settings.broker_url) == (Settings.max_attempts, "filesystem://")


def test_log_format_and_level_are_read_in_any_case():
    settings = load_settings(
        "badges", {"CEREMONY_LOG_FORMAT": "JSON", "CEREMONY_LOG_LEVEL": "debug"}
    )

    assert (settings.log_format, settings.log_level) == ("json", "DEBUG")


def test_a_given_mapping_is_read_instead_of_the_process_environment(monkeypatch):
    monkeypatch.setenv("CEREMONY_MAX_ATTEMPTS", "9")

    assert load_settings("badges", {}).max_attempts == Settings.max_attempts
    assert load_settings("badges").max_attempts == 9
