"""The pieces of the contract every service speaks, defined once.

Categories and statuses, the field types of people, venues, programmes and languages, the form
a programme is stored in, and how names are compared and put in protocol order. The event
schemas (``shared.events``) and each service's API schemas are built from these.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from typing import Any

from babel.localedata import locale_identifiers
from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from .protocol import display_name

CATEGORIES = ("dignitary", "speaker", "guest", "participant", "press", "staff")
#: Guests protocol staff must notice at once: they sit on protocol seats outside the public
#: capacity, get a banner at the door, and their arrival is told to the protocol contact.
VIP_CATEGORIES = ("dignitary", "speaker")
#: Who may be invited: the VIPs, and the graduating participants a course office invites.
INVITEE_CATEGORIES = (*VIP_CATEGORIES, "participant")
#: Categories a guest may choose when registering alone.
PUBLIC_CATEGORIES = ("guest", "participant", "press")

REGISTRATION_STATUSES = ("confirmed", "waitlisted", "cancelled")
#: How the public registers for a ceremony: a link by email confirms the address and takes
#: the seat; an organiser approves each request; or at once, as organisers register guests.
REGISTRATION_MODES = ("confirm_email", "approval", "open")
#: A public request before it becomes a registration (or is declined, or expires).
REQUEST_STATUSES = ("awaiting_confirmation", "awaiting_approval", "registered", "declined")
#: ``draft``: prepared in the console, not sent yet; ``withdrawn``: the organiser took it back.
INVITATION_STATUSES = ("draft", "pending", "accepted", "declined", "withdrawn")
BADGE_STATUSES = ("issued", "revoked")
DELIVERY_STATUSES = ("queued", "sent", "failed", "skipped")
#: Verdicts of a door scan; ``exited`` and ``not_inside`` answer exit scans (``direction: "out"``).
CHECKIN_RESULTS = (
    "admitted",
    "already_admitted",
    "revoked",
    "wrong_ceremony",
    "invalid",
    "exited",
    "not_inside",
    # The gate leads into no zone the holder's category is admitted to.
    "not_allowed_here",
    # Outside the door's hours: before it opens, after it closes.
    "too_early",
    "too_late",
)

LANGUAGE_TAG = re.compile(r"^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
#: Unicode categories a one-line text may not hold: controls (CR, LF, NEL...), format
#: characters (bidi overrides, zero-width spaces), line and paragraph separators, surrogates.
_REFUSED_CATEGORIES = frozenset(("Cc", "Cf", "Zl", "Zp", "Cs"))
#: Zero-width joiner and non-joiner: format characters that some scripts (Persian, Indic
#: scripts) need inside a word; allowed between two letters only.
_JOINERS = frozenset("\u200c\u200d")


def _is_letter(char: str) -> bool:
    return unicodedata.category(char)[0] in ("L", "M")


def single_line(value: str) -> None:
    """Refuse line breaks, controls and invisible formatting (they must never reach a header,
    a badge or a page, where they reorder or hide text)."""
    for index, char in enumerate(value):
        if unicodedata.category(char) not in _REFUSED_CATEGORIES:
            continue
        if (
            char in _JOINERS
            and 0 < index < len(value) - 1
            and _is_letter(value[index - 1])
            and _is_letter(value[index + 1])
        ):
            continue
        raise ValidationError(
            "Must be a single line without control, format or invisible characters "
            f"(found U+{ord(char):04X})."
        )


def not_blank(value: str) -> None:
    """Refuse text that is only spaces."""
    if not value.strip():
        raise ValidationError("Must not be blank.")


def has_letter(value: str) -> None:
    """Refuse a name without a single letter (in any script)."""
    if not any(unicodedata.category(char)[0] == "L" for char in value):
        raise ValidationError("Must contain a letter.")


def Line(*, required: bool = False, max_len: int = 200, **kwargs) -> fields.String:
    """A one-line string field; a required one may not be blank."""
    checks = [validate.Length(min=1 if required else 0, max=max_len), single_line]
    if required:
        checks.append(not_blank)
    else:
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
    checks.extend(kwargs.pop("validate", []))
    return fields.String(required=required, validate=checks, **kwargs)


def Name(**kwargs) -> fields.String:
    """A person's name: a required one-line text with at least one letter."""
    return Line(required=True, validate=[has_letter], **kwargs)


def _letter_if_any(value: str) -> None:
    if value.strip():
        has_letter(value)


def latin_letters(value: str) -> None:
    """Refuse a transliteration with letters of another script than Latin."""
    for char in value:
        if unicodedata.category(char)[0] == "L" and not unicodedata.name(char, "").startswith(
            "LATIN"
        ):
            raise ValidationError("Must be written in Latin letters (a transliteration).")


#: The parts of a person's name besides ``full_name``, as the events and projections carry them.
NAME_PARTS = ("given_name", "family_name", "family_first", "name_latin")
_NAME_MAX = 200


class PersonNameSchema(Schema):
    """A person's name: whole (``full_name``), or in parts, or both.

    Given ``given_name`` and ``family_name`` without ``full_name``, the whole name is written
    from them in the name's order (``family_first``: "王建国", "Kovács Anna"). Given both, each
    is kept as typed. ``name_latin`` is a Latin transliteration of a name in another script.
    A blank part is no part. Loaded with ``partial``, nothing is required or composed (a
    correction changes only what it names).
    """

    full_name = Line(validate=[has_letter])
    given_name = Line(max_len=100, validate=[_letter_if_any])
    family_name = Line(max_len=100, validate=[_letter_if_any])
    family_first = fields.Boolean(load_default=False)
    name_latin = Line(validate=[_letter_if_any, latin_letters])

    @validates_schema(pass_original=True, skip_on_field_errors=False)
    def _a_name(self, data: dict[str, Any], original: Any, partial=None, **_: Any) -> None:
        if partial or not isinstance(original, Mapping):
            return
        if original.get("full_name") is not None:
            return  # checked as a field
        if not any(
            isinstance(original.get(key), str) and original[key].strip()
            for key in ("given_name", "family_name")
        ):
            raise ValidationError("Missing data for required field.", "full_name")
        given = (data.get("given_name") or "").strip()
        family = (data.get("family_name") or "").strip()
        if given or family:
            whole = display_name(given, family, family_first=bool(data.get("family_first")))
            if len(whole) > _NAME_MAX:
                raise ValidationError(
                    f"The given and family names together are longer than {_NAME_MAX} characters.",
                    "family_name",
                )

    @post_load
    def _compose(self, data: dict[str, Any], partial=None, **_: Any) -> dict[str, Any]:
        for part in ("given_name", "family_name", "name_latin"):
            if part in data:
                data[part] = " ".join((data[part] or "").split()) or None
        if not partial and not data.get("full_name"):
            data["full_name"] = display_name(
                data.get("given_name") or "",
                data.get("family_name") or "",
                family_first=bool(data.get("family_first")),
            )
        return data


def Text(*, max_len: int = 2000, **kwargs) -> fields.String:
    """Free text of several lines (needs, an announcement's body): line breaks and tabs are
    kept, other controls, invisible formatting and surrogates refused."""
    if not kwargs.get("required"):
        kwargs.setdefault("allow_none", True)
        kwargs.setdefault("load_default", None)
    checks = [validate.Length(min=1 if kwargs.get("required") else 0, max=max_len), _plain_text]
    return fields.String(validate=checks + list(kwargs.pop("validate", [])), **kwargs)


def _plain_text(value: str) -> None:
    for line in value.replace("\r\n", "\n").split("\n"):
        single_line(line.replace("\t", " "))


#: Protocol order, lower first: a sane range that every database integer holds.
PRECEDENCE_RANGE = (0, 100_000)


def Precedence(**kwargs) -> fields.Integer:
    """A place in the order of precedence (lower comes first), or none."""
    kwargs.setdefault("allow_none", True)
    kwargs.setdefault("load_default", None)
    return fields.Integer(strict=True, validate=validate.Range(*PRECEDENCE_RANGE), **kwargs)


#: The window ceremony and programme times must fall in: the emails, badges and calendar
#: files of a ceremony in year 1 or 9999 cannot be written.
CEREMONY_EARLIEST = datetime(1970, 1, 1, tzinfo=UTC)
CEREMONY_LATEST = datetime(2200, 1, 1, tzinfo=UTC)
_OFFSET = re.compile(r"(?:[+-](\d{2}):?(\d{2}))$")


class Instant(fields.AwareDateTime):
    """An aware ISO 8601 datetime that names a real instant.

    Its UTC offset is one that exists (at most 14 hours, minutes below 60), its UTC value
    lies in years 1 to 9999, and, when given, between ``earliest`` and ``latest``.
    """

    def __init__(
        self,
        *,
        earliest: datetime | None = None,
        latest: datetime | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.earliest = earliest
        self.latest = latest

    def _deserialize(self, value, attr, data, **kwargs):
        if isinstance(value, str):
            offset = _OFFSET.search(value.strip())
            if offset and (int(offset.group(1)) > 14 or int(offset.group(2)) > 59):
                raise ValidationError("Not a UTC offset that exists (at most ±14:00).")
        result = super()._deserialize(value, attr, data, **kwargs)
        try:
            instant = result.astimezone(UTC)
        except (OverflowError, ValueError):
            raise ValidationError("Must lie between the years 1 and 9999 in UTC.") from None
        if self.earliest and instant < self.earliest:
            raise ValidationError(f"Must not be before {self.earliest.year}.")
        if self.latest and instant >= self.latest:
            raise ValidationError(f"Must be before {self.latest.year}.")
        return result


def CeremonyTime(**kwargs) -> Instant:
    """A time of a ceremony or its programme: between 1970 and 2200."""
    return Instant(earliest=CEREMONY_EARLIEST, latest=CEREMONY_LATEST, **kwargs)


def _language(value: str) -> None:
    if not LANGUAGE_TAG.match(value):
        raise ValidationError("Not a language tag, e.g. en, fr, zh.")
    if value.split("-")[0] not in _KNOWN_LANGUAGES:
        raise ValidationError(f"Not a language known to the suite's locale data: {value}.")


#: Languages with locale data (names, dates, plural rules): a tag must start with one.
_KNOWN_LANGUAGES = frozenset(name.split("_")[0] for name in locale_identifiers())


def Language(**kwargs) -> fields.String:
    """A language tag field (``en``, ``fr-CA``, ``zh``)."""
    return fields.String(validate=[validate.Length(max=35), _language], **kwargs)


class VenueSchema(Schema):
    """Where a ceremony takes place."""

    name = Line(required=True)
    address = Line(max_len=500)


class ProgrammeItemSchema(Schema):
    """One item of a ceremony's programme, in running order."""

    title = Line(required=True)
    speaker = Line()
    role = Line()
    starts_at = CeremonyTime(allow_none=True, load_default=None)
    #: The invitee who speaks at this item, when the speaker was invited.
    invitation_id = fields.UUID(allow_none=True, load_default=None)
    #: The registration of the person who speaks (a registered guest, or the invitee once they
    #: accepted): the run sheet shows their seat and whether they have arrived.
    registration_id = fields.UUID(allow_none=True, load_default=None)


class CeremonyWordsSchema(Schema):
    """A ceremony's own words in one more language; what is left out falls back to the
    ceremony's text (written in its default language)."""

    title = Line()
    venue_name = Line()
    venue_address = Line(max_len=500)
    reply_note = Line(max_len=500)
    #: The programme items' titles in running order; None (or a missing tail) keeps an item's.
    programme = fields.List(Line(), validate=validate.Length(max=100), load_default=list)


class InvitationWordsSchema(Schema):
    """An invitation's own words in one more language; what is left out is the invitation's."""

    host = Line()
    dress_code = Line()
    arrival_instructions = Line(max_len=500)


def InvitationTranslations(**kwargs) -> fields.Dict:
    """An invitation's words per language: ``{"fr": {"host": ..., "dress_code": ...}}``."""
    kwargs.setdefault("load_default", dict)
    return fields.Dict(
        keys=fields.String(validate=[validate.Length(max=35), _language]),
        values=fields.Nested(InvitationWordsSchema),
        validate=validate.Length(max=20),
        **kwargs,
    )


def Translations(**kwargs) -> fields.Dict:
    """A ceremony's words per language: ``{"fr": {"title": ..., ...}, "zh": {...}}``."""
    kwargs.setdefault("load_default", dict)
    return fields.Dict(
        keys=fields.String(validate=[validate.Length(max=35), _language]),
        values=fields.Nested(CeremonyWordsSchema),
        validate=validate.Length(max=20),
        **kwargs,
    )


def programme_to_json(items: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """A programme as stored in a JSON column: times as ISO 8601 text."""
    return [
        {
            "title": item["title"],
            "speaker": item.get("speaker"),
            "role": item.get("role"),
            "starts_at": _iso(item.get("starts_at")),
            "invitation_id": str(item["invitation_id"]) if item.get("invitation_id") else None,
            "registration_id": (
                str(item["registration_id"]) if item.get("registration_id") else None
            ),
        }
        for item in items
    ]


def programme_from_json(items: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """A stored programme with its times as aware datetimes again."""
    return [
        {
            "title": item["title"],
            "speaker": item.get("speaker"),
            "role": item.get("role"),
            "starts_at": _instant(item.get("starts_at")),
            "invitation_id": item.get("invitation_id"),
            "registration_id": item.get("registration_id"),
        }
        for item in items or []
    ]


def _iso(value: datetime | str | None) -> str | None:
    return value.isoformat() if isinstance(value, datetime) else value


def _instant(value: datetime | str | None) -> datetime | None:
    return datetime.fromisoformat(value) if isinstance(value, str) else value


def email_digest(email: str) -> str:
    """An address as erasure events name it: SHA-256 of it in lower case, so that a service
    finds the person's emails without the event holding the address."""
    return hashlib.sha256(email.strip().lower().encode("utf-8")).hexdigest()


def fold(text: str) -> str:
    """Text as names are compared: without accents, case-folded (Fernández ~ fernandez)."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def family_name(full_name: str) -> str:
    """The family name used for sorting: the last word, or the whole name if it has no space.

    Names typed without spaces are mostly Chinese, Japanese or Korean, which put the family
    name first, so sorting on the whole name sorts on the family name.
    """
    words = full_name.split()
    return words[-1] if words else ""


def protocol_order(precedence: int | None, full_name: str) -> tuple:
    """The sort key of protocol order: precedence (lowest first, none last), then family name.

    Ties go on to the whole name; accents are ignored, so "Élise" sorts with "Elise".
    """
    return (
        precedence is None,
        precedence or 0,
        fold(family_name(full_name)),
        fold(full_name),
    )


def search_key(*parts: str | None) -> str:
    """What a console search matches: the parts folded (no accents, no case), space-joined.

    A query folded the same way is found in it with a plain substring match (``LIKE``), in any
    script and on any database."""
    return " ".join(fold(part) for part in parts if part)
