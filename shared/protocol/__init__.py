"""Forms of address: the salutation, envelope name and short name of a person, per language.

The forms themselves are data (``forms_of_address.toml``, read by ``shared.protocol.table``);
this module picks the entry (position style, else honorific, else the neutral one), the
language and the gender variant, and fills the name in.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .table import (
    DEFAULT_PATH,
    NEUTRAL,
    Entry,
    ProtocolTableError,
    Table,
    load_table,
    spelling,
)

__all__ = [
    "Name",
    "ProtocolTableError",
    "display_name",
    "envelope_name",
    "known_honorific",
    "load_table",
    "name_of",
    "salutation",
    "short_form",
]

FALLBACK_LANGUAGE = "en"
# Han, kana and Hangul: family-first names in these scripts are written without a space.
_CJK = re.compile(
    r"[\u1100-\u11ff\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff]"
)
_SPACE_BEFORE_PUNCTUATION = re.compile(r"\s+([,:;!،：])")
_REPEATED_COMMA = re.compile(r"([,،])(\s*[,،])+")


@dataclass(frozen=True)
class Name:
    """A person as the protocol office addresses them."""

    given: str
    family: str
    #: As typed: "H.E.", "Dr", "Her Excellency", "H.E. Ms", or an honorific not in the table.
    honorific: str = ""
    #: As typed; "Minister of Foreign Affairs" takes the "Minister" style.
    position: str = ""
    #: "f", "m", or "" when not known (then an honorific such as Ms or Mr may tell).
    gender: str = ""
    #: Written family name first (Chinese, Japanese, Korean, Hungarian...).
    family_first: bool = False


def display_name(given: str, family: str, *, family_first: bool = False) -> str:
    """The whole name in its written order ("Helen Marsh", "王建国", "Kovács Anna")."""
    return _full(_clean(given), _clean(family), family_first=family_first)


def name_of(person: Mapping[str, Any]) -> Name:
    """The ``Name`` of a person as the services carry one (``shared.events.PersonData``).

    ``given_name`` and ``family_name`` are used when given; a person known only by
    ``full_name`` (registered before the two were kept apart, or typed as one) is split at
    its last space (its first for a family-first name): "Helen Marsh" is given "Helen",
    family "Marsh"; a name with no space is all family name. The job title is the position.
    """
    given = _clean(person.get("given_name") or "")
    family = _clean(person.get("family_name") or "")
    family_first = bool(person.get("family_first"))
    if not (given or family):
        words = _clean(person.get("full_name") or "").split(" ")
        if len(words) == 1:
            family = words[0]
        elif family_first:
            family, given = words[0], " ".join(words[1:])
        else:
            given, family = " ".join(words[:-1]), words[-1]
    return Name(
        given=given,
        family=family,
        honorific=person.get("honorific") or "",
        position=person.get("job_title") or "",
        family_first=family_first,
    )


def salutation(name: Name, language: str, *, table: Path | str = DEFAULT_PATH) -> str:
    """The opening of a formal letter to ``name`` in ``language``."""
    return _render(name, language, "salutation", load_table(table))


def envelope_name(name: Name, language: str, *, table: Path | str = DEFAULT_PATH) -> str:
    """The name as written on the envelope and on the badge."""
    return _render(name, language, "envelope", load_table(table))


def short_form(name: Name, language: str, *, table: Path | str = DEFAULT_PATH) -> str:
    """The name as written in running text ("Dr Marsh")."""
    return _render(name, language, "short", load_table(table))


def known_honorific(text: str, *, table: Path | str = DEFAULT_PATH) -> str | None:
    """The table's key for a typed honorific ("His Excellency" -> "H.E."), or None."""
    return _honorific(text, load_table(table))[0]


def _honorific(text: str, table: Table) -> tuple[str | None, str]:
    """The key of the longest leading run of words that is an honorific, and the gender the
    words tell ("H.E. Ms" -> ("H.E.", "f")); (None, "") if the first words are not one."""
    words = spelling(text).split()
    for length in range(len(words), 0, -1):
        key = table.honorific_spellings.get(" ".join(words[:length]))
        if key is not None:
            genders = [table.honorifics[key].gender]
            genders += [_gender_of(word, table) for word in words[length:]]
            return key, next((g for g in genders if g), "")
    return None, ""


def _gender_of(word: str, table: Table) -> str:
    key = table.honorific_spellings.get(word)
    return table.honorifics[key].gender if key else ""


def _position(text: str, table: Table) -> str | None:
    """The style of a typed position: it is a style's spelling, or starts with one and a space."""
    typed = spelling(text)
    for known, key in sorted(table.position_spellings.items(), key=lambda kv: -len(kv[0])):
        if typed == known or typed.startswith(known + " "):
            return key
    return None


def _language(language: str, table: Table) -> str:
    code = language.strip().replace("_", "-").lower()
    for candidate in (code, code.split("-")[0]):
        if candidate in table.languages:
            return candidate
    return FALLBACK_LANGUAGE


def _render(name: Name, language: str, form: str, table: Table) -> str:
    honorific_key, implied_gender = _honorific(name.honorific, table)
    position_key = _position(name.position, table) if name.position.strip() else None
    entry: Entry
    if position_key is not None:
        entry = table.positions[position_key]
    elif honorific_key is not None:
        entry = table.honorifics[honorific_key]
    else:
        entry = table.neutral
    gender = name.gender.strip().lower() or implied_gender
    variants = entry.forms[_language(language, table)][form]
    template = variants.get(gender) or variants[NEUTRAL]
    # The table writes names given-first; a family-first name keeps its own order.
    template = template.replace("{given} {family}", "{full}")
    given, family = _clean(name.given), _clean(name.family)
    text = template.format(
        given=given,
        family=family,
        full=_full(given, family, family_first=name.family_first),
        position=_clean(name.position),
        honorific=_clean(name.honorific),
    )
    return _tidy(text, closing=form == "salutation")


def _full(given: str, family: str, *, family_first: bool) -> str:
    if not family_first:
        return f"{given} {family}".strip()
    joint = "" if _CJK.search(family) and (not given or _CJK.search(given)) else " "
    return f"{family}{joint}{given}".strip()


def _clean(text: str) -> str:
    return " ".join(text.split())


def _tidy(text: str, *, closing: bool) -> str:
    """Spaces and commas left by empty parts removed; a salutation keeps its final comma."""
    text = _SPACE_BEFORE_PUNCTUATION.sub(r"\1", " ".join(text.split()))
    text = _REPEATED_COMMA.sub(r"\1", text)
    if not closing:
        text = text.rstrip(",، ")
    return text.lstrip(",،:： ")
