"""the console: a ceremony's gates, corrections of registrations, invitations that wait as
drafts (and are opened, bounced or withdrawn), search keys, and uploaded invitation imports

Revision ID: 0009
Revises: 0008
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_SEARCH = "lower(full_name || ' ' || coalesce(organisation, '') || ' ' || email)"


def upgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        batch.add_column(sa.Column("gates", sa.JSON(), nullable=False, server_default="[]"))
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))
        batch.add_column(sa.Column("updated_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("search_key", sa.Text(), nullable=True))
        batch.add_column(sa.Column("arrived_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("invitations") as batch:
        for column in ("sent_at", "opened_at", "bounced_at", "withdrawn_at"):
            batch.add_column(sa.Column(column, sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("search_key", sa.Text(), nullable=True))
    # Invitations made before drafts existed were sent when they were made.
    op.execute("UPDATE invitations SET sent_at = created_at WHERE status <> 'draft'")
    op.execute(f"UPDATE registrations SET search_key = {_SEARCH}")
    op.execute(f"UPDATE invitations SET search_key = {_SEARCH}")
    op.create_table(
        "invitation_imports",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("ceremony_id", sa.Uuid(), sa.ForeignKey("ceremonies.id"), nullable=False),
        sa.Column("filename", sa.String(255), nullable=False),
        sa.Column("content", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("invitation_imports")
    with op.batch_alter_table("invitations") as batch:
        for column in ("search_key", "withdrawn_at", "bounced_at", "opened_at", "sent_at"):
            batch.drop_column(column)
    with op.batch_alter_table("registrations") as batch:
        for column in ("arrived_at", "search_key", "updated_at", "revision"):
            batch.drop_column(column)
    with op.batch_alter_table("ceremonies") as batch:
        batch.drop_column("gates")
