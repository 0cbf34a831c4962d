"""The floor the services are measured against: hello world, and one ORM row insert.

Served by the same gunicorn settings as the service under test, on the same database.
"""

from __future__ import annotations

import os
import uuid

from flask import Flask, jsonify
from sqlalchemy import String, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from shared.db import Database


class Base(DeclarativeBase):
    pass


class FloorRow(Base):
    __tablename__ = "floor_rows"

    id: Mapped[uuid.UUID] = mapped_column(Uuid, primary_key=True, default=uuid.uuid4)
    name: Mapped[str] = mapped_column(String(200))


def create_tables(url: str) -> None:
    """Create the floor's table, once, before its server's workers start."""
    database = Database(url)
    try:
        Base.metadata.create_all(database.engine)
    finally:
        database.dispose()


def create_app() -> Flask:
    """The floor app; the database, with its table, comes from ``CEREMONY_FLOOR_DATABASE_URL``."""
    app = Flask(__name__)
    database = Database(os.environ["CEREMONY_FLOOR_DATABASE_URL"])

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    @app.get("/hello")
    def hello():
        return "hello"

    @app.post("/insert")
    def insert():
        with database.transaction() as session:
            row = FloorRow(name="floor")
            session.add(row)
        return jsonify(id=str(row.id)), 201

    return app
