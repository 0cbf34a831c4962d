"""no guest links in the projections (events carry ids; emails build their links)

Revision ID: 0005
Revises: 0004_sending_lease
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004_sending_lease"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("manage_url")
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("rsvp_url")


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(
            sa.Column("rsvp_url", sa.String(length=2048), nullable=False, server_default="")
        )
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(
            sa.Column("manage_url", sa.String(length=2048), nullable=False, server_default="")
        )
