"""the projected invitations keep their terms: companions, representative, host, reply-by day,
dress code and arrival instructions

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

#: Nullable: invitations projected before the events carried them have none.
_COLUMNS = (
    ("companions_allowed", sa.Integer()),
    ("representative_allowed", sa.Boolean()),
    ("host", sa.String(length=200)),
    ("reply_by", sa.Date()),
    ("dress_code", sa.String(length=200)),
    ("arrival_instructions", sa.String(length=500)),
)


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        for name, type_ in _COLUMNS:
            batch.add_column(sa.Column(name, type_, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        for name, _type in reversed(_COLUMNS):
            batch.drop_column(name)
