"""follow-ups re-planned start a new occurrence; failing rows set aside

Revision ID: 2f0cd7dc92d4
Revises: e82266192173
Create Date: 2026-12-02 09:53:52.077663

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql  # noqa: F401


# revision identifiers, used by Alembic.
revision = '2f0cd7dc92d4'
down_revision = 'e82266192173'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('failures', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.add_column(sa.Column('last_error', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('parked_at', referral.database.UTCDateTime(timezone=True), nullable=True))

    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.add_column(sa.Column('occurrence', sa.Integer(), server_default=sa.text('0'), nullable=False))
        batch_op.drop_constraint(batch_op.f('once_per_threshold'), type_='unique')
        batch_op.create_unique_constraint('once_per_threshold', ['deadline_id', 'occurrence', 'kind', 'days_before', 'recipient_id'])



def downgrade():
    # The older key cannot hold a second occurrence's notifications: they go with it.
    op.execute("DELETE FROM notification WHERE occurrence > 0")
    with op.batch_alter_table('notification', schema=None) as batch_op:
        batch_op.drop_constraint('once_per_threshold', type_='unique')
        batch_op.create_unique_constraint(batch_op.f('once_per_threshold'), ['deadline_id', 'kind', 'days_before', 'recipient_id'])
        batch_op.drop_column('occurrence')

    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_column('parked_at')
        batch_op.drop_column('last_error')
        batch_op.drop_column('failures')
        batch_op.drop_column('occurrence')

