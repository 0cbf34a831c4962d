"""The table of forms of address (``forms_of_address.toml``), read once and checked whole.

The table is data that the protocol office maintains, so a mistake in it is refused when it is
loaded, with the entry and the language named, rather than printed on an envelope.
"""

from __future__ import annotations

import functools
import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

#: The table shipped with the package.
DEFAULT_PATH = Path(__file__).with_name("forms_of_address.toml")
FORMS = ("salutation", "envelope", "short")
PLACEHOLDERS = frozenset({"given", "family", "full", "position", "honorific"})
GENDERS = ("m", "f")
NEUTRAL = "n"

#: A form by gender ("m", "f", "n"); "n" is always there.
Form = Mapping[str, str]


class ProtocolTableError(ValueError):
    """The table of forms of address cannot be used: the message names the entry and language."""


@dataclass(frozen=True)
class Entry:
    """The forms of one honorific or position style, by language."""

    key: str
    #: The gender the honorific itself says (Mr, Ms), or "".
    gender: str
    forms: Mapping[str, Mapping[str, Form]]


@dataclass(frozen=True)
class Table:
    """Every entry of the table, and the lookups by normalised spelling."""

    languages: tuple[str, ...]
    neutral: Entry
    honorifics: Mapping[str, Entry]
    positions: Mapping[str, Entry]
    #: Normalised spelling (key or alias) -> key, one mapping per kind.
    honorific_spellings: Mapping[str, str]
    position_spellings: Mapping[str, str]


def spelling(text: str) -> str:
    """A typed honorific or position reduced for lookup: no case, dots, hyphens or extra spaces."""
    return " ".join(text.casefold().replace(".", "").replace("-", " ").split())


def load_table(path: Path | str = DEFAULT_PATH) -> Table:
    """The checked table at ``path``, read once per file."""
    return _load(Path(path).resolve())


@functools.cache
def _load(path: Path) -> Table:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise ProtocolTableError(f"{path}: cannot be read: {error}") from error
    languages = data.get("languages")
    if not (
        isinstance(languages, list) and languages and all(isinstance(x, str) for x in languages)
    ):
        raise ProtocolTableError(f"{path}: `languages` must be a list of language codes")
    neutral = _entry(path, "neutral", "", data.get("neutral"), languages, kind="neutral")
    honorifics, honorific_spellings = _entries(path, "honorifics", data, languages)
    positions, position_spellings = _entries(path, "positions", data, languages)
    return Table(
        tuple(languages), neutral, honorifics, positions, honorific_spellings, position_spellings
    )


def _entries(
    path: Path, kind: str, data: Mapping, languages: list[str]
) -> tuple[dict[str, Entry], dict[str, str]]:
    section = data.get(kind, {})
    if not isinstance(section, dict):
        raise ProtocolTableError(f"{path}: [{kind}] must be a table of entries")
    entries: dict[str, Entry] = {}
    spellings: dict[str, str] = {}
    for key, raw in section.items():
        name = f'{kind}."{key}"'
        entries[key] = _entry(path, name, key, raw, languages, kind=kind)
        aliases = raw.get("aliases", [])
        if not (isinstance(aliases, list) and all(isinstance(a, str) for a in aliases)):
            raise ProtocolTableError(f"{path}: {name}: `aliases` must be a list of texts")
        for typed in [key, *aliases]:
            normal = spelling(typed)
            if spellings.get(normal, key) != key:
                raise ProtocolTableError(
                    f'{path}: {name}: "{typed}" is already a spelling of "{spellings[normal]}"'
                )
            spellings[normal] = key
    return entries, spellings


def _entry(
    path: Path, name: str, key: str, raw: object, languages: list[str], *, kind: str
) -> Entry:
    if not isinstance(raw, dict):
        raise ProtocolTableError(f"{path}: {name}: missing, or not a table")
    allowed = {"aliases", "gender"} if kind != "neutral" else set()
    unknown = set(raw) - set(languages) - allowed
    if unknown:
        raise ProtocolTableError(f"{path}: {name}: unknown keys {sorted(unknown)}")
    gender = raw.get("gender", "")
    if gender not in ("", *GENDERS):
        raise ProtocolTableError(f'{path}: {name}: gender must be "m" or "f", not {gender!r}')
    forms = {}
    for language in languages:
        where = f"{path}: {name} [{language}]"
        by_form = raw.get(language)
        if not isinstance(by_form, dict):
            raise ProtocolTableError(f"{where}: missing")
        extra = set(by_form) - set(FORMS)
        if extra:
            raise ProtocolTableError(f"{where}: unknown forms {sorted(extra)}")
        forms[language] = {form: _form(f"{where} {form}", by_form.get(form)) for form in FORMS}
    return Entry(key, gender, forms)


def _form(where: str, raw: object) -> Form:
    if isinstance(raw, str):
        raw = {NEUTRAL: raw}
    if not isinstance(raw, dict):
        raise ProtocolTableError(f"{where}: missing, or neither a text nor a table by gender")
    if NEUTRAL not in raw:
        raise ProtocolTableError(f'{where}: a table by gender needs a neutral form "n"')
    extra = set(raw) - {NEUTRAL, *GENDERS}
    if extra:
        raise ProtocolTableError(f"{where}: unknown genders {sorted(extra)}")
    for gender, text in raw.items():
        if not isinstance(text, str) or not text.strip():
            raise ProtocolTableError(f"{where}.{gender}: must be a non-empty text")
        _check_placeholders(f"{where}.{gender}", text)
    return dict(raw)


def _check_placeholders(where: str, text: str) -> None:
    try:
        fields = list(string.Formatter().parse(text))
    except ValueError as error:
        raise ProtocolTableError(f"{where}: {error} in {text!r}") from error
    for _literal, field, spec, conversion in fields:
        if field is None:
            continue
        if field not in PLACEHOLDERS or spec or conversion:
            known = ", ".join(f"{{{p}}}" for p in sorted(PLACEHOLDERS))
            raise ProtocolTableError(
                f"{where}: unknown placeholder {{{field}}} in {text!r} (known: {known})"
            )
