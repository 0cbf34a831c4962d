"""Reading invitees from a CSV file: every row valid, or nothing imported.

Files come from spreadsheets: UTF-8 with or without a byte-order mark, separated by commas,
semicolons (as European Excel writes them) or tabs, with any line endings, and headers typed by
people ("Full name", "E-mail").
"""

from __future__ import annotations

import csv
import io
import re

from marshmallow import ValidationError

from shared.errors import DomainError

from .schemas import InviteeSchema

COLUMNS = (
    "full_name",
    "email",
    "honorific",
    "organisation",
    "job_title",
    "language",
    "category",
    "precedence",
)
#: Headers as people type them, once folded (lower case, words joined by "_").
ALIASES = {"name": "full_name", "e_mail": "email", "organization": "organisation"}
MAX_ROWS = 1000
#: Longer than any field allows, so a huge cell is refused by the schema, not the reader.
MAX_CELL_CHARS = 10_000
_SCHEMA = InviteeSchema()
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")
_SEPARATORS = ",;\t"


def read_invitees(raw: bytes) -> list[dict]:
    """The invitees of a CSV file with a header row; a 422 names every bad row and field."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid({"file": ["The file must be UTF-8 text."]}) from None
    # Old Mac spreadsheets end lines with CR alone; the reader wants them as CRLF or LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    first_line = text.split("\n", 1)[0]
    delimiter = max(_SEPARATORS, key=first_line.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = _rows(reader)
        header = [_column(name) for name in next(rows, [])]
        _check_header(header)
        invitees, row_errors = [], {}
        for number, cells in rows:
            if number - 1 > MAX_ROWS:
                raise _invalid({"file": [f"At most {MAX_ROWS} invitees per file."]})
            problem, person = _read_row(header, cells)
            if problem:
                row_errors[str(number)] = problem
            elif person is not None:
                invitees.append(person)
    except csv.Error as exc:
        raise _invalid({"file": [f"Not a readable CSV file: {exc}."]}) from None
    if row_errors:
        raise _invalid({"rows": row_errors})
    if not invitees:
        raise _invalid({"file": ["The file has no invitees."]})
    return invitees


def _rows(reader):
    """The header's cells, then (row number, cells) for every row that is not empty."""
    header = next(reader, None)
    yield header or []
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield reader.line_num, cells


def _column(name: str) -> str:
    folded = re.sub(r"[\s\-]+", "_", name.strip().lower())
    return ALIASES.get(folded, folded)


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in ("full_name", "email") if name not in header]
    twice = sorted({name for name in header if header.count(name) > 1})
    if unknown or missing or twice:
        problems = [f"Unknown column {name!r}." for name in unknown]
        problems += [f"Missing column {name!r}." for name in missing]
        problems += [f"Column {name!r} appears more than once." for name in twice]
        raise _invalid({"header": problems})


def _read_row(header: list[str], cells: list[str]) -> tuple[dict | None, dict | None]:
    """A row's problems, or the invitee it describes."""
    if len(cells) > len(header):
        return {"_row": ["More cells than columns."]}, None
    if any(len(cell) > MAX_CELL_CHARS for cell in cells):
        return {"_row": [f"A cell is longer than {MAX_CELL_CHARS} characters."]}, None
    cleaned = {
        name: _cell(name, value)
        for name, value in zip(header, cells, strict=False)
        if value.strip()
    }
    try:
        return None, _SCHEMA.load(cleaned)
    except ValidationError as exc:
        return exc.messages, None


def _cell(name: str, value: str):
    value = value.strip()
    if name == "precedence" and _WHOLE_NUMBER.match(value):
        return int(value)
    return value


def _invalid(errors: dict) -> DomainError:
    rows = errors.get("rows", {})
    detail = "; ".join(f"row {n}: {', '.join(fields)}" for n, fields in rows.items())
    return DomainError(
        "invalid_csv",
        f"Nothing was imported. {detail}" if detail else "Nothing was imported.",
        kind="invalid",
        errors=errors,
    )
