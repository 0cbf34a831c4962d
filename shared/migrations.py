"""Alembic migrations per service: each service keeps its own ``migrations/`` folder."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import MetaData

from .db import UTCDateTime, make_engine
from .service import Service


def alembic_config(service: Service, database_url: str) -> Config:
    """An Alembic configuration for ``service`` against ``database_url``."""
    config = Config()
    config.set_main_option("script_location", str(service.migrations))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["target_metadata"] = service.metadata
    return config


def upgrade(service: Service, database_url: str, revision: str = "head") -> None:
    """Bring the service's database to ``revision`` (the latest by default)."""
    command.upgrade(alembic_config(service, database_url), revision)


def _render_item(kind: str, item, autogen_context):
    # Stored UTC timestamps are plain timezone-aware DateTime columns in the database.
    if kind == "type" and isinstance(item, UTCDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def run_migrations(context, metadata: MetaData) -> None:
    """The body of every service's ``env.py`` (online mode only: it needs a database)."""
    url = context.config.get_main_option("sqlalchemy.url")
    metadata = context.config.attributes.get("target_metadata", metadata)
    engine = make_engine(url, pool_size=1)
    try:
        with engine.connect() as connection:
            context.configure(
                connection=connection,
                target_metadata=metadata,
                # SQLite alters tables by copying them; batch mode does that for us.
                render_as_batch=connection.dialect.name == "sqlite",
                compare_type=True,
                render_item=_render_item,
            )
            with context.begin_transaction():
                context.run_migrations()
    finally:
        engine.dispose()
