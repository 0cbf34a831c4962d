"""Dates and times in the recipient's locale and the ceremony's timezone."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from babel import Locale

from services.notifications.compose.formatting import (
    LocalFormatter,
    formatting_locale,
    primary_language,
)

GENEVA = ZoneInfo("Europe/Zurich")


def test_span_within_one_day_shows_times_only():
    formatter = LocalFormatter(Locale.parse("fr"), GENEVA)

    span = formatter.timespan(
        datetime(2025, 6, 13, 15, tzinfo=UTC), datetime(2025, 6, 13, 17, tzinfo=UTC)
    )

    assert span == "17:00 \u2013 19:00"


def test_span_over_midnight_shows_both_dates():
    formatter = LocalFormatter(Locale.parse("fr"), GENEVA)

    span = formatter.timespan(
        datetime(2025, 6, 13, 20, tzinfo=UTC), datetime(2025, 6, 14, 1, tzinfo=UTC)
    )

    assert span == "vendredi 13 juin 2025 22:00 \u2013 samedi 14 juin 2025 03:00"


def test_regional_tag_formats_with_its_region():
    assert str(formatting_locale("fr-CA", "fr")) == "fr_CA"


def test_fallback_language_formats_in_that_language():
    assert str(formatting_locale("de-CH", "en")) == "en"


def test_malformed_tag_has_no_language():
    assert primary_language("../../etc") is None
