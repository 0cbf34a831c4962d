"""Alembic environment of the badges service."""

from alembic import context

from services.badges.models import Base
from shared.migrations import run_migrations

run_migrations(context, Base.metadata)
