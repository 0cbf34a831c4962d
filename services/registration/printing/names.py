"""A guest's name as the hall's paper prints it: the envelope form of the protocol table."""

from __future__ import annotations

from typing import Any

from shared.contract import fold
from shared.protocol import envelope_name, name_of


def printed_name(guest: Any, language: str | None = None) -> str:
    """The name with its honorific as on the badge ("H.E. Ms Amina Diallo", "王建国阁下"), in
    ``language`` or else the guest's own."""
    person = {
        "full_name": guest.full_name,
        "given_name": guest.given_name,
        "family_name": guest.family_name,
        "family_first": guest.family_first,
        "honorific": guest.honorific,
        "job_title": guest.job_title,
    }
    return envelope_name(name_of(person), language or guest.language or "en")


def latin_name(guest: Any) -> str | None:
    """The Latin transliteration to print under the name, unless it only repeats it."""
    latin = " ".join((guest.name_latin or "").split())
    if not latin or fold(latin) == fold(guest.full_name):
        return None
    return latin
