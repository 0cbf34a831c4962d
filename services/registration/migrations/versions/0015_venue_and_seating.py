"""the venue: a ceremony's layout, blocks, seating rules, zones and gate hours; guests' seats;
saved layouts; a registration's need for an accessible seat

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
    with op.batch_alter_table("ceremonies") as batch:
        batch.add_column(sa.Column("layout", sa.JSON(), nullable=True))
        batch.add_column(sa.Column("blocks", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("seating_rules", sa.JSON(), nullable=False, server_default="{}"))
        batch.add_column(sa.Column("zones", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("gate_rules", sa.JSON(), nullable=False, server_default="[]"))
        batch.add_column(sa.Column("seats_announced_at", sa.DateTime(timezone=True), nullable=True))
    with op.batch_alter_table("registrations") as batch:
        batch.add_column(
            sa.Column("accessible_seat", sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.create_table(
        "seat_assignments",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("ceremony_id", sa.Uuid(), sa.ForeignKey("ceremonies.id"), nullable=False),
        sa.Column(
            "registration_id",
            sa.Uuid(),
            sa.ForeignKey("registrations.id"),
            nullable=False,
            unique=True,
        ),
        sa.Column("seat_id", sa.String(140), nullable=False),
        sa.Column("locked", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("reason", sa.String(300), nullable=True),
        sa.Column("told_seat_id", sa.String(140), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("ceremony_id", "seat_id", name="uq_seat_assignments_seat"),
    )
    op.create_table(
        "venue_layouts",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("layout", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(36), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("venue_layouts")
    op.drop_table("seat_assignments")
    with op.batch_alter_table("registrations") as batch:
        batch.drop_column("accessible_seat")
    with op.batch_alter_table("ceremonies") as batch:
        for column in (
            "seats_announced_at",
            "gate_rules",
            "zones",
            "seating_rules",
            "blocks",
            "layout",
        ):
            batch.drop_column(column)
