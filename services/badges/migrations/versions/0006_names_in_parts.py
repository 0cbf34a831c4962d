"""registrations keep the name in parts, its order and its Latin transliteration

Revision ID: 0006
Revises: 0005
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("given_name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("family_name", sa.String(length=100), nullable=True))
        batch.add_column(sa.Column("family_first", sa.Boolean(), nullable=True))
        batch.add_column(sa.Column("name_latin", sa.String(length=200), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("name_latin")
        batch.drop_column("family_first")
        batch.drop_column("family_name")
        batch.drop_column("given_name")
