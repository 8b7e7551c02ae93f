"""sessions and tokens record the device and the (sealed) address

A user telling their sessions apart, or an administrator ending the one on a lost laptop,
needs to know which is which: each web session and API token keeps the client summarised
(``Firefox/Windows``, never the whole user-agent string) and the address it started from,
sealed like every other piece of personal data.

Revision ID: e7a41c9d2b58
Revises: a7e4c91d3b52
Create Date: 2026-12-03 08:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'e7a41c9d2b58'
down_revision = 'a7e4c91d3b52'
branch_labels = None
depends_on = None


def upgrade():
    for table in ('web_session', 'api_token'):
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column('device', sa.String(length=80), nullable=True))
            batch.add_column(sa.Column('address_enc', sa.Text(), nullable=True))


def downgrade():
    for table in ('web_session', 'api_token'):
        with op.batch_alter_table(table) as batch:
            batch.drop_column('address_enc')
            batch.drop_column('device')
