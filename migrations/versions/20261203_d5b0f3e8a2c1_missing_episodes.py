"""missing episodes: a person who goes missing, and is found again (MI-1, MI-2)

Revision ID: d5b0f3e8a2c1
Revises: c4a9e2d7f1b0
Create Date: 2026-12-03 16:40:00

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql

revision = 'd5b0f3e8a2c1'
down_revision = 'c4a9e2d7f1b0'
branch_labels = None
depends_on = None

JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')


def upgrade():
    op.create_table(
        'missing_episode',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('missing_since', referral.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('last_seen_where_enc', sa.Text(), nullable=True),
        sa.Column('circumstances_enc', sa.Text(), nullable=True),
        sa.Column('told', JSON, nullable=False),
        sa.Column('is_child', sa.Boolean(), nullable=False),
        sa.Column('reported_by_id', sa.Uuid(), nullable=False),
        sa.Column('found_at', referral.database.UTCDateTime(timezone=True), nullable=True),
        sa.Column('found_where_enc', sa.Text(), nullable=True),
        sa.Column('found_told', JSON, nullable=False),
        sa.Column('closed_by_id', sa.Uuid(), nullable=True),
        sa.Column('escalations', sa.Integer(), nullable=False),
        sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
        sa.Column('status', sa.String(length=10), nullable=False),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                                name=op.f('fk_missing_episode_case_id_case_file'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['closed_by_id'], ['user_account.id'],
                                name=op.f('fk_missing_episode_closed_by_id_user_account')),
        sa.ForeignKeyConstraint(['reported_by_id'], ['user_account.id'],
                                name=op.f('fk_missing_episode_reported_by_id_user_account')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_missing_episode')),
    )
    op.create_index('ix_missing_episode_case_id_missing_since', 'missing_episode',
                    ['case_id', 'missing_since'], unique=False)


def downgrade():
    op.drop_index('ix_missing_episode_case_id_missing_since', table_name='missing_episode')
    op.drop_table('missing_episode')
