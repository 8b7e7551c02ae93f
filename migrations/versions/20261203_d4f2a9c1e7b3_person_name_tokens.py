"""person name tokens: blind indexes for search by part of a name and spelling variants

Each row is an HMAC of one word, prefix or spelling-variant key of a person's names
(docs/search.md); the names stay sealed. Existing people are indexed by
``flask reindex-names`` (it needs the keys, which a migration does not hold).

Revision ID: d4f2a9c1e7b3
Revises: c4d2e8a1f9b7
Create Date: 2026-12-03 16:30:00

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)

revision = 'd4f2a9c1e7b3'
down_revision = 'c4d2e8a1f9b7'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('person_name_token',
                    sa.Column('person_id', sa.Uuid(), nullable=False),
                    sa.Column('token', sa.String(length=64), nullable=False),
                    sa.ForeignKeyConstraint(['person_id'], ['person.id'], ondelete='CASCADE'),
                    sa.PrimaryKeyConstraint('person_id', 'token'))
    with op.batch_alter_table('person_name_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_person_name_token_token'), ['token'], unique=False)


def downgrade():
    with op.batch_alter_table('person_name_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_name_token_token'))
    op.drop_table('person_name_token')
