"""badges remember when they were printed and when their holder's details were corrected

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("badges") as batch:
        batch.add_column(sa.Column("printed_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("details_changed_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("badges") as batch:
        batch.drop_column("details_changed_at")
        batch.drop_column("printed_at")
