"""seal sensitive free text: privileged notes, children's views, return risks, held documents

Each column's plain text moves into ``<column>_enc``, sealed with AES-256-GCM under the
current key, bound to its table, column and row; the plain column is dropped. Downgrade
opens the values again.

Revision ID: 5e1a7c0d2b44
Revises: cf4b9c23c889
Create Date: 2026-12-01 13:40:00

"""
from alembic import op
import sqlalchemy as sa

revision = '5e1a7c0d2b44'
down_revision = 'cf4b9c23c889'
branch_labels = None
depends_on = None

# table -> (column, was it NOT NULL)
SEALED = {
    "legal_note": [("body", True)],
    "return_request": [("person_words", True)],
    "return_assessment": [("risk_notes", False), ("best_interests_determination", False)],
    "reintegration_plan": [("wellbeing", True)],
    "check_in": [("inclusion_notes", False)],
    "decision": [("best_interests", False), ("child_views", False)],
    "consent": [("child_views", False)],
    "held_item": [("description", False)],
}
BATCH = 500


def _convert(table, source, target, transform):
    """Copy every non-null value of ``source`` into ``target`` through ``transform``."""
    bind = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Uuid()), sa.column(source, sa.Text()),
                    sa.column(target, sa.Text()))
    last = None
    while True:
        query = sa.select(rows.c.id, rows.c[source]).where(rows.c[source].is_not(None))
        if last is not None:
            query = query.where(rows.c.id > last)
        batch = bind.execute(query.order_by(rows.c.id).limit(BATCH)).all()
        if not batch:
            return
        for row_id, value in batch:
            bind.execute(rows.update().where(rows.c.id == row_id)
                         .values({target: transform(value, row_id)}))
        last = batch[-1][0]


def upgrade():
    from referral.crypto import aad_for, keyring
    ring = keyring()
    for table, columns in SEALED.items():
        with op.batch_alter_table(table) as batch:
            for column, _ in columns:
                batch.add_column(sa.Column(f"{column}_enc", sa.Text(), nullable=True))
        for column, _ in columns:
            _convert(table, column, f"{column}_enc",
                     lambda value, row_id, t=table, c=column: ring.seal(value,
                                                                        aad_for(t, c, row_id)))
        with op.batch_alter_table(table) as batch:
            for column, _ in columns:
                batch.drop_column(column)


def downgrade():
    from referral.crypto import aad_for, keyring
    ring = keyring()
    for table, columns in SEALED.items():
        with op.batch_alter_table(table) as batch:
            for column, _ in columns:
                batch.add_column(sa.Column(column, sa.Text(), nullable=True))
        for column, _ in columns:
            _convert(table, f"{column}_enc", column,
                     lambda value, row_id, t=table, c=column: ring.open(value,
                                                                        aad_for(t, c, row_id)))
        with op.batch_alter_table(table) as batch:
            for column, required in columns:
                if required:
                    batch.alter_column(column, existing_type=sa.Text(), nullable=False)
                batch.drop_column(f"{column}_enc")
