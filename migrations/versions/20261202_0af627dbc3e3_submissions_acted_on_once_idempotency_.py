"""submissions acted on once: idempotency keys

Revision ID: 0af627dbc3e3
Revises: 2f0cd7dc92d4
Create Date: 2026-12-02 11:07:38.973489

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql  # noqa: F401


# revision identifiers, used by Alembic.
revision = '0af627dbc3e3'
down_revision = '2f0cd7dc92d4'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('submission',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=False),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('endpoint', sa.String(length=120), nullable=False),
    sa.Column('status', sa.Integer(), nullable=True),
    sa.Column('location', sa.String(length=500), nullable=True),
    sa.Column('body_enc', sa.Text(), nullable=True),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('answered_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_submission_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_submission')),
    sa.UniqueConstraint('user_id', 'key', name='one_answer_per_key')
    )
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.create_index('ix_submission_created_at', ['created_at'], unique=False)



def downgrade():
    with op.batch_alter_table('submission', schema=None) as batch_op:
        batch_op.drop_index('ix_submission_created_at')

    op.drop_table('submission')
