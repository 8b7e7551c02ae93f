"""statistics series by period, and the coded referral source

Published statistics are kept per series and closed period (``published_series``), frozen
once published; a case records who referred the person as a code (``referral_source``) for
the statistics, next to the free-text ``referred_by``.

Revision ID: c5d2e8f1a9b7
Revises: c21a9e4d7b10
Create Date: 2026-12-03 16:30:00

"""
from alembic import op
import sqlalchemy as sa
import referral.database
from sqlalchemy import Text
from sqlalchemy.dialects import postgresql

revision = 'c5d2e8f1a9b7'
down_revision = 'c21a9e4d7b10'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'published_series',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('series', sa.String(length=40), nullable=False),
        sa.Column('period', sa.String(length=10), nullable=False),
        sa.Column('threshold', sa.Integer(), nullable=False),
        sa.Column('computed_at', referral.database.UTCDateTime(), nullable=False),
        sa.Column('cells', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
        sa.Column('summary', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_published_series')),
        sa.UniqueConstraint('series', 'period', 'threshold', name=op.f('uq_published_series_series_period_threshold')),
    )
    with op.batch_alter_table('published_series', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_published_series_period'), ['period'], unique=False)
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.add_column(sa.Column('referral_source', sa.String(length=30), server_default='unknown', nullable=False))


def downgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_column('referral_source')
    with op.batch_alter_table('published_series', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_published_series_period'))
    op.drop_table('published_series')
