"""delegations and invitation details: companions, representative, host, reply-by date,
dress code, arrival instructions, regrets; a companion's head of delegation

Revision ID: 0011
Revises: 0010
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_INVITATION_COLUMNS = (
    "represented_by",
    "regrets",
    "answered_late",
    "arrival_instructions",
    "dress_code",
    "reply_by",
    "host",
    "representative_allowed",
    "companions_allowed",
)


def upgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(
            sa.Column("companions_allowed", sa.Integer(), nullable=False, server_default="0")
        )
        batch.add_column(
            sa.Column(
                "representative_allowed", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch.add_column(sa.Column("host", sa.String(200), nullable=True))
        batch.add_column(sa.Column("reply_by", sa.Date(), nullable=True))
        batch.add_column(sa.Column("dress_code", sa.String(200), nullable=True))
        batch.add_column(sa.Column("arrival_instructions", sa.String(500), nullable=True))
        batch.add_column(
            sa.Column("answered_late", sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column("regrets", sa.Text(), nullable=True))
        batch.add_column(sa.Column("represented_by", sa.String(200), nullable=True))
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("delegation_of", sa.Uuid(), nullable=True))
        batch.create_foreign_key(
            "fk_registrations_delegation_of", "registrations", ["delegation_of"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_constraint("fk_registrations_delegation_of", type_="foreignkey")
        batch.drop_column("delegation_of")
    with op.batch_alter_table("invitations") as batch:
        for column in _INVITATION_COLUMNS:
            batch.drop_column(column)
