"""audit chain keyed and linked apart: audit_link, written by the chainer, not the request

The request writes its audit entry and takes no lock; a single chainer later links entries
in order with an HMAC under AUDIT_KEY (referral/audit/chain.py). The old unkeyed chain
columns leave ``audit_entry``, which is now insert-only for the application's role; the
chainer links every existing entry on its first run. Downgrade puts the unkeyed chain back
(recomputed in link order, then id order for entries not linked yet).

Revision ID: a7d1c0f3e5b2
Revises: 8f1a63f60286
Create Date: 2026-12-03 09:00:00

"""
import hashlib
import json

from alembic import op
import sqlalchemy as sa

import referral.database

revision = 'a7d1c0f3e5b2'
down_revision = '8f1a63f60286'
branch_labels = None
depends_on = None

LINK_TRIGGER = ("CREATE TRIGGER audit_link_append_only BEFORE UPDATE OR DELETE ON audit_link "
                "FOR EACH ROW EXECUTE FUNCTION audit_entry_append_only();")
APPEND_ONLY_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION USING MESSAGE = TG_TABLE_NAME || ' is append-only';
END;
$$ LANGUAGE plpgsql;
"""
OLD_FUNCTION = """
CREATE OR REPLACE FUNCTION audit_entry_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'audit_entry is append-only';
END;
$$ LANGUAGE plpgsql;
"""


def upgrade():
    op.create_table(
        'audit_link',
        sa.Column('seq', sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column('entry_id', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                  nullable=False),
        sa.Column('prev_hash', sa.String(length=64), nullable=True),
        sa.Column('entry_hash', sa.String(length=64), nullable=False),
        sa.Column('key_id', sa.String(length=16), nullable=False),
        sa.Column('linked_at', referral.database.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['entry_id'], ['audit_entry.id'],
                                name=op.f('fk_audit_link_entry_id_audit_entry')),
        sa.PrimaryKeyConstraint('seq', name=op.f('pk_audit_link')),
        sa.UniqueConstraint('entry_id', name=op.f('uq_audit_link_entry_id')))
    with op.batch_alter_table('audit_entry') as batch_op:
        batch_op.drop_constraint('uq_audit_entry_seq', type_='unique')
        batch_op.drop_column('entry_hash')
        batch_op.drop_column('prev_hash')
        batch_op.drop_column('seq')
    if op.get_bind().dialect.name == "postgresql":
        op.execute(APPEND_ONLY_FUNCTION)
        op.execute(LINK_TRIGGER)


def _old_digest(row, seq, prev):
    """The unkeyed digest of the chain before this revision."""
    payload = {
        "seq": seq, "at": row.at.isoformat(),
        "actor_id": str(row.actor_id) if row.actor_id else None, "action": row.action,
        "object_type": row.object_type, "object_id": row.object_id,
        "case_id": str(row.case_id) if row.case_id else None, "purpose": row.purpose,
        "details": row.details, "prev": prev,
    }
    blob = json.dumps(payload, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode()).hexdigest()


def downgrade():
    bind = op.get_bind()
    postgres = bind.dialect.name == "postgresql"
    if postgres:
        op.execute("DROP TRIGGER IF EXISTS audit_link_append_only ON audit_link")
    with op.batch_alter_table('audit_entry') as batch_op:
        batch_op.add_column(sa.Column('seq', sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('entry_hash', sa.String(length=64), nullable=True))
    entries = sa.table(
        'audit_entry', sa.column('id', sa.BigInteger()),
        sa.column('at', referral.database.UTCDateTime(timezone=True)),
        sa.column('actor_id', sa.Uuid()), sa.column('action', sa.String()),
        sa.column('object_type', sa.String()), sa.column('object_id', sa.String()),
        sa.column('case_id', sa.Uuid()), sa.column('purpose', sa.String()),
        sa.column('details', sa.JSON()), sa.column('seq', sa.BigInteger()),
        sa.column('prev_hash', sa.String()), sa.column('entry_hash', sa.String()))
    links = sa.table('audit_link', sa.column('seq', sa.BigInteger()),
                     sa.column('entry_id', sa.BigInteger()))
    if postgres:
        op.execute("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_append_only")
    rows = bind.execute(
        sa.select(entries).outerjoin(links, links.c.entry_id == entries.c.id)
        .order_by(sa.case((links.c.seq.is_(None), 1), else_=0), links.c.seq,
                  entries.c.id)).all()
    prev = None
    for seq, row in enumerate(rows, 1):
        digest = _old_digest(row, seq, prev)
        bind.execute(entries.update().where(entries.c.id == row.id)
                     .values(seq=seq, prev_hash=prev, entry_hash=digest))
        prev = digest
    if postgres:
        op.execute("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_append_only")
        op.execute(OLD_FUNCTION)
    with op.batch_alter_table('audit_entry') as batch_op:
        batch_op.create_unique_constraint('uq_audit_entry_seq', ['seq'])
    op.drop_table('audit_link')
