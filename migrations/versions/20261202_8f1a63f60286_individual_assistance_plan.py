"""the individual assistance plan: needs and risk assessments, the danger flag, goals,
actions, versions agreed with the person, and the person's feedback

Revision ID: 8f1a63f60286
Revises: 2200d8b4ffcb
Create Date: 2026-12-02 10:28:22.259130

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql  # noqa: F401

# revision identifiers, used by Alembic.
revision = '8f1a63f60286'
down_revision = '2200d8b4ffcb'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('assistance_plan',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('activated_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('next_review_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('review_reason', sa.String(length=20), nullable=True),
    sa.Column('closed_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status = 'draft' OR (current_version > 0 AND activated_at IS NOT NULL) OR (status = 'closed' AND current_version = 0)", name=op.f('ck_assistance_plan_in_force_only_once_agreed')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_assistance_plan_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_assistance_plan_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_assistance_plan')),
    sa.UniqueConstraint('case_id', name=op.f('uq_assistance_plan_case_id'))
    )
    op.create_table('needs_assessment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('language', sa.String(length=40), nullable=False),
    sa.Column('interpreter_used', sa.Boolean(), nullable=False),
    sa.Column('assessed_by_id', sa.Uuid(), nullable=True),
    sa.Column('assessed_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['user_account.id'], name=op.f('fk_needs_assessment_assessed_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_needs_assessment_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_needs_assessment'))
    )
    with op.batch_alter_table('needs_assessment', schema=None) as batch_op:
        batch_op.create_index('ix_needs_assessment_case_id_assessed_at', ['case_id', 'assessed_at'], unique=False)

    op.create_table('person_feedback',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('agency_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('moment', sa.String(length=20), nullable=False),
    sa.Column('topic', sa.String(length=20), nullable=False),
    sa.Column('rating', sa.String(length=20), nullable=False),
    sa.Column('words_enc', sa.Text(), nullable=False),
    sa.Column('language', sa.String(length=40), nullable=True),
    sa.Column('routed_to_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('response_enc', sa.Text(), nullable=True),
    sa.Column('responded_by_id', sa.Uuid(), nullable=True),
    sa.Column('responded_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(responded_at IS NULL) = (response_enc IS NULL)', name=op.f('ck_person_feedback_answered_with_a_response')),
    sa.ForeignKeyConstraint(['agency_id'], ['agency.id'], name=op.f('fk_person_feedback_agency_id_agency')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_person_feedback_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_person_feedback_recorded_by_id_user_account')),
    sa.ForeignKeyConstraint(['responded_by_id'], ['user_account.id'], name=op.f('fk_person_feedback_responded_by_id_user_account')),
    sa.ForeignKeyConstraint(['routed_to_id'], ['user_account.id'], name=op.f('fk_person_feedback_routed_to_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_feedback'))
    )
    with op.batch_alter_table('person_feedback', schema=None) as batch_op:
        batch_op.create_index('ix_person_feedback_agency_id_responded_at', ['agency_id', 'responded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_person_feedback_case_id'), ['case_id'], unique=False)

    op.create_table('risk_assessment',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('risk_traffickers', sa.String(length=10), nullable=False),
    sa.Column('risk_retrafficking', sa.String(length=10), nullable=False),
    sa.Column('risk_self_harm', sa.String(length=10), nullable=False),
    sa.Column('risk_family', sa.String(length=10), nullable=False),
    sa.Column('person_view_enc', sa.Text(), nullable=True),
    sa.Column('notes_enc', sa.Text(), nullable=True),
    sa.Column('immediate_danger', sa.Boolean(), nullable=False),
    sa.Column('safety_measures', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('safety_plan_enc', sa.Text(), nullable=True),
    sa.Column('safety_review_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('assessed_by_id', sa.Uuid(), nullable=True),
    sa.Column('assessed_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['assessed_by_id'], ['user_account.id'], name=op.f('fk_risk_assessment_assessed_by_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_risk_assessment_case_id_case_file'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_risk_assessment'))
    )
    with op.batch_alter_table('risk_assessment', schema=None) as batch_op:
        batch_op.create_index('ix_risk_assessment_case_id_assessed_at', ['case_id', 'assessed_at'], unique=False)

    op.create_table('danger_flag',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('risk_assessment_id', sa.Uuid(), nullable=True),
    sa.Column('reason_enc', sa.Text(), nullable=False),
    sa.Column('raised_by_id', sa.Uuid(), nullable=True),
    sa.Column('raised_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('clear_reason_enc', sa.Text(), nullable=True),
    sa.Column('cleared_by_id', sa.Uuid(), nullable=True),
    sa.Column('cleared_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.CheckConstraint('(cleared_at IS NULL) = (clear_reason_enc IS NULL)', name=op.f('ck_danger_flag_cleared_with_a_reason')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_danger_flag_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['cleared_by_id'], ['user_account.id'], name=op.f('fk_danger_flag_cleared_by_id_user_account')),
    sa.ForeignKeyConstraint(['raised_by_id'], ['user_account.id'], name=op.f('fk_danger_flag_raised_by_id_user_account')),
    sa.ForeignKeyConstraint(['risk_assessment_id'], ['risk_assessment.id'], name=op.f('fk_danger_flag_risk_assessment_id_risk_assessment'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_danger_flag'))
    )
    with op.batch_alter_table('danger_flag', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_danger_flag_case_id'), ['case_id'], unique=False)
        batch_op.create_index('uq_danger_flag_open_case_id', ['case_id'], unique=True, postgresql_where=sa.text('cleared_at IS NULL'), sqlite_where=sa.text('cleared_at IS NULL'))

    op.create_table('need_item',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('assessment_id', sa.Uuid(), nullable=False),
    sa.Column('domain', sa.String(length=30), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('priority', sa.String(length=20), nullable=False),
    sa.Column('person_words_enc', sa.Text(), nullable=True),
    sa.Column('notes_enc', sa.Text(), nullable=True),
    sa.ForeignKeyConstraint(['assessment_id'], ['needs_assessment.id'], name=op.f('fk_need_item_assessment_id_needs_assessment'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_need_item')),
    sa.UniqueConstraint('assessment_id', 'domain', name=op.f('uq_need_item_assessment_id_domain'))
    )
    with op.batch_alter_table('need_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_need_item_assessment_id'), ['assessment_id'], unique=False)

    op.create_table('plan_version',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('person_present', sa.Boolean(), nullable=False),
    sa.Column('agreement', sa.String(length=20), nullable=False),
    sa.Column('person_words_enc', sa.Text(), nullable=False),
    sa.Column('disagreed_goals', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('language', sa.String(length=40), nullable=False),
    sa.Column('interpreter_used', sa.Boolean(), nullable=False),
    sa.Column('content_enc', sa.Text(), nullable=False),
    sa.Column('next_review_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('rule_version', sa.String(length=40), nullable=False),
    sa.Column('recorded_by_id', sa.Uuid(), nullable=True),
    sa.Column('recorded_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_plan_version_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['plan_id'], ['assistance_plan.id'], name=op.f('fk_plan_version_plan_id_assistance_plan'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['user_account.id'], name=op.f('fk_plan_version_recorded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_version')),
    sa.UniqueConstraint('plan_id', 'number', name=op.f('uq_plan_version_plan_id_number'))
    )
    with op.batch_alter_table('plan_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_version_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_version_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_goal',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('plan_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('need_item_id', sa.Uuid(), nullable=False),
    sa.Column('domain', sa.String(length=30), nullable=False),
    sa.Column('goal_enc', sa.Text(), nullable=False),
    sa.Column('horizon', sa.String(length=10), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('status_note_enc', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('closed_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_plan_goal_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plan_goal_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['need_item_id'], ['need_item.id'], name=op.f('fk_plan_goal_need_item_id_need_item')),
    sa.ForeignKeyConstraint(['plan_id'], ['assistance_plan.id'], name=op.f('fk_plan_goal_plan_id_assistance_plan'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_goal'))
    )
    with op.batch_alter_table('plan_goal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_goal_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_goal_plan_id'), ['plan_id'], unique=False)

    op.create_table('plan_action',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('goal_id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('description_enc', sa.Text(), nullable=False),
    sa.Column('owner_kind', sa.String(length=20), nullable=False),
    sa.Column('owner_agency_id', sa.Uuid(), nullable=True),
    sa.Column('provider_id', sa.Uuid(), nullable=True),
    sa.Column('referral_id', sa.Uuid(), nullable=True),
    sa.Column('assignee_id', sa.Uuid(), nullable=True),
    sa.Column('due_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('review_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('status_note_enc', sa.Text(), nullable=True),
    sa.Column('created_by_id', sa.Uuid(), nullable=True),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.CheckConstraint("(owner_kind = 'provider') = (provider_id IS NOT NULL)", name=op.f('ck_plan_action_provider_iff_provider_owner')),
    sa.CheckConstraint("(owner_kind = 'referral') = (referral_id IS NOT NULL)", name=op.f('ck_plan_action_referral_iff_referral_owner')),
    sa.CheckConstraint("owner_kind <> 'agency' OR owner_agency_id IS NOT NULL", name=op.f('ck_plan_action_agency_owner_names_it')),
    sa.ForeignKeyConstraint(['assignee_id'], ['user_account.id'], name=op.f('fk_plan_action_assignee_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_plan_action_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_plan_action_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['goal_id'], ['plan_goal.id'], name=op.f('fk_plan_action_goal_id_plan_goal'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_agency_id'], ['agency.id'], name=op.f('fk_plan_action_owner_agency_id_agency')),
    sa.ForeignKeyConstraint(['provider_id'], ['provider.id'], name=op.f('fk_plan_action_provider_id_provider')),
    sa.ForeignKeyConstraint(['referral_id'], ['referral.id'], name=op.f('fk_plan_action_referral_id_referral')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_plan_action'))
    )
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_plan_action_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_plan_action_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index('ix_plan_action_owner_agency_id_status', ['owner_agency_id', 'status'], unique=False)



def downgrade():
    with op.batch_alter_table('plan_action', schema=None) as batch_op:
        batch_op.drop_index('ix_plan_action_owner_agency_id_status')
        batch_op.drop_index(batch_op.f('ix_plan_action_goal_id'))
        batch_op.drop_index(batch_op.f('ix_plan_action_case_id'))

    op.drop_table('plan_action')
    with op.batch_alter_table('plan_goal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_goal_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_goal_case_id'))

    op.drop_table('plan_goal')
    with op.batch_alter_table('plan_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_plan_version_plan_id'))
        batch_op.drop_index(batch_op.f('ix_plan_version_case_id'))

    op.drop_table('plan_version')
    with op.batch_alter_table('need_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_need_item_assessment_id'))

    op.drop_table('need_item')
    with op.batch_alter_table('danger_flag', schema=None) as batch_op:
        batch_op.drop_index('uq_danger_flag_open_case_id', postgresql_where=sa.text('cleared_at IS NULL'), sqlite_where=sa.text('cleared_at IS NULL'))
        batch_op.drop_index(batch_op.f('ix_danger_flag_case_id'))

    op.drop_table('danger_flag')
    with op.batch_alter_table('risk_assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_risk_assessment_case_id_assessed_at')

    op.drop_table('risk_assessment')
    with op.batch_alter_table('person_feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_person_feedback_case_id'))
        batch_op.drop_index('ix_person_feedback_agency_id_responded_at')

    op.drop_table('person_feedback')
    with op.batch_alter_table('needs_assessment', schema=None) as batch_op:
        batch_op.drop_index('ix_needs_assessment_case_id_assessed_at')

    op.drop_table('needs_assessment')
    op.drop_table('assistance_plan')
