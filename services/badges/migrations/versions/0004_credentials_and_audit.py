"""revoked credentials, signed-out accounts and roles, kept from the bus; the audit trail

Revision ID: 0004
Revises: 0003
"""

from alembic import op

from shared.audit import create_audit_table, drop_audit_table
from shared.credentials import create_credential_tables, drop_credential_tables

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    create_credential_tables(op)
    create_audit_table(op)


def downgrade() -> None:
    drop_audit_table(op)
    drop_credential_tables(op)
