"""graduation: a ceremony's course and its images, each graduate's result, group and phonetic
spelling, and the certificates the badges service issued

Revision ID: 0016
Revises: 0015
"""

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("ceremonies") as batch:
        batch.add_column(
            sa.Column("course_revision", sa.Integer(), nullable=False, server_default="0")
        )
    op.create_table(
        "courses",
        sa.Column("ceremony_id", sa.Uuid(), sa.ForeignKey("ceremonies.id"), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("hours_tenths", sa.Integer(), nullable=False),
        sa.Column("translations", sa.JSON(), nullable=False),
        sa.Column("organisations", sa.JSON(), nullable=False),
        sa.Column("signatories", sa.JSON(), nullable=False),
        sa.Column("roll_order", sa.String(20), nullable=False),
        sa.Column("hand_order", sa.JSON(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "course_images",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("ceremony_id", sa.Uuid(), sa.ForeignKey("ceremonies.id"), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("png", sa.LargeBinary(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("ceremony_id", "kind", "position", name="uq_course_images_position"),
    )
    op.create_table(
        "graduations",
        sa.Column(
            "registration_id", sa.Uuid(), sa.ForeignKey("registrations.id"), primary_key=True
        ),
        sa.Column("ceremony_id", sa.Uuid(), sa.ForeignKey("ceremonies.id"), nullable=False),
        sa.Column("result", sa.String(20), nullable=True),
        sa.Column("group_name", sa.String(80), nullable=True),
        sa.Column("phonetic", sa.String(200), nullable=True),
        sa.Column("appreciation", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("revision", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_graduations_ceremony", "graduations", ["ceremony_id"])
    op.create_table(
        "graduate_certificates",
        sa.Column("certificate_id", sa.Uuid(), primary_key=True),
        sa.Column("ceremony_id", sa.Uuid(), sa.ForeignKey("ceremonies.id"), nullable=False),
        sa.Column("registration_id", sa.Uuid(), sa.ForeignKey("registrations.id"), nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("result", sa.String(20), nullable=True),
        sa.Column("code", sa.String(400), nullable=True),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("issued_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("reason", sa.String(64), nullable=True),
        sa.Column("replaces", sa.Uuid(), nullable=True),
    )
    op.create_index(
        "ix_graduate_certificates_registration", "graduate_certificates", ["registration_id"]
    )


def downgrade() -> None:
    op.drop_index("ix_graduate_certificates_registration", table_name="graduate_certificates")
    op.drop_table("graduate_certificates")
    op.drop_index("ix_graduations_ceremony", table_name="graduations")
    op.drop_table("graduations")
    op.drop_table("course_images")
    op.drop_table("courses")
    with op.batch_alter_table("ceremonies") as batch:
        batch.drop_column("course_revision")
