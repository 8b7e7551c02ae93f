"""key sentinels: the keys must fit the database at start-up

The table only; the app writes each key's sentinel the first time it starts with that key,
after checking the key opens the values already sealed under its id (referral/keys).

Revision ID: 2200d8b4ffcb
Revises: 9ca03ba9530d
Create Date: 2026-12-02 10:16:20.705998

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql  # noqa: F401


# revision identifiers, used by Alembic.
revision = '2200d8b4ffcb'
down_revision = '9ca03ba9530d'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('key_sentinel',
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('value', sa.Text(), nullable=False),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_key_sentinel'))
    )


def downgrade():
    op.drop_table('key_sentinel')
