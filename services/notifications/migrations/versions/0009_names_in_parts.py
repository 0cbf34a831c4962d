"""registrations and invitations keep the name in parts, its order and its Latin transliteration

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

#: The person projections (see shared.projections); rows kept before are names typed whole.
_TABLES = ("registrations", "invitations")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("given_name", sa.String(length=100), nullable=True))
            batch.add_column(sa.Column("family_name", sa.String(length=100), nullable=True))
            batch.add_column(sa.Column("family_first", sa.Boolean(), nullable=True))
            batch.add_column(sa.Column("name_latin", sa.String(length=200), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for column in ("name_latin", "family_first", "family_name", "given_name"):
                batch.drop_column(column)
