"""Times shown as people read them: in the ceremony's own time zone, in the page's language
(``shared.console.languages``), without seconds and never as raw UTC."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel.dates import format_skeleton
from babel.numbers import format_decimal
from flask import Flask
from flask_babel import get_locale


def _zone(name: str | None) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def _format(skeleton: str, value: datetime, zone: str | None) -> str:
    return format_skeleton(skeleton, value, tzinfo=_zone(zone), locale=str(get_locale() or "en"))


def local_time(value: datetime | None, zone: str | None) -> str:
    """``value`` (aware, UTC) in the time zone ``zone`` ("Dec 2, 2026 14:30"); "" for None."""
    if value is None:
        return ""
    return f"{_format('yMMMd', value, zone)} {_format('Hm', value, zone)}"


def local_date(value: datetime | None, zone: str | None) -> str:
    """The date only, e.g. "Dec 2, 2026" in English."""
    return "" if value is None else _format("yMMMd", value, zone)


def clock(value: datetime | None, zone: str | None) -> str:
    """Hours and minutes only, e.g. "14:30"."""
    return "" if value is None else _format("Hm", value, zone)


def number(value: int | float | None) -> str:
    """A count with the language's digit grouping."""
    return "" if value is None else format_decimal(value, locale=str(get_locale() or "en"))


def install_formatting(app: Flask) -> None:
    """The time and number filters in every template."""
    app.jinja_env.filters.update(
        local_time=local_time, local_date=local_date, clock=clock, number=number
    )
