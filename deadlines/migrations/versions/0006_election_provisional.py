"""election provisional: a day computed from the law, not yet confirmed by staff

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30
"""

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("election") as batch_op:
        batch_op.add_column(sa.Column("provisional", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("election") as batch_op:
        batch_op.drop_column("provisional")
