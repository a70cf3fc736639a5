"""deadlines a subscriber has done, and personal feed tokens

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import deadlines.db.types

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "done_mark",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("at", deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadline.id"]),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"]),
        sa.ForeignKeyConstraint(["subscription_id"], ["subscription.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscription_id", "deadline_id", name="uq_done_mark"),
    )
    with op.batch_alter_table("done_mark") as batch_op:
        batch_op.create_index(batch_op.f("ix_done_mark_deadline_id"), ["deadline_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_done_mark_subscriber_id"), ["subscriber_id"], unique=False)
    op.create_table(
        "personal_feed",
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("nonce", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("updated_at", deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"]),
        sa.PrimaryKeyConstraint("subscriber_id"),
    )


def downgrade() -> None:
    op.drop_table("personal_feed")
    with op.batch_alter_table("done_mark") as batch_op:
        batch_op.drop_index(batch_op.f("ix_done_mark_subscriber_id"))
        batch_op.drop_index(batch_op.f("ix_done_mark_deadline_id"))
    op.drop_table("done_mark")
