"""Badges as documents: one badge with its holder and ceremony, and the ceremony's print run."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from functools import lru_cache

from sqlalchemy import select
from sqlalchemy.orm import Session

from shared.content import ceremony_words
from shared.contract import CATEGORIES, VIP_CATEGORIES
from shared.errors import DomainError

from ..models import badges, ceremonies, ceremony_access, registrations, seats
from ..projections import known_ceremony
from ..venue import SEAT_COLUMNS, seat_view, zones_admitting
from . import rendering
from .layout import BadgeView, sort_for_print

_WITH_HOLDER = (
    select(
        badges,
        registrations.c.full_name,
        registrations.c.honorific,
        registrations.c.organisation,
        registrations.c.job_title,
        registrations.c.category,
        registrations.c.precedence,
        registrations.c.given_name,
        registrations.c.family_name,
        registrations.c.family_first,
        registrations.c.name_latin,
        registrations.c.language,
        ceremonies.c.title.label("ceremony_title"),
        ceremonies.c.starts_at,
        ceremonies.c.timezone,
        ceremonies.c.venue_name,
        ceremonies.c.default_language,
        ceremonies.c.translations,
        *SEAT_COLUMNS,
        ceremony_access.c.zones,
    )
    .join_from(badges, registrations, registrations.c.id == badges.c.registration_id)
    # Outer: a badge can be issued before its ceremony's own event arrived.
    .outerjoin(ceremonies, ceremonies.c.id == badges.c.ceremony_id)
    .outerjoin(seats, seats.c.registration_id == badges.c.registration_id)
    .outerjoin(ceremony_access, ceremony_access.c.ceremony_id == badges.c.ceremony_id)
)


def badge_of(session: Session, registration_id: uuid.UUID):
    """The registration's badge with its holder and ceremony: the live one, else the latest."""
    query = (
        _WITH_HOLDER.where(badges.c.registration_id == registration_id)
        .order_by((badges.c.status == "issued").desc(), badges.c.issued_at.desc())
        .limit(1)
    )
    row = session.execute(query).first()
    if row is None:
        raise DomainError(
            "badge_not_found", f"No badge for registration {registration_id}.", kind="not_found"
        )
    return row


def placement(row) -> dict:
    """Where a badge takes its holder: the seat (named in the holder's language), whether they
    need an accessible one, and the zones the badge admits to."""
    return {
        "seat": seat_view(row, row.language),
        "accessible_seat": bool(row.accessible_seat),
        "zones": zones_admitting(row.zones or [], row.category),
    }


def is_attention(category: str) -> bool:
    """Whether a guest of this category is a VIP the door must notice."""
    return category in VIP_CATEGORIES


def printable_view(row) -> BadgeView:
    """What is printed on a live badge; refuses revoked badges and unknown ceremonies."""
    if row.status != "issued":
        raise DomainError("badge_revoked", "This badge was revoked; it is not printed.")
    if row.ceremony_title is None:
        raise DomainError(
            "ceremony_not_known_yet",
            "The badge's ceremony has not reached this service yet; try again shortly.",
        )
    # The ceremony's title and venue in the holder's language where it has them.
    words = ceremony_words(
        title=row.ceremony_title,
        venue_name=row.venue_name,
        venue_address=None,
        programme=[],
        default_language=row.default_language,
        translations=row.translations,
        language=row.language,
    )
    where = placement(row)
    return BadgeView(
        full_name=row.full_name,
        category=row.category,
        ceremony_title=words.title,
        starts_at=row.starts_at,
        timezone=row.timezone,
        venue_name=words.venue_name,
        code=row.code,
        honorific=row.honorific,
        organisation=row.organisation,
        job_title=row.job_title,
        precedence=row.precedence,
        given_name=row.given_name,
        family_name=row.family_name,
        family_first=bool(row.family_first),
        name_latin=row.name_latin,
        language=row.language,
        seat=where["seat"]["label"] if where["seat"] else None,
        zones=tuple(where["zones"]),
    )


# Guests open their badge more than once and images are dear to draw; views are immutable.
@lru_cache(maxsize=64)
def badge_png(view: BadgeView) -> bytes:
    """One badge as PNG."""
    return rendering.render_png(view)


@lru_cache(maxsize=64)
def badge_pdf(view: BadgeView) -> bytes:
    """One badge as a one-page A6 PDF."""
    return rendering.render_pdf(view)


def print_run(
    session: Session, ceremony_id: uuid.UUID, categories: Sequence[str] = ()
) -> tuple[str, list[BadgeView]]:
    """A ceremony's title and its live badges in print order, of some categories if given."""
    title = known_ceremony(session, ceremony_id).title
    query = _WITH_HOLDER.where(badges.c.ceremony_id == ceremony_id, badges.c.status == "issued")
    if categories:
        query = query.where(registrations.c.category.in_(categories))
    return title, sort_for_print(printable_view(row) for row in session.execute(query))


def print_selection(
    session: Session,
    ceremony_id: uuid.UUID,
    *,
    registration_ids: Sequence[uuid.UUID] = (),
    category: str | None = None,
    not_printed: bool = False,
    reprint: bool = False,
    now: datetime,
) -> tuple[str, list[BadgeView]]:
    """The live badges chosen for printing, in print order, marked printed at ``now``.

    Choose by ticked registrations, a category, those never printed, or those printed before
    their holder's details were corrected; a choice that selects nothing is refused.
    """
    title = known_ceremony(session, ceremony_id).title
    if category is not None and category not in CATEGORIES:
        raise _unprintable("category", f"Must be one of: {', '.join(CATEGORIES)}.")
    query = _WITH_HOLDER.where(badges.c.ceremony_id == ceremony_id, badges.c.status == "issued")
    if registration_ids:
        query = query.where(badges.c.registration_id.in_(registration_ids))
    if category:
        query = query.where(registrations.c.category == category)
    if not_printed:
        query = query.where(badges.c.printed_at.is_(None))
    if reprint:
        query = query.where(
            badges.c.printed_at.is_not(None), badges.c.details_changed_at > badges.c.printed_at
        )
    rows = list(session.execute(query))
    if registration_ids and len(rows) < len(set(registration_ids)):
        raise _unprintable("registration_ids", "Some of these guests have no live badge here.")
    if not rows:
        raise _unprintable("registration_ids", "Nothing to print: no badge matches the choice.")
    session.execute(
        badges.update().where(badges.c.id.in_([row.id for row in rows])).values(printed_at=now)
    )
    return title, sort_for_print(printable_view(row) for row in rows)


def _unprintable(field: str, message: str) -> DomainError:
    return DomainError("nothing_to_print", message, kind="invalid", errors={field: [message]})
