"""Announcements per language, scheduled or drafted; registration revisions for calendars

Revision ID: 0008
Revises: 0007
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("announcements") as batch:
        batch.add_column(sa.Column("bodies", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(
            sa.Column("invitation_statuses", sa.JSON(), nullable=False, server_default="[]")
        )
        # Every announcement before this one was sent at once.
        batch.add_column(
            sa.Column("status", sa.String(length=16), nullable=False, server_default="sent")
        )
        batch.add_column(sa.Column("send_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("recipients", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("created_by", sa.String(length=200), nullable=True))
        batch.create_index("ix_announcements_due", ["send_at"], unique=False)
    op.execute("UPDATE announcements SET sent_at = created_at WHERE sent_at IS NULL")
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("revision", sa.Integer(), nullable=False, server_default="0"))


def downgrade() -> None:
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("revision")
    op.execute("DELETE FROM announcements WHERE status <> 'sent'")
    with op.batch_alter_table("announcements") as batch:
        batch.drop_index("ix_announcements_due")
        for column in (
            "created_by",
            "recipients",
            "sent_at",
            "send_at",
            "status",
            "invitation_statuses",
            "bodies",
        ):
            batch.drop_column(column)
