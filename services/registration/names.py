"""A person's name as the registration service keeps it: whole, in parts, transliterated."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from shared.contract import NAME_PARTS, search_key


def name_parts(fields: Mapping[str, Any]) -> dict[str, Any]:
    """The name's parts from validated fields (or a person), ready for a model or an event."""
    return {
        "given_name": fields.get("given_name"),
        "family_name": fields.get("family_name"),
        "family_first": bool(fields.get("family_first")),
        "name_latin": fields.get("name_latin"),
    }


def parts_of(person: Any) -> dict[str, Any]:
    """The name's parts of a registration, an invitation or a request."""
    return {part: getattr(person, part) for part in NAME_PARTS} | {
        "family_first": bool(person.family_first)
    }


def person_search_key(full_name: str, name_latin: str | None, organisation, email) -> str:
    """What a console search matches: the name in its script and in Latin letters."""
    return search_key(full_name, name_latin, organisation, email)
