"""Local copies of ceremonies and registrations, kept from the bus by the services that need them.

A service never asks another for data at run time; it keeps what it needs from the events it
receives. Events can arrive out of order after a retry, so each row remembers the time of the
event it reflects and older events are ignored.
"""

from __future__ import annotations

from sqlalchemy import (
    JSON,
    Boolean,
    Column,
    Date,
    Integer,
    MetaData,
    String,
    Table,
    Uuid,
    select,
)
from sqlalchemy.orm import Session

from .contract import programme_to_json
from .db import UTCDateTime
from .events import Event


def ceremonies_table(metadata: MetaData) -> Table:
    """The ``ceremonies`` projection."""
    return Table(
        "ceremonies",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("title", String(200), nullable=False),
        Column("starts_at", UTCDateTime(), nullable=False),
        Column("ends_at", UTCDateTime(), nullable=False),
        Column("timezone", String(64), nullable=False),
        Column("venue_name", String(200), nullable=False),
        Column("venue_address", String(500)),
        Column("default_language", String(35), nullable=False),
        Column("languages", JSON, nullable=False),
        Column("protocol_contact_email", String(254)),
        # [{title, speaker, role, starts_at}] as the event carried it (ISO times).
        Column("programme", JSON, nullable=False),
        # {tag: {title?, venue_name?, venue_address?, programme?}} (shared.content); null for
        # ceremonies projected before the events carried it.
        Column("translations", JSON),
        Column("reply_note", String(500)),
        Column("sequence", Integer, nullable=False),
        # occurred_at of the event this row reflects.
        Column("as_of", UTCDateTime(), nullable=False),
    )


def _person_columns() -> list[Column]:
    """Who a registration or an invitation is for, as the events carry it."""
    return [
        Column("full_name", String(200), nullable=False),
        # The name in two parts, its order and a Latin transliteration (null for people
        # projected before the events carried them; shared.protocol.name_of splits full_name).
        Column("given_name", String(100)),
        Column("family_name", String(100)),
        Column("family_first", Boolean),
        Column("name_latin", String(200)),
        Column("email", String(254), nullable=False),
        Column("honorific", String(50)),
        Column("organisation", String(200)),
        Column("job_title", String(200)),
        Column("language", String(35), nullable=False),
        Column("category", String(20), nullable=False),
        Column("precedence", Integer),
    ]


def registrations_table(metadata: MetaData) -> Table:
    """The ``registrations`` projection."""
    return Table(
        "registrations",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("ceremony_id", Uuid, nullable=False, index=True),
        *_person_columns(),
        Column("status", String(20), nullable=False),
        Column("reserved", Boolean, nullable=False),
        Column("as_of", UTCDateTime(), nullable=False),
    )


def invitations_table(metadata: MetaData) -> Table:
    """The ``invitations`` projection: who was invited, their answer, their RSVP link."""
    return Table(
        "invitations",
        metadata,
        Column("id", Uuid, primary_key=True),
        Column("ceremony_id", Uuid, nullable=False, index=True),
        *_person_columns(),
        Column("status", String(20), nullable=False),
        # The registration an acceptance created; it keeps the invitation's calendar entry.
        Column("registration_id", Uuid, index=True),
        # What the invitation allows, who invites and what is asked of the invitee
        # (shared.events.InvitationData); null for invitations projected before the events
        # carried them.
        Column("companions_allowed", Integer),  # named companions who may come, 0 to 20
        Column("representative_allowed", Boolean),  # may send someone in their place
        Column("host", String(200)),  # who invites: "The Director General of the Institute"
        Column("reply_by", Date),  # the day answers are asked for, in the ceremony's zone
        Column("dress_code", String(200)),
        Column("arrival_instructions", String(500)),
        # host, dress_code and arrival_instructions in more languages (shared.content).
        Column("translations", JSON),
        Column("as_of", UTCDateTime(), nullable=False),
    )


def apply_ceremony(session: Session, table: Table, event: Event) -> bool:
    """Store the ceremony an event carries; returns False if a newer copy is kept already."""
    data = event.data
    row = {
        "title": data["title"],
        "starts_at": data["starts_at"],
        "ends_at": data["ends_at"],
        "timezone": data["timezone"],
        "venue_name": data["venue"]["name"],
        "venue_address": data["venue"].get("address"),
        "default_language": data["default_language"],
        "languages": data["languages"],
        "protocol_contact_email": data.get("protocol_contact_email"),
        "programme": programme_to_json(data.get("programme", [])),
        "translations": data.get("translations") or {},
        "reply_note": data.get("reply_note"),
        "sequence": data["sequence"],
        "as_of": event.occurred_at,
    }
    return _upsert(session, table, data["ceremony_id"], row)


def apply_registration(session: Session, table: Table, event: Event) -> bool:
    """Store the registration an event carries; returns False if a newer copy is kept already."""
    data = event.data
    row = {key: data.get(key) for key in (*_PERSON, "status", "reserved")}
    row.update(ceremony_id=data["ceremony_id"], as_of=event.occurred_at)
    return _upsert(session, table, data["registration_id"], row)


def apply_invitation(session: Session, table: Table, event: Event) -> bool:
    """Store the invitation an event carries; returns False if a newer copy is kept already."""
    data = event.data
    terms = (
        "companions_allowed",
        "representative_allowed",
        "host",
        "reply_by",
        "dress_code",
        "arrival_instructions",
    )
    row = {key: data.get(key) for key in (*_PERSON, "status", "registration_id", *terms)}
    row.update(
        ceremony_id=data["ceremony_id"],
        translations=data.get("translations") or {},
        as_of=event.occurred_at,
    )
    return _upsert(session, table, data["invitation_id"], row)


_PERSON = (
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
)


def _upsert(session: Session, table: Table, key, row: dict) -> bool:
    current = session.execute(
        select(table.c.as_of).where(table.c.id == key).with_for_update()
    ).first()
    if current is None:
        session.execute(table.insert().values(id=key, **row))
        return True
    if current.as_of > row["as_of"]:
        return False
    session.execute(table.update().where(table.c.id == key).values(**row))
    return True


#: What an erased person leaves in a projection: who they were is gone, counts remain.
ERASED_PERSON = {
    "full_name": "",
    "given_name": None,
    "family_name": None,
    "name_latin": None,
    "email": "",
    "honorific": None,
    "organisation": None,
    "job_title": None,
}


def erase_person(session: Session, table: Table, key, event: Event) -> None:
    """Erase one projected person; events about them older than the erasure are ignored."""
    session.execute(
        table.update().where(table.c.id == key).values(**ERASED_PERSON, as_of=event.occurred_at)
    )


def erase_ceremony_people(session: Session, table: Table, event: Event) -> None:
    """Erase every projected person of the ceremony an event names."""
    session.execute(
        table.update()
        .where(table.c.ceremony_id == event.data["ceremony_id"])
        .values(**ERASED_PERSON, as_of=event.occurred_at)
    )
