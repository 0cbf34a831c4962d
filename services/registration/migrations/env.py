"""Alembic environment of the registration service."""

from alembic import context

from services.registration.models import Base
from shared.migrations import run_migrations

run_migrations(context, Base.metadata)
