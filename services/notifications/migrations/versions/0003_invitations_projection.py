"""The invitations projection, for invitation and reminder emails

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-30 23:00:00.000000
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
        sa.Column("honorific", sa.String(length=50), nullable=True),
        sa.Column("organisation", sa.String(length=200), nullable=True),
        sa.Column("job_title", sa.String(length=200), nullable=True),
        sa.Column("language", sa.String(length=35), nullable=False),
        sa.Column("category", sa.String(length=20), nullable=False),
        sa.Column("precedence", sa.Integer(), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rsvp_url", sa.String(length=2048), nullable=False),
        sa.Column("registration_id", sa.Uuid(), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invitations")),
    )
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_invitations_ceremony_id"), ["ceremony_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_invitations_registration_id"), ["registration_id"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("invitations", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invitations_registration_id"))
        batch_op.drop_index(batch_op.f("ix_invitations_ceremony_id"))
    op.drop_table("invitations")
