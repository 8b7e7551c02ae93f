"""the NRM as it runs: when no-removal protection lapses and the move-on period

``protection_ends_at`` is the end of a negative decision's reconsideration window (NRM-3) or
of the move-on period after a positive final decision (NRM-4); ``move_on_started_at`` and
``move_on_ends_at`` hold that period. Existing rows keep NULL: protection holds as before.

Revision ID: c4a9e2d7f1b0
Revises: d4f2a9c1e7b3
Create Date: 2026-12-03 16:10:00

"""
from alembic import op
import sqlalchemy as sa

import referral.database

revision = 'c4a9e2d7f1b0'
down_revision = 'd4f2a9c1e7b3'
branch_labels = None
depends_on = None

COLUMNS = ("protection_ends_at", "move_on_started_at", "move_on_ends_at")


def upgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        for name in COLUMNS:
            batch_op.add_column(sa.Column(name, referral.database.UTCDateTime(timezone=True),
                                          nullable=True))


def downgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        for name in reversed(COLUMNS):
            batch_op.drop_column(name)
