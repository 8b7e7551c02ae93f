"""proceeding versions and revisions

An edit to a recorded proceeding names the version it was made on (``proceeding.version``):
a second, stale edit is refused instead of overwriting the first. What the proceeding said
before each edit is kept in ``proceeding_revision`` with who changed it and when.

Revision ID: a7e4c91d3b52
Revises: e7c41a9d2f05
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa
import referral.database

revision = 'a7e4c91d3b52'
down_revision = 'e7c41a9d2f05'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('proceeding', schema=None) as batch_op:
        batch_op.add_column(sa.Column('version', sa.Integer(), server_default='1',
                                      nullable=False))
    op.create_table(
        'proceeding_revision',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('proceeding_id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('status', sa.String(length=20), nullable=False),
        sa.Column('outcome', sa.Text(), nullable=True),
        sa.Column('changed_by_id', sa.Uuid(), nullable=True),
        sa.Column('changed_at', referral.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['changed_by_id'], ['user_account.id'],
                                name=op.f('fk_proceeding_revision_changed_by_id_user_account')),
        sa.ForeignKeyConstraint(['proceeding_id'], ['proceeding.id'], ondelete='CASCADE',
                                name=op.f('fk_proceeding_revision_proceeding_id_proceeding')),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_proceeding_revision')),
        sa.UniqueConstraint('proceeding_id', 'version',
                            name=op.f('uq_proceeding_revision_proceeding_id_version')),
    )
    with op.batch_alter_table('proceeding_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proceeding_revision_proceeding_id'),
                              ['proceeding_id'], unique=False)


def downgrade():
    with op.batch_alter_table('proceeding_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proceeding_revision_proceeding_id'))
    op.drop_table('proceeding_revision')
    with op.batch_alter_table('proceeding', schema=None) as batch_op:
        batch_op.drop_column('version')
