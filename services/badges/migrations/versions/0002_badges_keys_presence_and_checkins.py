"""badges, keys, presence and checkins

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26 04:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ceremony_keys",
        sa.Column("kid", sa.String(length=8), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("public_key", sa.LargeBinary(length=32), nullable=False),
        sa.Column("sealed_private_key", sa.LargeBinary(length=128), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("kid", name=op.f("pk_ceremony_keys")),
    )
    with op.batch_alter_table("ceremony_keys", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_ceremony_keys_ceremony_id"), ["ceremony_id"], unique=False
        )
        batch_op.create_index(
            "uq_ceremony_keys_active",
            ["ceremony_id"],
            unique=True,
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )

    op.create_table(
        "badges",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("serial", sa.String(length=20), nullable=False),
        sa.Column("kid", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=160), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["kid"], ["ceremony_keys.kid"], name=op.f("fk_badges_kid_ceremony_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_badges")),
        sa.UniqueConstraint("serial", name=op.f("uq_badges_serial")),
    )
    with op.batch_alter_table("badges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_badges_ceremony_id"), ["ceremony_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_badges_registration_id"), ["registration_id"], unique=False
        )
        batch_op.create_index(
            "uq_badges_issued_registration",
            ["registration_id"],
            unique=True,
            postgresql_where=sa.text("status = 'issued'"),
            sqlite_where=sa.text("status = 'issued'"),
        )

    op.create_table(
        "checkins",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("badge_id", sa.Uuid(), nullable=False),
        sa.Column("nonce", sa.String(length=64), nullable=True),
        sa.Column("direction", sa.String(length=3), nullable=False),
        sa.Column("gate", sa.String(length=64), nullable=True),
        sa.Column("result", sa.String(length=20), nullable=False),
        sa.Column("http_status", sa.SmallInteger(), nullable=False),
        sa.Column("response", sa.JSON(), nullable=False),
        sa.Column("scanned_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("offline", sa.Boolean(), nullable=False),
        sa.ForeignKeyConstraint(
            ["badge_id"], ["badges.id"], name=op.f("fk_checkins_badge_id_badges")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_checkins")),
    )
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.create_index("uq_checkins_ceremony_nonce", ["ceremony_id", "nonce"], unique=True)

    op.create_table(
        "presence",
        sa.Column("badge_id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("inside", sa.Boolean(), nullable=False),
        sa.Column("first_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_in_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_in_gate", sa.String(length=64), nullable=True),
        sa.Column("last_out_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_out_gate", sa.String(length=64), nullable=True),
        sa.ForeignKeyConstraint(
            ["badge_id"], ["badges.id"], name=op.f("fk_presence_badge_id_badges")
        ),
        sa.PrimaryKeyConstraint("badge_id", name=op.f("pk_presence")),
    )


def downgrade() -> None:
    op.drop_table("presence")
    with op.batch_alter_table("checkins", schema=None) as batch_op:
        batch_op.drop_index("uq_checkins_ceremony_nonce")

    op.drop_table("checkins")
    with op.batch_alter_table("badges", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_badges_issued_registration",
            postgresql_where=sa.text("status = 'issued'"),
            sqlite_where=sa.text("status = 'issued'"),
        )
        batch_op.drop_index(batch_op.f("ix_badges_registration_id"))
        batch_op.drop_index(batch_op.f("ix_badges_ceremony_id"))

    op.drop_table("badges")
    with op.batch_alter_table("ceremony_keys", schema=None) as batch_op:
        batch_op.drop_index(
            "uq_ceremony_keys_active",
            postgresql_where=sa.text("active"),
            sqlite_where=sa.text("active"),
        )
        batch_op.drop_index(batch_op.f("ix_ceremony_keys_ceremony_id"))

    op.drop_table("ceremony_keys")
