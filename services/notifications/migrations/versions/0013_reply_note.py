"""a ceremony's note to invitees about their reply

Revision ID: 0013
Revises: 0012
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        batch.add_column(sa.Column("reply_note", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        batch.drop_column("reply_note")
