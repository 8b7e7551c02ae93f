"""asylum claims, permits and compensation claims move on, with their history (RR-2, DP-5)

A ``claim_step`` row for every step a claim takes (who, when, why, a sealed note). Each
permit or claim already on file gets a first row recording it as it stands. Compensation
claims that were ``open`` are ``filed``: the lifecycle is filed -> awarded -> paid, or
refused or withdrawn (``workflows.claims``).

Revision ID: e7c41a9d2f05
Revises: c5d2e8f1a9b7
Create Date: 2026-12-03 08:00:00

"""
import uuid

from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)

revision = 'e7c41a9d2f05'
down_revision = 'c5d2e8f1a9b7'
branch_labels = None
depends_on = None

WHEN = referral.database.UTCDateTime(timezone=True)


def upgrade():
    op.create_table(
        'claim_step',
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('case_id', sa.Uuid(), nullable=False),
        sa.Column('permit_id', sa.Uuid(), nullable=True),
        sa.Column('compensation_id', sa.Uuid(), nullable=True),
        sa.Column('step', sa.String(length=20), nullable=False),
        sa.Column('from_status', sa.String(length=20), nullable=True),
        sa.Column('to_status', sa.String(length=20), nullable=False),
        sa.Column('at', WHEN, nullable=False),
        sa.Column('recorded_at', WHEN, nullable=False),
        sa.Column('actor_id', sa.Uuid(), nullable=True),
        sa.Column('reason_enc', sa.Text(), nullable=True),
        sa.Column('note_enc', sa.Text(), nullable=True),
        sa.Column('expires_at', WHEN, nullable=True),
        sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=True),
        sa.ForeignKeyConstraint(['actor_id'], ['user_account.id'],
                                name=op.f('fk_claim_step_actor_id_user_account')),
        sa.ForeignKeyConstraint(['case_id'], ['case_file.id'],
                                name=op.f('fk_claim_step_case_id_case_file'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['compensation_id'], ['compensation_claim.id'],
                                name=op.f('fk_claim_step_compensation_id_compensation_claim'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['permit_id'], ['residence_permit.id'],
                                name=op.f('fk_claim_step_permit_id_residence_permit'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_step')),
    )
    op.create_index(op.f('ix_claim_step_case_id'), 'claim_step', ['case_id'], unique=False)
    op.create_index(op.f('ix_claim_step_permit_id'), 'claim_step', ['permit_id'],
                    unique=False)
    op.create_index(op.f('ix_claim_step_compensation_id'), 'claim_step', ['compensation_id'],
                    unique=False)

    bind = op.get_bind()
    claims = sa.table('compensation_claim', sa.column('id', sa.Uuid()),
                      sa.column('case_id', sa.Uuid()), sa.column('status', sa.String()),
                      sa.column('amount_claimed', sa.Numeric(14, 2)),
                      sa.column('created_at', WHEN))
    permits = sa.table('residence_permit', sa.column('id', sa.Uuid()),
                       sa.column('case_id', sa.Uuid()), sa.column('status', sa.String()),
                       sa.column('expires_at', WHEN), sa.column('created_at', WHEN))
    steps = sa.table('claim_step', sa.column('id', sa.Uuid()), sa.column('case_id', sa.Uuid()),
                     sa.column('permit_id', sa.Uuid()), sa.column('compensation_id', sa.Uuid()),
                     sa.column('step', sa.String()), sa.column('from_status', sa.String()),
                     sa.column('to_status', sa.String()), sa.column('at', WHEN),
                     sa.column('recorded_at', WHEN), sa.column('expires_at', WHEN),
                     sa.column('amount', sa.Numeric(14, 2)))
    bind.execute(claims.update().where(claims.c.status.in_(('open', 'pending', 'appeal')))
                 .values(status='filed'))
    for row in bind.execute(sa.select(claims)).all():
        bind.execute(steps.insert().values(
            id=uuid.uuid4(), case_id=row.case_id, compensation_id=row.id, step='record',
            to_status=row.status, at=row.created_at, recorded_at=row.created_at,
            amount=row.amount_claimed))
    for row in bind.execute(sa.select(permits)).all():
        bind.execute(steps.insert().values(
            id=uuid.uuid4(), case_id=row.case_id, permit_id=row.id, step='record',
            to_status=row.status, at=row.created_at, recorded_at=row.created_at,
            expires_at=row.expires_at))


def downgrade():
    claims = sa.table('compensation_claim', sa.column('status', sa.String()))
    op.get_bind().execute(claims.update().where(claims.c.status.in_(('filed', 'awarded')))
                          .values(status='open'))
    op.drop_index(op.f('ix_claim_step_compensation_id'), table_name='claim_step')
    op.drop_index(op.f('ix_claim_step_permit_id'), table_name='claim_step')
    op.drop_index(op.f('ix_claim_step_case_id'), table_name='claim_step')
    op.drop_table('claim_step')
