"""names in parts: given and family name, the name's order, a Latin transliteration

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

_TABLES = ("registrations", "invitations", "registration_requests")


def upgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("given_name", sa.String(100), nullable=True))
            batch.add_column(sa.Column("family_name", sa.String(100), nullable=True))
            batch.add_column(
                sa.Column("family_first", sa.Boolean(), nullable=False, server_default=sa.false())
            )
            batch.add_column(sa.Column("name_latin", sa.String(200), nullable=True))


def downgrade() -> None:
    for table in _TABLES:
        with op.batch_alter_table(table) as batch:
            for column in ("name_latin", "family_first", "family_name", "given_name"):
                batch.drop_column(column)
