"""adverse steps take a reason code and the person's view

Rejecting or revoking a referral, declining or withdrawing a service offer and imposing a
restriction of movement record a code from the action's closed list (workflows/reasons.py)
and the person's view (ID-6, NC-3).

Revision ID: c41d7a9e2b15
Revises: d5b0f3e8a2c1
Create Date: 2026-12-03 16:20:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c41d7a9e2b15'
down_revision = 'd5b0f3e8a2c1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=40), nullable=True))
    with op.batch_alter_table('service_offer', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('person_view', sa.Text(), nullable=True))
    with op.batch_alter_table('restriction', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reason_code', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('person_view', sa.Text(), nullable=True))
    with op.batch_alter_table('refused_attempt', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reviewed_by_id', sa.Uuid(), nullable=True))
        batch_op.create_foreign_key('fk_refused_attempt_reviewed_by_id_user_account',
                                    'user_account', ['reviewed_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('refused_attempt', schema=None) as batch_op:
        batch_op.drop_constraint('fk_refused_attempt_reviewed_by_id_user_account',
                                 type_='foreignkey')
        batch_op.drop_column('reviewed_by_id')
    with op.batch_alter_table('restriction', schema=None) as batch_op:
        batch_op.drop_column('person_view')
        batch_op.drop_column('reason_code')
    with op.batch_alter_table('service_offer', schema=None) as batch_op:
        batch_op.drop_column('person_view')
        batch_op.drop_column('reason_code')
    with op.batch_alter_table('referral', schema=None) as batch_op:
        batch_op.drop_column('reason_code')
