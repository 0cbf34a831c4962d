"""invitations

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 04:35:21.307696
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invitations",
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
        sa.Column("precedence", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("answered_by", sa.String(length=20), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("registration_id", sa.Uuid(), nullable=True),
        sa.Column("reminders", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["ceremony_id"], ["ceremonies.id"], name=op.f("fk_invitations_ceremony_id_ceremonies")
        ),
        sa.ForeignKeyConstraint(
            ["registration_id"],
            ["registrations.id"],
            name=op.f("fk_invitations_registration_id_registrations"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index("uq_invitations_email", ["ceremony_id", "email_key"], unique=True)


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index("uq_invitations_email")

    op.drop_table("invitations")
