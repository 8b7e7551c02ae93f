"""break-the-glass review records what it undid

An opening judged not justified undoes the named access and the lifting of the restriction
done through it, and alerts the data protection officer; ``reverted`` keeps the counts.

Revision ID: f769bd71cb9d
Revises: 31bdf4ac239c
Create Date: 2026-12-03 11:00:00

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql  # noqa: F401
from sqlalchemy.dialects import postgresql

revision = 'f769bd71cb9d'
down_revision = '31bdf4ac239c'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('break_glass_access', schema=None) as batch_op:
        batch_op.add_column(sa.Column('reverted', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True))


def downgrade():
    with op.batch_alter_table('break_glass_access', schema=None) as batch_op:
        batch_op.drop_column('reverted')

