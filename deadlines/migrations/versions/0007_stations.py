"""overseas voting stations and their days

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-30
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

import deadlines.db.types

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "station",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("election_id", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("station", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("name_en", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("name_ko", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("country", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("city", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("timezone", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column("address", sa.Text(), nullable=False),
        sa.Column("opens", sa.Date(), nullable=False),
        sa.Column("closes", sa.Date(), nullable=False),
        sa.Column("hours", sqlmodel.sql.sqltypes.AutoString(length=11), nullable=False),
        sa.Column("updated_at", deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("election_id", "station", name="uq_station"),
    )
    op.create_index("ix_station_election_id", "station", ["election_id"])
    # A voter abroad may choose the station they will vote at; their reminders follow its days.
    with op.batch_alter_table("subscription") as batch_op:
        batch_op.add_column(sa.Column("station", sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True))
        # Citizens abroad may ask for a yearly reminder to check their registration details.
        batch_op.add_column(sa.Column("registry_check", sa.Boolean(), nullable=False, server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table("subscription") as batch_op:
        batch_op.drop_column("registry_check")
        batch_op.drop_column("station")
    op.drop_index("ix_station_election_id", table_name="station")
    op.drop_table("station")
