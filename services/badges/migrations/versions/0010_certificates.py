"""the course, graduates, certificate releases and certificates

Revision ID: 0010
Revises: 0009
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "courses",
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("hours", sa.String(length=16), nullable=True),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("signatories", sa.JSON(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("roll_order", sa.String(length=20), nullable=False),
        sa.Column("hand_order", sa.JSON(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("ceremony_id", name=op.f("pk_courses")),
    )
    op.create_table(
        "course_images",
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("role", sa.String(length=10), nullable=False),
        sa.Column("position", sa.SmallInteger(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("ceremony_id", "role", "position", name=op.f("pk_course_images")),
    )
    op.create_table(
        "graduates",
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("group", sa.String(length=80), nullable=True),
        sa.Column("phonetic", sa.String(length=200), nullable=True),
        sa.Column("appreciation", sa.Boolean(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_graduates")),
    )
    with op.batch_alter_table("graduates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_graduates_ceremony_id"), ["ceremony_id"], unique=False)
    op.create_table(
        "certificate_releases",
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("released_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("released_by", sa.String(length=200), nullable=True),
        sa.Column("only_admitted", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("ceremony_id", name=op.f("pk_certificate_releases")),
    )
    op.create_table(
        "certificates",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("ceremony_id", sa.Uuid(), nullable=False),
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("result", sa.String(length=20), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("name_latin", sa.String(length=200), nullable=True),
        sa.Column("name_digest", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("kid", sa.String(length=8), nullable=False),
        sa.Column("code", sa.String(length=192), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(length=64), nullable=True),
        sa.Column(
            "revoked_manually", sa.Boolean(), server_default=sa.text("false"), nullable=False
        ),
        sa.Column("replaces", sa.Uuid(), nullable=True),
        sa.Column("replaced_by", sa.Uuid(), nullable=True),
        sa.ForeignKeyConstraint(
            ["kid"], ["ceremony_keys.kid"], name=op.f("fk_certificates_kid_ceremony_keys")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_certificates")),
        sa.UniqueConstraint("code", name=op.f("uq_certificates_code")),
    )
    with op.batch_alter_table("certificates", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_certificates_ceremony_id"), ["ceremony_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_certificates_registration_id"), ["registration_id"], unique=False
        )
        batch_op.create_index(
            "uq_certificates_issued_registration_kind",
            ["registration_id", "kind"],
            unique=True,
            postgresql_where=sa.text("status = 'issued'"),
            sqlite_where=sa.text("status = 'issued'"),
        )


def downgrade() -> None:
    op.drop_table("certificates")
    op.drop_table("certificate_releases")
    with op.batch_alter_table("graduates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_graduates_ceremony_id"))
    op.drop_table("graduates")
    op.drop_table("course_images")
    op.drop_table("courses")
