"""Lists as files people open in a spreadsheet: CSV that Excel reads as UTF-8, and XLSX.

Both neutralise cells a spreadsheet would run as a formula (text starting with ``=``, ``+``,
``-``, ``@``, a tab or a carriage return gets a leading apostrophe). Files are named after the
ceremony and its date, e.g. ``closing-ceremony-2026-12-16-guests.xlsx``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterable, Sequence
from typing import Any
from zoneinfo import ZoneInfo

from openpyxl import Workbook

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
#: Excel opens a CSV as UTF-8 only when it starts with the byte-order mark.
BOM = "\ufeff"


def safe_cell(value: Any) -> Any:
    """A cell's value with text that would start a formula made plain text."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    """The rows as CSV in UTF-8 with a byte-order mark, every cell quoted."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, quoting=csv.QUOTE_ALL)
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if cell is None else safe_cell(cell) for cell in row])
    return out.getvalue().encode("utf-8")


def xlsx_bytes(columns: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str) -> bytes:
    """The rows as one worksheet of an XLSX workbook (written row by row: fast at 10,000)."""
    workbook = Workbook(write_only=True)
    worksheet = workbook.create_sheet(title=_sheet_title(sheet))
    worksheet.append(list(columns))
    for row in rows:
        worksheet.append([safe_cell(cell) for cell in row])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def export_filename(ceremony, what: str, extension: str) -> str:
    """``<title>-<date>-<what>.<extension>``: the title in lower-case words (any script), the
    ceremony's date in its own time zone."""
    words = re.findall(r"\w+", unicodedata.normalize("NFKC", ceremony.title).lower())
    title = "-".join(words)[:60].strip("-") or "ceremony"
    day = ceremony.starts_at.astimezone(ZoneInfo(ceremony.timezone)).date().isoformat()
    return f"{title}-{day}-{what}.{extension}"


def ascii_filename(name: str) -> str:
    """The name in ASCII, for clients that ignore ``filename*``."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[^A-Za-z0-9._-]+", "-", plain).strip("-") or "export"


def _sheet_title(title: str) -> str:
    # Excel refuses these characters and titles over 31 characters.
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31] or "Sheet"
