"""seal the person's view (and request) kept with adverse steps and decisions (ID-6, RP-1)

The person's own words about a step taken against them were plain text: on the case
history (``case_transition``: the view, or the request that ended the reflection period
early), on referrals, service offers and restrictions, and inside a decision's JSON
details. Each plain value moves into ``person_view_enc``, sealed with AES-256-GCM under the
current key and bound to its table, column and row (``referral.crypto``); the plain column
(or JSON key) goes. Downgrade opens the values again.

Revision ID: f3a8d6b1c290
Revises: e7a41c9d2b58
Create Date: 2026-12-03 08:20:00

"""
import json

from alembic import op
import sqlalchemy as sa
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql

revision = 'f3a8d6b1c290'
down_revision = 'e7a41c9d2b58'
branch_labels = None
depends_on = None

TEXT = sa.Text()
JSON = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), 'postgresql')
TABLES = ("case_transition", "referral", "service_offer", "restriction")
BATCH = 500


def _convert(table, source, target, transform):
    bind = op.get_bind()
    rows = sa.table(table, sa.column("id", sa.Uuid()), sa.column(source, TEXT),
                    sa.column(target, TEXT))
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


def _decisions():
    return sa.table("decision", sa.column("id", sa.Uuid()), sa.column("details", JSON),
                    sa.column("person_view_enc", TEXT))


def upgrade():
    from referral.crypto import aad_for, keyring
    ring = keyring()

    def seal(table):
        def transform(value, row_id):
            if value == "":
                return None
            return ring.seal(value, aad_for(table, "person_view", row_id))
        return transform

    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("person_view_enc", sa.Text(), nullable=True))
        _convert(table, "person_view", "person_view_enc", seal(table))
        with op.batch_alter_table(table) as batch:
            batch.drop_column("person_view")

    with op.batch_alter_table("decision") as batch:
        batch.add_column(sa.Column("person_view_enc", sa.Text(), nullable=True))
    bind = op.get_bind()
    decisions = _decisions()
    for row_id, details in bind.execute(sa.select(decisions.c.id, decisions.c.details)).all():
        if isinstance(details, str):
            details = json.loads(details)
        if not details or "person_view" not in details:
            continue
        view = details.pop("person_view")
        bind.execute(decisions.update().where(decisions.c.id == row_id).values(
            details=details,
            person_view_enc=ring.seal(view, aad_for("decision", "person_view", row_id))
            if view else None))


def downgrade():
    from referral.crypto import aad_for, keyring
    ring = keyring()

    def open_(table):
        def transform(value, row_id):
            return ring.open(value, aad_for(table, "person_view", row_id))
        return transform

    bind = op.get_bind()
    decisions = _decisions()
    for row_id, details, token in bind.execute(sa.select(
            decisions.c.id, decisions.c.details, decisions.c.person_view_enc).where(
            decisions.c.person_view_enc.is_not(None))).all():
        if isinstance(details, str):
            details = json.loads(details)
        details = {**(details or {}),
                   "person_view": ring.open(token, aad_for("decision", "person_view", row_id))}
        bind.execute(decisions.update().where(decisions.c.id == row_id)
                     .values(details=details))
    with op.batch_alter_table("decision") as batch:
        batch.drop_column("person_view_enc")

    for table in TABLES:
        with op.batch_alter_table(table) as batch:
            batch.add_column(sa.Column("person_view", sa.Text(), nullable=True))
        _convert(table, "person_view_enc", "person_view", open_(table))
        with op.batch_alter_table(table) as batch:
            batch.drop_column("person_view_enc")
