"""Reading invitees from a CSV file: every row valid, or nothing imported."""

from __future__ import annotations

import csv
import io

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
MAX_ROWS = 1000
_SCHEMA = InviteeSchema()


def read_invitees(raw: bytes) -> list[dict]:
    """The invitees of a CSV file with a header row; a 422 names every bad row and field."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise _invalid({"file": ["The file must be UTF-8 text."]}) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip() for name in reader.fieldnames or []]
    unknown = [name for name in header if name not in COLUMNS]
    missing = [name for name in ("full_name", "email") if name not in header]
    if unknown or missing:
        problems = [f"Unknown column {name!r}." for name in unknown]
        problems += [f"Missing column {name!r}." for name in missing]
        raise _invalid({"header": problems})
    invitees, row_errors = [], {}
    for number, row in enumerate(reader, start=2):  # row 1 is the header
        if number - 1 > MAX_ROWS:
            raise _invalid({"file": [f"At most {MAX_ROWS} invitees per file."]})
        if None in row:
            row_errors[str(number)] = {"_row": ["More cells than columns."]}
            continue
        cleaned = {
            name.strip(): _cell(name.strip(), value)
            for name, value in row.items()
            if (value or "").strip()
        }
        try:
            invitees.append(_SCHEMA.load(cleaned))
        except ValidationError as exc:
            row_errors[str(number)] = exc.messages
    if row_errors:
        raise _invalid({"rows": row_errors})
    if not invitees:
        raise _invalid({"file": ["The file has no invitees."]})
    return invitees


def _cell(name: str, value: str):
    value = value.strip()
    if name == "precedence":
        return int(value) if value.lstrip("-").isdigit() else value
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
