"""seal the remaining free text about the person: decision reasons, the non-punishment
review, the recruitment (and recruiter), reintegration plans and the rest F16 found

Each column's plain value moves into ``<column>_enc``, sealed with AES-256-GCM under the
current key and bound to its table, column and row (``referral.crypto``); the plain column
is dropped. JSON (the recruitment) is sealed as its JSON text; an empty object is stored as
nothing. Downgrade opens the values again.

Revision ID: b3e8f1a2c4d6
Revises: f769bd71cb9d
Create Date: 2026-12-03 12:00:00

"""
import json

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql

revision = 'b3e8f1a2c4d6'
down_revision = 'f769bd71cb9d'
branch_labels = None
depends_on = None

TEXT = sa.Text()
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')

# table -> [(column, its type before sealing, was it NOT NULL)]
SEALED = {
    "case_file": [("recruitment", JSON, True)],
    "person": [("gender", sa.String(length=100), False)],
    "decision": [("reasons", TEXT, True)],
    "proceeding": [("non_punishment_review", TEXT, False)],
    "information_given": [("summary", TEXT, True)],
    "cooperation_record": [("note", TEXT, False)],
    "consent": [("information_given", TEXT, True)],
    "referral": [("note", TEXT, False), ("reason", TEXT, False)],
    "case_restriction": [("reason", TEXT, True)],
    "reintegration_plan": [("economic", TEXT, True), ("social", TEXT, True),
                           ("cultural", TEXT, True), ("political", TEXT, True)],
}
BATCH = 500


def _convert(table, source, source_type, target, target_type, transform):
    """Copy every non-null value of ``source`` into ``target`` through ``transform``."""
    bind = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Uuid()), sa.column(source, source_type),
                    sa.column(target, target_type))
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

    def seal(table, column, kind):
        def transform(value, row_id):
            if kind is JSON:
                if not value:
                    return None
                value = json.dumps(value, sort_keys=True, ensure_ascii=False)
            if value == "":
                return None
            return ring.seal(value, aad_for(table, column, row_id))
        return transform

    for table, columns in SEALED.items():
        with op.batch_alter_table(table) as batch:
            for column, _, _ in columns:
                batch.add_column(sa.Column(f"{column}_enc", sa.Text(), nullable=True))
        for column, kind, _ in columns:
            _convert(table, column, kind, f"{column}_enc", TEXT, seal(table, column, kind))
        with op.batch_alter_table(table) as batch:
            for column, _, _ in columns:
                batch.drop_column(column)


def downgrade():
    from referral.crypto import aad_for, keyring
    ring = keyring()

    def open_(table, column, kind):
        def transform(value, row_id):
            text = ring.open(value, aad_for(table, column, row_id))
            return json.loads(text) if kind is JSON else text
        return transform

    bind = op.get_bind()
    for table, columns in SEALED.items():
        with op.batch_alter_table(table) as batch:
            for column, kind, _ in columns:
                batch.add_column(sa.Column(column, kind, nullable=True))
        for column, kind, required in columns:
            _convert(table, f"{column}_enc", TEXT, column, kind, open_(table, column, kind))
            if required:  # what was sealed as nothing was empty
                rows = sa.table(table, sa.column(column, kind))
                bind.execute(rows.update().where(rows.c[column].is_(None))
                             .values({column: {} if kind is JSON else ""}))
        with op.batch_alter_table(table) as batch:
            for column, kind, required in columns:
                if required:
                    batch.alter_column(column, existing_type=kind, nullable=False)
                batch.drop_column(f"{column}_enc")
