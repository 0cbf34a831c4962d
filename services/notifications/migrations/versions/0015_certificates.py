"""each ceremony's course, and the speakers thanked after it

Revision ID: 0015
Revises: 0014
"""

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("ceremony_id", sa.Uuid(), primary_key=True),
        sa.Column("course", sa.JSON(), nullable=True),
        sa.Column("revision", sa.Integer(), nullable=False),
    )
    op.create_table(
        "speaker_thanks",
        sa.Column("ceremony_id", sa.Uuid(), primary_key=True),
        sa.Column("registration_id", sa.Uuid(), primary_key=True),
        sa.Column("queued_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("speaker_thanks")
    op.drop_table("courses")
