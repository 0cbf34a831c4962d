"""registration modes and requests

Revision ID: 0004
Revises: 0003
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_OPEN = "status IN ('awaiting_confirmation', 'awaiting_approval')"


def upgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        batch.add_column(
            sa.Column(
                "registration_mode", sa.String(length=20), server_default="open", nullable=False
            )
        )
    op.create_table(
        "registration_requests",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("full_name", sa.String(length=200), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("email_key", sa.String(length=254), nullable=False),
        sa.Column("honorific", sa.String(length=50), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("needs", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=24), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("decided_by", sa.String(length=20), nullable=True),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registration_id", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["ceremony_id"],
            ["ceremonies.id"],
            name=op.f("fk_registration_requests_ceremony_id_ceremonies"),
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_registration_requests_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_registration_requests")),
    )
    op.create_index(
        "ix_registration_requests_queue",
        "registration_requests",
        ["ceremony_id", "status", "created_at"],
    )
    op.create_index(
        "uq_registration_requests_open",
        "registration_requests",
        ["ceremony_id", "email_key"],
        unique=True,
        postgresql_where=sa.text(_OPEN),
        sqlite_where=sa.text(_OPEN),
    )


def downgrade() -> None:
    op.drop_index("uq_registration_requests_open", table_name="registration_requests")
    op.drop_index("ix_registration_requests_queue", table_name="registration_requests")
    op.drop_table("registration_requests")
    with op.batch_alter_table("ceremonies") as batch:
        batch.drop_column("registration_mode")
