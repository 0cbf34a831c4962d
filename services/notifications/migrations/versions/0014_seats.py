"""each guest's seat, kept from seating.assigned

Revision ID: 0014
Revises: 0013
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "seats",
        sa.Column("registration_id", sa.Uuid(), primary_key=True),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("seat", sa.JSON(), nullable=True),
        sa.Column("as_of", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_seats_ceremony_id", "seats", ["ceremony_id"])


def downgrade() -> None:
    op.drop_index("ix_seats_ceremony_id", table_name="seats")
    op.drop_table("seats")
