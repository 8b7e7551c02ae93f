"""recipients typed by category (DP-1)

A consent records the kind of recipient (authority, court, prosecutor, NGO, service
provider, family, employer, media ...); the media is refused by category whatever the name.
Provider directory entries carry their category; existing entries are service providers.

Revision ID: d58e2f1b7a93
Revises: c41d7a9e2b15
Create Date: 2026-12-03 16:50:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'd58e2f1b7a93'
down_revision = 'c41d7a9e2b15'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recipient_category', sa.String(length=30),
                                      nullable=True))
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category', sa.String(length=30),
                                      server_default='service_provider', nullable=False))
    # Consents to a directory entry take the entry's category.
    op.execute("UPDATE consent SET recipient_category = 'service_provider' "
               "WHERE provider_id IS NOT NULL")


def downgrade():
    with op.batch_alter_table('provider', schema=None) as batch_op:
        batch_op.drop_column('category')
    with op.batch_alter_table('consent', schema=None) as batch_op:
        batch_op.drop_column('recipient_category')
