"""subscribers and outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-30
"""

from alembic import op
import sqlalchemy as sa
import sqlmodel

import deadlines.db.types


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('subscriber',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('email', sqlmodel.sql.sqltypes.AutoString(length=320), nullable=False),
    sa.Column('language', sqlmodel.sql.sqltypes.AutoString(length=2), nullable=False),
    sa.Column('timezone', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('confirm_nonce', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
    sa.Column('hard_bounces', sa.Integer(), nullable=False),
    sa.Column('origin', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('created_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('confirmed_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('unsubscribed_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('confirmation_sent_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('email')
    )
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscriber_status'), ['status'], unique=False)

    op.create_table('subscription',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('election_id', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('audiences', sa.JSON(), nullable=False),
    sa.Column('triggers', sa.JSON(), nullable=True),
    sa.Column('created_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscriber_id', 'election_id', name='uq_subscription')
    )
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_subscription_election_id'), ['election_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_subscription_subscriber_id'), ['subscriber_id'], unique=False)

    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('subscriber_id', sa.Integer(), nullable=False),
    sa.Column('subscription_id', sa.Integer(), nullable=True),
    sa.Column('deadline_id', sa.Integer(), nullable=True),
    sa.Column('trigger', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
    sa.Column('due_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.Column('close_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revision', sa.Integer(), nullable=False),
    sa.Column('state', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('lease_until', deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('leased_by', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=True),
    sa.Column('sent_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_error', sa.Text(), nullable=True),
    sa.Column('created_at', deadlines.db.types.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['deadline_id'], ['deadline.id'], ),
    sa.ForeignKeyConstraint(['subscriber_id'], ['subscriber.id'], ),
    sa.ForeignKeyConstraint(['subscription_id'], ['subscription.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subscription_id', 'deadline_id', 'trigger', name='uq_outbox_reminder')
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_deadline_id'), ['deadline_id'], unique=False)
        batch_op.create_index('ix_outbox_due', ['state', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outbox_subscriber_id'), ['subscriber_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outbox_subscriber_id'))
        batch_op.drop_index('ix_outbox_due')
        batch_op.drop_index(batch_op.f('ix_outbox_deadline_id'))

    op.drop_table('outbox')
    with op.batch_alter_table('subscription', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscription_subscriber_id'))
        batch_op.drop_index(batch_op.f('ix_subscription_election_id'))

    op.drop_table('subscription')
    with op.batch_alter_table('subscriber', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subscriber_status'))

    op.drop_table('subscriber')
