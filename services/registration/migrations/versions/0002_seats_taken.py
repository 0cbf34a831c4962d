"""Keep the count of taken public seats on the ceremony row

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch_op:
        batch_op.add_column(
            sa.Column("seats_taken", sa.Integer(), nullable=False, server_default="0")
        )
    op.execute(
        "UPDATE ceremonies SET seats_taken = (SELECT count(*) FROM registrations r "
        "WHERE r.ceremony_id = ceremonies.id AND r.status = 'confirmed' AND NOT r.reserved)"
    )


def downgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch_op:
        batch_op.drop_column("seats_taken")
