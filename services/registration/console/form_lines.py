"""The console's forms of many lines (sections, blocks, zones, gates): which lines a form sent,
numbered again after one is removed, and the ceremony a page is about."""

from __future__ import annotations

import uuid

from werkzeug.datastructures import MultiDict

from shared.errors import DomainError
from shared.web import service_context

from ..ceremonies import get_ceremony

#: The most lines of sections, blocks, zones or gates a form is drawn with.
MOST_LINES = 100


def ceremony_or_none(ceremony_id: uuid.UUID):
    """The ceremony, or None when there is no such ceremony."""
    with service_context().database.transaction() as session:
        try:
            return get_ceremony(session, ceremony_id)
        except DomainError:
            return None


def form_lines(form, prefix: str) -> list[int]:
    """The line numbers a form sent for ``prefix`` (``sections.0.name``…), one removed if asked,
    one blank added if asked."""
    numbers = sorted(
        {
            int(name.split(".")[1])
            for name in form
            if name.startswith(prefix + ".") and name.split(".")[1].isdigit()
        }
    )[:MOST_LINES]
    removed = form.get("remove", "")
    if removed.startswith(prefix + ".") and removed.split(".")[1].isdigit():
        numbers = [n for n in numbers if n != int(removed.split(".")[1])]
    if form.get("add") == prefix and len(numbers) < MOST_LINES:
        numbers.append(max(numbers, default=-1) + 1)
    return numbers


def renumbered(form, prefix: str, fields: tuple[str, ...], lists: tuple[str, ...] = ()):
    """The form's lines of ``prefix`` numbered 0, 1, 2… again (after a removal)."""
    typed = MultiDict()
    for new, old in enumerate(form_lines(form, prefix)):
        for name in fields:
            typed[f"{prefix}.{new}.{name}"] = form.get(f"{prefix}.{old}.{name}", "")
        for name in lists:
            typed.setlist(f"{prefix}.{new}.{name}", form.getlist(f"{prefix}.{old}.{name}"))
    return typed


def words_of(value: str) -> list[str]:
    """``Hall, Lounge`` as ``["Hall", "Lounge"]``."""
    return [part.strip() for part in value.split(",") if part.strip()]
