"""Reading invitees from an uploaded file for the API: every row valid, or nothing imported.

The file is read as the console's import reads it (``services.registration.imports``: CSV in
the encodings and with the separators spreadsheets write, or XLSX), but its header must name
the columns itself: a column the API does not know is refused by name, not ignored.
"""

from __future__ import annotations

from shared.errors import DomainError

from ..imports import MAX_ROWS, check_rows, field_for, read_table, with_family_name
from .schemas import InviteeSchema

__all__ = ["MAX_ROWS", "read_invitees"]

_SCHEMA = InviteeSchema()


def read_invitees(raw: bytes) -> list[dict]:
    """The invitees of a file with a header row; a 422 names every bad row and field."""
    try:
        table = read_table(raw)
    except DomainError as exc:
        raise _invalid({"file": [exc.message]}) from None
    mapping = _strict_mapping(table.header)
    checked = check_rows(table, mapping, _SCHEMA.load)
    row_errors = {
        str(row.number): {name: [message] for name, message in row.errors.items()}
        for row in checked.bad
        # Addresses twice in the file are the invitation rule's to refuse, as for JSON.
        if set(row.errors) != {"email"} or not row.errors["email"].startswith("Same email")
    }
    if row_errors:
        raise _invalid({"rows": row_errors})
    if not checked.rows:
        raise _invalid({"file": ["The file has no invitees."]})
    return checked.invitees


def _strict_mapping(header: list[str]) -> list[str]:
    """Each header's field; unknown, missing or repeated columns are refused by name."""
    mapping = with_family_name([field_for(name) or "" for name in header])
    unknown = [name for name, found in zip(header, mapping, strict=True) if not found]
    names = set(mapping)
    has_name = "full_name" in names or {"given_name", "family_name"} <= names
    missing = [] if has_name else ["full_name"]
    missing += [] if "email" in names else ["email"]
    twice = sorted({name for name in mapping if name and mapping.count(name) > 1})
    if unknown or missing or twice:
        problems = [f"Unknown column {name!r}." for name in unknown]
        problems += [f"Missing column {name!r}." for name in missing]
        problems += [f"Column {name!r} appears more than once." for name in twice]
        raise _invalid({"header": problems})
    return mapping


def _invalid(errors: dict) -> DomainError:
    rows = errors.get("rows", {})
    detail = "; ".join(f"row {n}: {', '.join(fields)}" for n, fields in rows.items())
    return DomainError(
        "invalid_csv",
        f"Nothing was imported. {detail}" if detail else "Nothing was imported.",
        kind="invalid",
        errors=errors,
    )
