"""Tables of the notifications service."""

from __future__ import annotations

from sqlalchemy.orm import DeclarativeBase

from shared.db import service_metadata
from shared.inbox import inbox_table
from shared.outbox import outbox_table
from shared.projections import ceremonies_table, registrations_table


class Base(DeclarativeBase):
    metadata = service_metadata()


outbox = outbox_table(Base.metadata)
inbox = inbox_table(Base.metadata)
#: What this service knows of ceremonies and registrations, kept from the bus.
ceremonies = ceremonies_table(Base.metadata)
registrations = registrations_table(Base.metadata)
