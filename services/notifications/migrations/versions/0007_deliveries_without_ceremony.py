"""deliveries about no ceremony (an account's password reset)

Revision ID: 0007
Revises: 0006
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("ceremony_id", existing_type=sa.Uuid(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM deliveries WHERE ceremony_id IS NULL")
    with op.batch_alter_table("deliveries") as batch:
        batch.alter_column("ceremony_id", existing_type=sa.Uuid(), nullable=False)
