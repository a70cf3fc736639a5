"""how to act on a deadline, and what changed

Deadlines gain the rule files' `action_url` and `how` (en, ko); the audit log is indexed by
target, since a deadline's history of changes is read from it.

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("deadline") as batch_op:
        batch_op.add_column(sa.Column("action_url", sa.String(length=500), nullable=True))
        batch_op.add_column(sa.Column("how_en", sa.Text(), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("how_ko", sa.Text(), nullable=False, server_default=""))
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_log_target"), ["target"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("audit_log") as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_log_target"))
    with op.batch_alter_table("deadline") as batch_op:
        batch_op.drop_column("how_ko")
        batch_op.drop_column("how_en")
        batch_op.drop_column("action_url")
