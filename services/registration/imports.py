"""Files of invitees as people make them: read, mapped to fields, checked row by row.

A file comes from a spreadsheet: an XLSX workbook, or CSV text in UTF-8 (with or without a
byte-order mark), UTF-16 with its mark, or Windows-1252 (what European Excel saves), separated
by commas, semicolons or tabs, with headers typed by people in English or French. The file is
kept in ``invitation_imports`` between its preview and its import, so that the person sees
exactly what will be imported before anything is.
"""

from __future__ import annotations

import csv
import io
import re
import uuid
import zipfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from shared.contract import fold
from shared.errors import DomainError, not_found

from .models import Invitation, InvitationImport

#: Larger files are refused (a list of 5,000 invitees is a few hundred kilobytes).
MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 5000
#: Longer than any field allows, so a huge cell is refused by the schema, not the reader.
MAX_CELL_CHARS = 10_000
#: Uploads not imported are forgotten after this long.
KEEP_UPLOADS = timedelta(days=1)
#: What a column can be mapped to; given and family names are kept apart, and written
#: together as ``full_name`` when the file has no column of whole names.
FIELDS = (
    "full_name",
    "given_name",
    "family_name",
    "family_first",
    "name_latin",
    "email",
    "honorific",
    "organisation",
    "job_title",
    "language",
    "category",
    "precedence",
    "companions_allowed",
    "representative_allowed",
    "host",
    "reply_by",
    "dress_code",
    "arrival_instructions",
)
#: Headers as people type them, folded (no accents, lower case, words joined by "_").
ALIASES = {
    "full_name": ("full_name", "name", "nom", "nom_complet", "nom_et_prenom", "invitee"),
    "given_name": ("given_name", "given_names", "first_name", "firstname", "prenom", "forename"),
    "family_name": ("family_name", "last_name", "lastname", "surname", "nom_de_famille"),
    "family_first": ("family_first", "family_name_first", "nom_en_premier"),
    "name_latin": (
        "name_latin",
        "latin_name",
        "transliteration",
        "translitteration",
        "name_in_latin_letters",
        "nom_en_lettres_latines",
    ),
    "email": ("email", "e_mail", "mail", "courriel", "email_address", "adresse_e_mail"),
    "honorific": ("honorific", "title", "titre", "civilite", "salutation"),
    "organisation": ("organisation", "organization", "organisme", "institution"),
    "job_title": ("job_title", "position", "function", "fonction", "poste"),
    "language": ("language", "langue", "lang"),
    "category": ("category", "categorie"),
    "precedence": ("precedence", "preseance", "rank", "rang", "order", "ordre"),
    "companions_allowed": ("companions_allowed", "companions", "accompagnants"),
    "representative_allowed": (
        "representative_allowed",
        "representative",
        "may_send_a_representative",
        "representant",
    ),
    "host": ("host", "hote", "invited_by", "invite_par"),
    "reply_by": ("reply_by", "rsvp_by", "repondre_avant", "reponse_avant"),
    "dress_code": ("dress_code", "dress", "tenue"),
    "arrival_instructions": ("arrival_instructions", "arrival", "arrivee", "acces"),
}
#: Whole numbers a cell may give as text.
_NUMBERS = ("precedence", "companions_allowed")
#: A day a workbook's date cell gives with a midnight time.
_MIDNIGHT = re.compile(r"^(\d{4}-\d{2}-\d{2})[ T]00:00(:00)?$")
_FIELD_OF = {alias: name for name, aliases in ALIASES.items() for alias in aliases}
_WHOLE_NUMBER = re.compile(r"^-?[0-9]{1,9}$")
_SEPARATORS = ",;\t"
_SNIFF_CHARS = 16 * 1024
_ZIP, _OLE = b"PK\x03\x04", b"\xd0\xcf\x11\xe0"


@dataclass(frozen=True)
class Table:
    """A file's header and rows, as text, and how the file was read."""

    kind: str  # "csv" or "xlsx"
    header: list[str]
    #: (row number in the file, its cells), empty rows left out.
    rows: list[tuple[int, list[str]]]
    encoding: str | None = None
    delimiter: str | None = None


@dataclass
class CheckedRow:
    """One row as it will be imported, or what is wrong with it."""

    number: int
    values: dict[str, Any]
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Checked:
    """Every row of a file checked against the invitee schema and the ceremony."""

    rows: list[CheckedRow]

    @property
    def bad(self) -> list[CheckedRow]:
        return [row for row in self.rows if row.errors]

    @property
    def invitees(self) -> list[dict[str, Any]]:
        return [row.values for row in self.rows]


def invalid_file(message: str, code: str = "invalid_file") -> DomainError:
    """The error for a file that cannot be read, named on the ``file`` field."""
    return DomainError(code, message, kind="invalid", errors={"file": [message]})


def read_table(content: bytes) -> Table:
    """The header and rows of a CSV or XLSX file; an ``invalid_file`` error says why not."""
    if not content.strip():
        raise invalid_file("The file is empty.")
    if len(content) > MAX_FILE_BYTES:
        raise invalid_file(
            f"The file is larger than {MAX_FILE_BYTES // (1024 * 1024)} MB.", "file_too_large"
        )
    if content.startswith(_ZIP):
        return _read_xlsx(content)
    if content.startswith(_OLE):
        raise invalid_file("Old Excel files (.xls) cannot be read: save the sheet as .xlsx or CSV.")
    return _read_csv(content)


def _read_xlsx(content: bytes) -> Table:
    from openpyxl import load_workbook  # dear to import; only workbooks need it

    try:
        # data_only: a formula cell gives the value the spreadsheet showed, never its formula.
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, TypeError, OSError):
        raise invalid_file("Not a spreadsheet: upload a .csv or .xlsx file.") from None
    try:
        sheet = workbook.worksheets[0] if workbook.worksheets else None
        if sheet is None:
            raise invalid_file("The workbook has no sheet.")
        lines = (
            (number, [_text(value) for value in values])
            for number, values in enumerate(sheet.iter_rows(values_only=True), start=1)
        )
        header, rows = _split(lines)
    finally:
        workbook.close()
    return Table("xlsx", header, rows)


def _text(value: Any) -> str:
    """A workbook cell as the text a person would type for it."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime | date):
        return value.isoformat()
    return str(value)


def _read_csv(content: bytes) -> Table:
    text, encoding = _decode(content)
    if "\x00" in text:
        raise invalid_file("Not a spreadsheet: upload a .csv or .xlsx file.")
    # Old Mac spreadsheets end lines with CR alone; the reader wants them as CRLF or LF.
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    delimiter = _delimiter(text)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        header, rows = _split((reader.line_num, cells) for cells in reader)
    except csv.Error as exc:
        raise invalid_file(f"Not a readable CSV file: {exc}.") from None
    return Table("csv", header, rows, encoding=encoding, delimiter=delimiter)


def _decode(content: bytes) -> tuple[str, str]:
    """The text of a CSV file and the encoding it was in."""
    if content.startswith(b"\xef\xbb\xbf"):
        candidates = ("utf-8-sig",)
    elif content.startswith((b"\xff\xfe", b"\xfe\xff")):
        candidates = ("utf-16",)
    else:
        candidates = ("utf-8", "cp1252")
    for encoding in candidates:
        try:
            return content.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    raise invalid_file("The file must be text in UTF-8, UTF-16 or Windows-1252, or an XLSX file.")


def _delimiter(text: str) -> str:
    """The separator of the file's cells: what the sniffer finds, else the commonest one."""
    sample = text[:_SNIFF_CHARS]
    first_line = sample.split("\n", 1)[0]
    try:
        found = csv.Sniffer().sniff(sample, delimiters=_SEPARATORS).delimiter
    except csv.Error:
        found = None
    if found and found in first_line:
        return found
    return max(_SEPARATORS, key=first_line.count)


def _split(lines: Iterable[tuple[int, list[str]]]) -> tuple[list[str], list[tuple[int, list]]]:
    """The header (the first row naming a known column, else the first row) and the rows after
    it; empty rows are left out."""
    kept = []
    for number, cells in lines:
        if not any(cell.strip() for cell in cells):
            continue
        if len(kept) > MAX_ROWS:
            raise invalid_file(f"At most {MAX_ROWS:,} invitees per file.")
        kept.append((number, _trimmed(cells)))
    if not kept:
        raise invalid_file("The file is empty.")
    # A title or a note may stand above the header; it is the first row that names columns.
    start = next(
        (index for index, (_, cells) in enumerate(kept[:10]) if any(map(field_for, cells))), 0
    )
    header = [cell.strip() for cell in kept[start][1]]
    return header, kept[start + 1 :]


def _trimmed(cells: list[str]) -> list[str]:
    """The cells without the empty ones at the end of the row (trailing separators)."""
    end = len(cells)
    while end and not cells[end - 1].strip():
        end -= 1
    return cells[:end]


def field_for(header: str) -> str | None:
    """The field a column header names, in English or French, if any."""
    folded = re.sub(r"[^0-9a-z]+", "_", fold(header.strip())).strip("_")
    return _FIELD_OF.get(folded)


def propose_mapping(header: list[str]) -> list[str]:
    """A field for each column ("" to ignore it), from the headers; each field used once."""
    proposed: list[str] = []
    for name in header:
        found = field_for(name) or ""
        proposed.append("" if found in proposed else found)
    return with_family_name(proposed)


def with_family_name(mapping: list[str]) -> list[str]:
    """French "Nom" beside "Prénom" is the family name, not the whole name."""
    if "given_name" in mapping and "full_name" in mapping and "family_name" not in mapping:
        mapping = list(mapping)
        mapping[mapping.index("full_name")] = "family_name"
    return mapping


def mapping_problems(mapping: list[str]) -> dict[str, str]:
    """What makes a mapping unusable: each field at most once, a name and an email."""
    problems = {}
    used = [name for name in mapping if name]
    twice = sorted({name for name in used if used.count(name) > 1})
    if twice:
        problems["mapping"] = f"Each field once only: {', '.join(twice)} is chosen twice."
    has_name = "full_name" in used or {"given_name", "family_name"} <= set(used)
    if not has_name:
        problems["full_name"] = "Choose the column of the full name (or of given and family names)."
    if "email" not in used:
        problems["email"] = "Choose the column of the email address."
    return problems


def person_of(mapping: list[str], cells: list[str]) -> tuple[dict[str, Any], str | None]:
    """The fields a row gives through ``mapping``, and what is wrong with the row as a whole."""
    if any(len(cell) > MAX_CELL_CHARS for cell in cells):
        return {}, f"A cell is longer than {MAX_CELL_CHARS:,} characters."
    if len(cells) > len(mapping):
        return {}, "More cells than columns."
    given: dict[str, Any] = {}
    for name, cell in zip(mapping, cells, strict=False):
        value = cell.strip()
        if name and value:
            if name in _NUMBERS and _WHOLE_NUMBER.match(value):
                given[name] = int(value)
            elif name == "reply_by" and _MIDNIGHT.match(value):
                given[name] = _MIDNIGHT.match(value).group(1)
            else:
                given[name] = value
    return given, None


def check_rows(
    table: Table,
    mapping: list[str],
    load: Callable[[dict[str, Any]], dict[str, Any]],
    invited: set[str] = frozenset(),
) -> Checked:
    """Every row through ``mapping`` and ``load`` (the invitee schema's), with its errors: a
    bad field, an email twice in the file, or one ``invited`` already."""
    first_row: dict[str, int] = {}
    checked = []
    for number, cells in table.rows:
        given, problem = person_of(mapping, cells)
        row = CheckedRow(number, given)
        if problem:
            row.errors["_row"] = problem
        else:
            try:
                row.values = load(given)
            except ValidationError as exc:
                row.errors.update(_messages(exc.messages))
        key = str(given.get("email", "")).strip().lower()
        if key and "email" not in row.errors:
            if key in invited:
                row.errors["email"] = "Already invited to this ceremony."
            elif key in first_row:
                row.errors["email"] = f"Same email as row {first_row[key]}."
            else:
                first_row[key] = number
        checked.append(row)
    return Checked(checked)


def _messages(messages: dict[str, Any]) -> dict[str, str]:
    return {
        "_row" if name == "_schema" else name: " ".join(map(str, found))
        if isinstance(found, list)
        else str(found)
        for name, found in messages.items()
    }


def invited_keys(session: Session, ceremony_id: uuid.UUID) -> set[str]:
    """The addresses (folded) a ceremony has invited already."""
    return set(
        session.scalars(select(Invitation.email_key).where(Invitation.ceremony_id == ceremony_id))
    )


def keep_upload(
    session: Session,
    ceremony_id: uuid.UUID,
    filename: str,
    content: bytes,
    *,
    created_by: str | None = None,
) -> InvitationImport:
    """Keep a readable file until it is imported; uploads older than a day are forgotten."""
    read_table(content)
    session.execute(
        delete(InvitationImport).where(
            InvitationImport.created_at < datetime.now(UTC) - KEEP_UPLOADS
        )
    )
    upload = InvitationImport(
        id=uuid.uuid4(),
        ceremony_id=ceremony_id,
        filename=(filename or "invitees")[-255:],
        content=content,
        created_by=created_by,
        created_at=datetime.now(UTC),
    )
    session.add(upload)
    session.flush()
    return upload


def get_upload(session: Session, ceremony_id: uuid.UUID, import_id: uuid.UUID) -> InvitationImport:
    """A ceremony's kept upload, or an ``import_not_found`` error."""
    upload = session.get(InvitationImport, import_id)
    if upload is None or upload.ceremony_id != ceremony_id:
        raise not_found("import", import_id)
    return upload


def discard_upload(session: Session, upload: InvitationImport) -> None:
    """Forget an upload once it is imported."""
    session.delete(upload)
