"""sign-in and code throttle per source; pending TOTP key on the server

Failed passwords and one-time codes are counted in ``auth_throttle`` per account, check and
source (hashed), replacing the account-wide ``locked_until`` that let anyone keep an account
locked. The TOTP key being set up waits, sealed, in the browser's ``web_session`` row
instead of the cookie.

Revision ID: 31bdf4ac239c
Revises: a7d1c0f3e5b2
Create Date: 2026-12-03 10:00:00

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql  # noqa: F401


revision = '31bdf4ac239c'
down_revision = 'a7d1c0f3e5b2'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('auth_throttle',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('subject', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Uuid(), nullable=True),
    sa.Column('purpose', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('locked_until', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('last_failure_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_auth_throttle_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_auth_throttle')),
    sa.UniqueConstraint('subject', 'purpose', 'source', name=op.f('uq_auth_throttle_subject_purpose_source'))
    )
    with op.batch_alter_table('auth_throttle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_auth_throttle_user_id'), ['user_id'], unique=False)

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.drop_column('locked_until')

    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mfa_pending_enc', sa.Text(), nullable=True))



def downgrade():
    with op.batch_alter_table('web_session', schema=None) as batch_op:
        batch_op.drop_column('mfa_pending_enc')

    with op.batch_alter_table('user_account', schema=None) as batch_op:
        batch_op.add_column(sa.Column('locked_until', referral.database.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('auth_throttle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_auth_throttle_user_id'))

    op.drop_table('auth_throttle')
