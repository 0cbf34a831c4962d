"""Dates and times as a recipient reads them: their locale, the ceremony's timezone."""

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from babel import Locale, UnknownLocaleError
from babel.dates import format_date, format_time, get_timezone_name
from babel.numbers import format_decimal

_LANGUAGE_SUBTAG = re.compile(r"^[a-z]{2,3}$")
_RANGE = " \u2013 "  # an en dash between two times, as typesetting wants


def primary_language(tag: str | None) -> str | None:
    """Return the language subtag of a tag ("fr-CA" -> "fr"), or None if it is not one."""
    language = (tag or "").strip().replace("_", "-").split("-")[0].lower()
    # Only a plain subtag is accepted, so the result is safe to use as a folder name.
    return language if _LANGUAGE_SUBTAG.match(language) else None


def formatting_locale(tag: str | None, language_used: str) -> Locale:
    """Return the Babel locale for dates: the recipient's full tag when its language was used."""
    if primary_language(tag) == language_used:
        try:
            return Locale.parse((tag or "").strip().replace("_", "-"), sep="-")
        except (ValueError, TypeError, UnknownLocaleError):
            pass  # a malformed region or script falls back to the plain language
    return Locale.parse(language_used)


@dataclass(frozen=True)
class LocalFormatter:
    """Format aware datetimes, days and counts in one locale and one timezone."""

    locale: Locale
    zone: ZoneInfo

    def date(self, value: date, style: str = "full") -> str:
        """The day of an aware datetime in the timezone, or a day as it is (a date is already
        the ceremony's day): "full" has the weekday ("vendredi 13 juin 2025"), "long" not
        ("13 juin 2025", which reads after a preposition: "до 13 июня 2025 г.")."""
        day = value.astimezone(self.zone).date() if isinstance(value, datetime) else value
        return format_date(day, style, locale=self.locale)

    def time(self, value: datetime) -> str:
        """Short time, e.g. "17:00" or "5:00 PM"."""
        return format_time(value, "short", tzinfo=self.zone, locale=self.locale)

    def timespan(self, start: datetime, end: datetime) -> str:
        """Times of one day ("17:00 to 19:30"), or full dates when the span crosses midnight."""
        if start.astimezone(self.zone).date() == end.astimezone(self.zone).date():
            return f"{self.time(start)}{_RANGE}{self.time(end)}"
        return f"{self.date(start)} {self.time(start)}{_RANGE}{self.date(end)} {self.time(end)}"

    def zone_name(self, value: datetime) -> str:
        """The timezone's long name at that instant, e.g. "Central European Summer Time"."""
        return get_timezone_name(value.astimezone(self.zone), "long", locale=self.locale)

    def plural(self, count: int, forms: Mapping[str, str]) -> str:
        """The one of ``forms`` (keyed by CLDR plural category: "one", "few", "other"...)
        that the locale's rules pick for ``count``, with ``{n}`` replaced by the count;
        a category left out falls back to "other"."""
        text = forms.get(self.locale.plural_form(count)) or forms["other"]
        return text.replace("{n}", format_decimal(count, locale=self.locale))
