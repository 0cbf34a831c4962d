"""The graduation roll for the master of ceremonies: A4 portrait, one line per graduate in the
order they are called, with the name as it is to be read, how it sounds, its transliteration,
the group and the result.

The words come from the console's catalogs in the language asked for (not the request's), as
the API serves the same list to whoever prints it.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale, UnknownLocaleError
from babel.dates import format_date
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas

from shared.console.catalogs import translations_for
from shared.contract import fold
from shared.graduation import course_title
from shared.protocol import envelope_name, name_of

from . import text

MARGIN = 15 * mm
HEADER = 30 * mm  # from the page's top margin to the first line of the table
FOOTER = 12 * mm
#: Left edges of the columns (number, name, pronunciation, group, result), from the margin.
COLUMNS = (0, 11 * mm, 82 * mm, 128 * mm, 152 * mm)
NAME_SIZE, SMALL_SIZE = 10.5, 8.0
LINE, SMALL_LINE = 5 * mm, 4 * mm
MUTED, RULE = "#5A5A5A", "#D0D0D0"
#: Languages whose roll runs from the right.
RIGHT_TO_LEFT = frozenset({"ar"})


def words_for(language: str) -> Callable[[str], str]:
    """The catalog's ``gettext`` of ``language`` (English for one without a catalog)."""
    return translations_for(primary_language(language)).gettext


def primary_language(language: str | None) -> str:
    """``fr-CA`` as ``fr``; ``en`` for nothing."""
    return (language or "en").replace("_", "-").split("-")[0].lower() or "en"


def result_words(language: str) -> dict[str | None, str]:
    """Each result as the roll and the cards print it."""
    _ = words_for(language)
    return {
        None: _("No result yet"),
        "completed": _("Completed"),
        "distinction": _("Completed with distinction"),
        "attended": _("Attended only"),
        "not_completed": _("Not completed"),
    }


def read_name(graduate: Mapping[str, Any], language: str) -> str:
    """The name as it is to be read out: with its honorific, in the protocol table's form."""
    return envelope_name(name_of(graduate), primary_language(language))


def transliteration(graduate: Mapping[str, Any]) -> str | None:
    """The Latin letters to print under the name, unless they only repeat it."""
    latin = " ".join((graduate.get("name_latin") or "").split())
    if not latin or fold(latin) == fold(graduate.get("full_name") or ""):
        return None
    return latin


def field_of(record: Any, name: str, default: Any = None) -> Any:
    """A field of a ceremony given as a row or as a mapping."""
    if isinstance(record, Mapping):
        return record.get(name, default)
    return getattr(record, name, default)


def ceremony_line(ceremony: Any, language: str) -> str:
    """ "Closing Ceremony · 4 December 2026 · Grand Hall": the ceremony's title, its day on its
    own clock and its venue."""
    if ceremony is None:
        return ""
    parts = [field_of(ceremony, "title") or ""]
    starts = field_of(ceremony, "starts_at")
    if isinstance(starts, str):
        try:
            starts = datetime.fromisoformat(starts)
        except ValueError:
            starts = None
    if isinstance(starts, datetime):
        try:
            zone = ZoneInfo(field_of(ceremony, "timezone") or "UTC")
        except (ZoneInfoNotFoundError, ValueError):
            zone = ZoneInfo("UTC")
        day = starts.astimezone(zone).date() if starts.tzinfo else starts.date()
        parts.append(long_date(day, language))
    venue = field_of(ceremony, "venue_name") or (field_of(ceremony, "venue") or {})
    parts.append(venue.get("name", "") if isinstance(venue, Mapping) else str(venue))
    return " · ".join(part for part in parts if part)


def long_date(day: date, language: str) -> str:
    """A day written out in ``language`` ("4 décembre 2026")."""
    try:
        locale = Locale.parse(primary_language(language))
    except (UnknownLocaleError, ValueError):
        locale = Locale.parse("en")
    return format_date(day, "long", locale=locale)


def document_title(ceremony: Any, course: Mapping[str, Any] | None, language: str) -> str:
    """The course's title in ``language``, or the ceremony's when there is no course."""
    if course and course.get("title"):
        return course_title(course, primary_language(language))
    return (field_of(ceremony, "title") or "") if ceremony is not None else ""


# -- the list ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Line:
    """One graduate's line of the list, measured before it is drawn."""

    number: int
    name: str
    latin: str | None
    phonetic: str
    group: str
    result: str
    distinction: bool

    @property
    def height(self) -> float:
        return LINE + (SMALL_LINE if self.latin else 0) + 2 * mm


def roll_pdf(
    ceremony: Any, course: Mapping[str, Any] | None, roll: Sequence, language: str
) -> bytes:
    """The roll as the master of ceremonies reads it, in the order of ``roll``, in ``language``."""
    _ = words_for(language)
    results = result_words(language)
    lines = [
        _Line(
            number=number,
            name=read_name(graduate, language),
            latin=transliteration(graduate),
            phonetic=graduate.get("phonetic") or "",
            group=graduate.get("group") or "",
            result=results.get(graduate.get("result"), results[None]),
            distinction=graduate.get("result") == "distinction",
        )
        for number, graduate in enumerate(roll, start=1)
    ]
    pages = _paginate(lines, A4[1] - 2 * MARGIN - HEADER - FOOTER)
    heading = _("Roll of graduates")
    title = document_title(ceremony, course, language)
    out = io.BytesIO()
    canvas = Canvas(out, pagesize=A4)
    canvas.setTitle(f"{heading} · {title}" if title else heading)
    write = _Writer(canvas, primary_language(language) in RIGHT_TO_LEFT)
    for index, page in enumerate(pages, start=1):
        y = _page_header(write, heading, title, ceremony_line(ceremony, language))
        if not lines:
            write.text(_("There are no graduates on the roll yet."), 0, y, 11)
        else:
            y = _table_header(write, _, y)
            for line in page:
                y = _draw_line(write, line, y)
        footer = _("Page %(page)s of %(pages)s") % {"page": index, "pages": len(pages)}
        text.draw(canvas, footer, A4[0] / 2, MARGIN, 8, align="centre", colour=MUTED)
        canvas.showPage()
    canvas.save()
    return out.getvalue()


@dataclass(frozen=True)
class _Writer:
    """Draws at a distance from the margin where lines start: the left one, or the right one
    for a language written right to left (the columns then run from the right)."""

    canvas: Canvas
    rtl: bool

    def text(self, line: str, offset: float, y: float, size: float, **kwargs) -> None:
        """Draw ``line`` starting ``offset`` points from the starting margin."""
        if self.rtl:
            text.draw(self.canvas, line, A4[0] - MARGIN - offset, y, size, align="right", **kwargs)
        else:
            text.draw(self.canvas, line, MARGIN + offset, y, size, **kwargs)

    def cell(self, line: str, column: int, y: float, size: float, **kwargs) -> None:
        """Draw ``line`` in a column of the table, made smaller if it would not fit."""
        end = COLUMNS[column + 1] if column + 1 < len(COLUMNS) else A4[0] - 2 * MARGIN
        room = end - COLUMNS[column] - 2 * mm
        fitted = text.fitted_size(line, size, room, kwargs.get("bold", False))
        self.text(line, COLUMNS[column], y, fitted, **kwargs)

    def rule(self, y: float, colour: str, width: float) -> None:
        """A line across the page."""
        self.canvas.setStrokeColor(colour)
        self.canvas.setLineWidth(width)
        self.canvas.line(MARGIN, y, A4[0] - MARGIN, y)


def _paginate(lines: list[_Line], room: float) -> list[list[_Line]]:
    """The lines cut into pages of at most ``room`` points (always one page, even empty)."""
    room -= 8 * mm  # the table's own header
    pages: list[list[_Line]] = [[]]
    used = 0.0
    for line in lines:
        if pages[-1] and used + line.height > room:
            pages.append([])
            used = 0.0
        pages[-1].append(line)
        used += line.height
    return pages


def _page_header(write: _Writer, heading: str, title: str, ceremony: str) -> float:
    top = A4[1] - MARGIN - 5 * mm
    write.text(heading, 0, top, 16, bold=True)
    room = A4[0] - 2 * MARGIN
    if title:
        write.text(title, 0, top - 7 * mm, text.fitted_size(title, 12, room))
    if ceremony:
        write.text(ceremony, 0, top - 13 * mm, text.fitted_size(ceremony, 9, room), colour=MUTED)
    return A4[1] - MARGIN - HEADER


def _table_header(write: _Writer, _: Callable[[str], str], y: float) -> float:
    names = (_("No."), _("Name as read"), _("How it sounds"), _("Group"), _("Result"))
    for column, name in enumerate(names):
        write.cell(name, column, y, 8, bold=True, colour=MUTED)
    write.rule(y - 2 * mm, MUTED, 0.5)
    return y - 7 * mm


def _draw_line(write: _Writer, line: _Line, y: float) -> float:
    write.cell(str(line.number), 0, y, NAME_SIZE, bold=True)
    write.cell(line.name, 1, y, NAME_SIZE, bold=True)
    if line.phonetic:
        write.cell(line.phonetic, 2, y, 9)
    if line.group:
        write.cell(line.group, 3, y, 9)
    write.cell(line.result, 4, y, 9, bold=line.distinction)
    if line.latin:
        write.cell(line.latin, 1, y - SMALL_LINE, SMALL_SIZE, colour=MUTED)
    following = y - line.height
    write.rule(following + 5 * mm, RULE, 0.3)
    return following
