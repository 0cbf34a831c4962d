"""Results from a spreadsheet: a CSV or XLSX file with a row per graduate, matched by email.

The file is read as invitee files are (``services.registration.imports.read_table``: UTF-8
with or without its mark, UTF-16, Windows-1252, commas, semicolons or tabs, or XLSX). Columns
``email`` and ``result``, optionally ``group`` and ``appreciation``; other columns (those of a
registrations export the results were typed into) are left alone, and so is a blank cell.
Every row is right, or nothing is imported.
"""

from __future__ import annotations

import re
import uuid
from functools import cache
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.audit import SYSTEM, record
from shared.console.catalogs import translations_for
from shared.console.languages import CONSOLE_LANGUAGES
from shared.contract import Line, fold
from shared.errors import DomainError
from shared.graduation import GRADUATE_CATEGORY, RESULTS

from ..ceremonies import get_ceremony
from ..imports import ALIASES, read_table
from ..models import Registration, audit
from .results import apply_changes

#: Headers as people type them, folded (no accents, lower case, words joined by "_").
COLUMNS = {
    "email": ALIASES["email"],
    "result": ("result", "results", "resultat", "outcome", "grade"),
    "group": ("group", "groupe", "grupo", "syndicate", "class", "cohort"),
    "appreciation": ("appreciation", "certificate_of_appreciation", "thanked"),
}
_COLUMN_OF = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}
#: Result words as people write them, folded and with spaces for "_" and "-".
RESULT_WORDS = {
    **{word.replace("_", " "): word for word in RESULTS},
    "completed with distinction": "distinction",
    "with distinction": "distinction",
    "passed with distinction": "distinction",
    "passed": "completed",
    "complete": "completed",
    "attended only": "attended",
    "attendance": "attended",
    "attendance only": "attended",
    "incomplete": "not_completed",
    "not complete": "not_completed",
    "did not complete": "not_completed",
}
#: The words the console, the printed roll and the verification page give each result
#: (their catalogs' message ids): a file typed from a French roll says "Achevée avec mention",
#: and is read in each of the suite's languages.
RESULT_LABELS = {
    "completed": ("Completed",),
    "distinction": ("Completed with distinction",),
    "attended": ("Attended only", "Attended"),
    "not_completed": ("Not completed",),
}
#: Yes and no in the suite's six languages (folded: "sí" is "si").
YES = {"yes", "y", "true", "1", "x", "oui", "si", "да", "是", "نعم"}
NO = {"no", "n", "false", "0", "non", "нет", "否", "لا"}
_GROUP = Line(max_len=80)


def import_results(
    session: Session, ceremony_id: uuid.UUID, raw: bytes, actor: dict = SYSTEM
) -> dict[str, int]:
    """Set results (and groups, appreciation) from a file; a 422 names each bad row and
    column (``{"rows": {"3": {"result": [...]}}}``), and then nothing is changed."""
    get_ceremony(session, ceremony_id)
    table = read_table(raw)
    columns = _columns(table.header)
    people = {
        registration.email_key: registration
        for registration in session.scalars(
            select(Registration)
            .where(
                Registration.ceremony_id == ceremony_id,
                Registration.status == "confirmed",
                Registration.erased_at.is_(None),
            )
            # Held until the end, as a change of one graduate holds theirs (``set_graduate``).
            .with_for_update()
        )
    }
    rows, problems, first = [], {}, {}
    for number, cells in table.rows:
        given = {
            name: cells[index].strip() for name, index in columns.items() if index < len(cells)
        }
        changes, errors = _checked(given)
        registration = None
        key = given.get("email", "").lower()
        if not key:
            errors["email"] = ["Missing data for required field."]
        elif key in first:
            errors["email"] = [f"Same email as row {first[key]}."]
        elif key not in people:
            errors["email"] = ["No confirmed registration of this ceremony has this email."]
        else:
            first[key] = number
            registration = people[key]
            if changes.get("result") and registration.category != GRADUATE_CATEGORY:
                errors["result"] = [
                    f"Only participants get a result (this is a {registration.category})."
                ]
        if errors:
            problems[str(number)] = errors
        else:
            rows.append((registration, changes))
    if problems:
        raise DomainError(
            "invalid_import",
            f"Nothing was imported: {len(problems)} rows are not valid.",
            kind="invalid",
            errors={"rows": problems},
        )
    if not table.rows:
        raise DomainError(
            "invalid_import",
            "The file has no rows of results.",
            kind="invalid",
            errors={"file": ["The file has no rows of results."]},
        )
    changed = sum(
        apply_changes(session, registration, changes, actor) for registration, changes in rows
    )
    record(
        session,
        audit,
        actor,
        "graduate.results_imported",
        "ceremony",
        ceremony_id,
        ceremony_id=ceremony_id,
        after={"rows": len(rows), "changed": changed},
    )
    return {"rows": len(rows), "changed": changed, "unchanged": len(rows) - changed}


def result_of(word: str) -> str | None:
    """The result a cell names ("Completed with distinction" or "Achevée avec mention" is
    ``distinction``), or None."""
    return _result_words().get(_word_key(word))


def _word_key(word: str) -> str:
    return " ".join(re.split(r"[\s_-]+", fold(word).strip()))


@cache
def _result_words() -> dict[str, str]:
    """Every word read as a result: the English ones people write, then each language's labels."""
    words = dict(RESULT_WORDS)
    for language in CONSOLE_LANGUAGES:
        gettext = translations_for(language).gettext
        for result, labels in RESULT_LABELS.items():
            for label in labels:
                words.setdefault(_word_key(gettext(label)), result)
    return words


def _columns(header: list[str]) -> dict[str, int]:
    """Each known column's index; the email and result columns must be there, once each."""
    found: dict[str, int] = {}
    twice = []
    for index, name in enumerate(header):
        column = _COLUMN_OF.get(re.sub(r"[^0-9a-z]+", "_", fold(name.strip())).strip("_"))
        if column in found:
            twice.append(column)
        elif column:
            found[column] = index
    problems = [f"Missing column {name!r}." for name in ("email", "result") if name not in found]
    problems += [f"Column {name!r} appears more than once." for name in twice]
    if problems:
        raise DomainError(
            "invalid_import", "Nothing was imported.", kind="invalid", errors={"header": problems}
        )
    return found


def _checked(given: dict[str, str]) -> tuple[dict[str, Any], dict[str, list[str]]]:
    """A row's changes (blank cells change nothing), and what is wrong with its cells."""
    changes: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    if given.get("result"):
        result = result_of(given["result"])
        if result is None:
            errors["result"] = [f"Must be one of: {', '.join(RESULTS)}."]
        changes["result"] = result
    if given.get("group"):
        try:
            changes["group"] = " ".join(_GROUP.deserialize(given["group"]).split())
        except ValidationError as exc:
            errors["group"] = list(exc.messages)
    if given.get("appreciation"):
        word = fold(given["appreciation"]).strip()
        if word in YES or word in NO:
            changes["appreciation"] = word in YES
        else:
            errors["appreciation"] = ["Must be yes or no."]
    return changes, errors
