"""trust: what each subscriber was told, server-side sessions, service state, ids never reused

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-30
"""

import secrets

import sqlalchemy as sa
import sqlmodel
from alembic import op

import deadlines.db.types

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    sqlite = op.get_bind().dialect.name == "sqlite"
    # SQLite hands out max(id)+1 without AUTOINCREMENT, so a deleted subscriber's id (and the
    # links and Message-IDs made from it) would pass to the next sign-up. The tables are
    # rebuilt with AUTOINCREMENT; PostgreSQL sequences never reuse ids anyway.
    kwargs = {"recreate": "always", "table_kwargs": {"sqlite_autoincrement": True}} if sqlite else {}
    with op.batch_alter_table("subscriber", **kwargs) as batch_op:
        batch_op.add_column(
            sa.Column("secret", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False, server_default="")
        )
    with op.batch_alter_table("outbox", **kwargs) as batch_op:
        batch_op.add_column(sa.Column("payload", sa.JSON(), nullable=True))
    bind = op.get_bind()
    ids = [row[0] for row in bind.execute(sa.text("SELECT id FROM subscriber"))]
    for sid in ids:
        bind.execute(
            sa.text("UPDATE subscriber SET secret = :s WHERE id = :i"), {"s": secrets.token_hex(16), "i": sid}
        )

    op.create_table(
        "told",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("subscriber_id", sa.Integer(), nullable=False),
        sa.Column("deadline_id", sa.Integer(), nullable=False),
        sa.Column("outbox_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=True),
        sa.Column("closes", sa.Date(), nullable=True),
        sa.Column("opens_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.Column("closes_time", sqlmodel.sql.sqltypes.AutoString(length=5), nullable=True),
        sa.Column("status", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("close_at", deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("at", deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["deadline_id"], ["deadline.id"]),
        sa.ForeignKeyConstraint(["subscriber_id"], ["subscriber.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("subscriber_id", "deadline_id", name="uq_told"),
    )
    op.create_index("ix_told_deadline_id", "told", ["deadline_id"])
    # What each subscriber was told so far: the latest sent reminder or correction per deadline.
    # Where the deadline was revised since, the exact dates told are unknown (only the close):
    # such rows are owed a correction, which is what the old code would have sent too.
    op.execute(
        """
        INSERT INTO told (subscriber_id, deadline_id, outbox_id, revision, opens, closes,
                          opens_time, closes_time, status, close_at, at)
        SELECT o.subscriber_id, o.deadline_id, o.id, o.revision,
               CASE WHEN d.revision = o.revision THEN d.opens END,
               CASE WHEN d.revision = o.revision THEN d.closes END,
               CASE WHEN d.revision = o.revision THEN d.opens_time END,
               CASE WHEN d.revision = o.revision THEN d.closes_time END,
               CASE WHEN d.revision = o.revision THEN d.status ELSE 'unknown' END,
               o.close_at, COALESCE(o.sent_at, o.created_at)
        FROM outbox o JOIN deadline d ON d.id = o.deadline_id
        WHERE o.state = 'sent' AND o.kind IN ('reminder', 'correction')
          AND o.id = (SELECT MAX(o2.id) FROM outbox o2
                      WHERE o2.subscriber_id = o.subscriber_id AND o2.deadline_id = o.deadline_id
                        AND o2.state = 'sent' AND o2.kind IN ('reminder', 'correction'))
        """
    )
    op.create_table(
        "staff_session",
        sa.Column("id", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("created_at", deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["staff_user.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_staff_session_user_id", "staff_session", ["user_id"])
    op.create_table(
        "service_state",
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("value", sa.JSON(), nullable=False),
        sa.Column("updated_at", deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key"),
    )


def downgrade() -> None:
    op.drop_table("service_state")
    op.drop_index("ix_staff_session_user_id", table_name="staff_session")
    op.drop_table("staff_session")
    op.drop_index("ix_told_deadline_id", table_name="told")
    op.drop_table("told")
    with op.batch_alter_table("outbox") as batch_op:
        batch_op.drop_column("payload")
    with op.batch_alter_table("subscriber") as batch_op:
        batch_op.drop_column("secret")
