"""each ceremony's zones and door hours, and each holder's seat

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ceremony_access",
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("zones", sa.JSON(), nullable=False),
        sa.Column("gate_rules", sa.JSON(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("ceremony_id", name=op.f("pk_ceremony_access")),
    )
    op.create_table(
        "seats",
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("seat_id", sa.String(length=140), nullable=True),
        sa.Column("section", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=10), nullable=True),
        sa.Column("row", sa.String(length=20), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("block", sa.String(length=80), nullable=True),
        sa.Column("accessible_seat", sa.Boolean(), nullable=False),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_seats")),
    )
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_seats_ceremony_id"), ["ceremony_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("seats", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_seats_ceremony_id"))
    op.drop_table("seats")
    op.drop_table("ceremony_access")
