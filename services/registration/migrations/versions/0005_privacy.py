"""privacy notice, consent, retention and erasure

Revision ID: 0005
Revises: 0004
"""

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        batch.add_column(sa.Column("privacy_notice", sa.Text(), nullable=True))
        batch.add_column(sa.Column("privacy_notice_url", sa.String(length=2048), nullable=True))
        batch.add_column(sa.Column("retention_days", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("purged_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("registration_requests") as batch:
        batch.add_column(sa.Column("consent_at", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("registration_requests") as batch:
        batch.drop_column("consent_at")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("erased_at")
        batch.drop_column("consent_at")
    with op.batch_alter_table("ceremonies") as batch:
        batch.drop_column("purged_at")
        batch.drop_column("retention_days")
        batch.drop_column("privacy_notice_url")
        batch.drop_column("privacy_notice")
