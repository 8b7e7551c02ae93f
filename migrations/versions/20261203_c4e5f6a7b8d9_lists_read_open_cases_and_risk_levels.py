"""lists read open cases, the dashboard reads by risk level

A caseworker's own list reads an index of open cases by caseworker (its cost does not
grow with every case they ever had); the overdue dashboard reads one range per risk level
of an (agency, risk, due) index of open obligations; a follow-up's risk is one of the
three levels.

Revision ID: c4e5f6a7b8d9
Revises: b3e8f1a2c4d6
Create Date: 2026-12-03 14:00:00

"""
from alembic import op
import sqlalchemy as sa

revision = 'c4e5f6a7b8d9'
down_revision = 'b3e8f1a2c4d6'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE deadline SET risk = 3 WHERE risk > 3")
    op.execute("UPDATE deadline SET risk = 1 WHERE risk < 1")
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_deadline_risk_is_a_level'), 'risk BETWEEN 1 AND 3')
        batch_op.create_index('ix_deadline_pending_agency_id_risk_due_at',
                              ['agency_id', 'risk', 'due_at'], unique=False,
                              postgresql_where=sa.text("status = 'pending'"),
                              sqlite_where=sa.text("status = 'pending'"))
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.create_index('ix_case_file_open_assigned_to_id_referred_at',
                              ['assigned_to_id', 'referred_at'], unique=False,
                              postgresql_where=sa.text('closed_at IS NULL'),
                              sqlite_where=sa.text('closed_at IS NULL'))


def downgrade():
    with op.batch_alter_table('case_file', schema=None) as batch_op:
        batch_op.drop_index('ix_case_file_open_assigned_to_id_referred_at',
                            postgresql_where=sa.text('closed_at IS NULL'),
                            sqlite_where=sa.text('closed_at IS NULL'))
    with op.batch_alter_table('deadline', schema=None) as batch_op:
        batch_op.drop_index('ix_deadline_pending_agency_id_risk_due_at',
                            postgresql_where=sa.text("status = 'pending'"),
                            sqlite_where=sa.text("status = 'pending'"))
        batch_op.drop_constraint(op.f('ck_deadline_risk_is_a_level'), type_='check')
