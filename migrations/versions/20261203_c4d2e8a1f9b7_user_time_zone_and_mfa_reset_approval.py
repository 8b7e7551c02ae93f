"""the user's time zone, and MFA resets that wait for a second administrator's approval

Revision ID: c4d2e8a1f9b7
Revises: c4e5f6a7b8d9
Create Date: 2026-12-03 16:10:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c4d2e8a1f9b7'
down_revision = 'c4e5f6a7b8d9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('time_zone', sa.String(length=64), server_default='',
                                      nullable=False))
    op.create_table(
        'mfa_reset',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('user_id', sa.Uuid(), nullable=False),
        sa.Column('requested_by_id', sa.Uuid(), nullable=False),
        sa.Column('requested_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('decided_by_id', sa.Uuid(), nullable=True),
        sa.Column('decided_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('outcome', sa.String(length=20), nullable=True),
        sa.ForeignKeyConstraint(['decided_by_id'], ['user_account.id'],
                                name=op.f('fk_mfa_reset_decided_by_id_user_account')),
        sa.ForeignKeyConstraint(['requested_by_id'], ['user_account.id'],
                                name=op.f('fk_mfa_reset_requested_by_id_user_account')),
        sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], ondelete='CASCADE',
                                name=op.f('fk_mfa_reset_user_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_mfa_reset')),
    )
    with op.batch_alter_table('mfa_reset', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_mfa_reset_user_id'), ['user_id'], unique=False)


def downgrade():
    with op.batch_alter_table('mfa_reset', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_mfa_reset_user_id'))
    op.drop_table('mfa_reset')
    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('time_zone')
