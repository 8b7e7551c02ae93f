"""case notes and the contact log, sealed documents in chunks, person corrections

The person gains other names and contact details (sealed); notes, their corrections, the
person's correction history and documents are new tables; document content is sealed in
chunks in the database (docs/documents.md says why), stored without compression on
PostgreSQL since sealed bytes do not compress.

Revision ID: 9ca03ba9530d
Revises: 0af627dbc3e3
Create Date: 2026-12-02 10:28:46.831131

"""
from alembic import op
import sqlalchemy as sa
import referral.database  # noqa: F401  (column types used below)
from sqlalchemy import Text  # noqa: F401  (rendered unqualified in JSONB variants)
from sqlalchemy.dialects import postgresql  # noqa: F401

# revision identifiers, used by Alembic.
revision = '9ca03ba9530d'
down_revision = '0af627dbc3e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('document',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('category', sa.String(length=30), nullable=False),
    sa.Column('title_enc', sa.Text(), nullable=True),
    sa.Column('current_version', sa.Integer(), nullable=False),
    sa.Column('created_by_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_document_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_document_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document'))
    )
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.create_index('ix_document_case_id_category', ['case_id', 'category'], unique=False)

    op.create_table('person_correction',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('batch', sa.Uuid(), nullable=False),
    sa.Column('field', sa.String(length=40), nullable=False),
    sa.Column('before_enc', sa.Text(), nullable=True),
    sa.Column('after_enc', sa.Text(), nullable=True),
    sa.Column('reason_enc', sa.Text(), nullable=True),
    sa.Column('corrected_by_id', sa.Uuid(), nullable=False),
    sa.Column('corrected_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_person_correction_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['corrected_by_id'], ['user_account.id'], name=op.f('fk_person_correction_corrected_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_person_correction'))
    )
    with op.batch_alter_table('person_correction', schema=None) as batch_op:
        batch_op.create_index('ix_person_correction_case_id_corrected_at', ['case_id', 'corrected_at'], unique=False)

    op.create_table('case_note',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('case_id', sa.Uuid(), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('occurred_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('duration_minutes', sa.Integer(), nullable=True),
    sa.Column('person_present', sa.Boolean(), nullable=False),
    sa.Column('participants_enc', sa.Text(), nullable=True),
    sa.Column('interpreter_used', sa.Boolean(), nullable=False),
    sa.Column('interpreter_language', sa.String(length=20), nullable=True),
    sa.Column('body_enc', sa.Text(), nullable=True),
    sa.Column('follow_up_id', sa.Uuid(), nullable=True),
    sa.Column('shared_with_shelter', sa.Boolean(), nullable=False),
    sa.Column('shared_with_legal_aid', sa.Boolean(), nullable=False),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('author_agency_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.Column('edited_at', referral.database.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['author_agency_id'], ['agency.id'], name=op.f('fk_case_note_author_agency_id_agency')),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_case_note_author_id_user_account')),
    sa.ForeignKeyConstraint(['case_id'], ['case_file.id'], name=op.f('fk_case_note_case_id_case_file'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['follow_up_id'], ['deadline.id'], name=op.f('fk_case_note_follow_up_id_deadline'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note'))
    )
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.create_index('ix_case_note_case_id_occurred_at', ['case_id', 'occurred_at'], unique=False)

    op.create_table('document_version',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('document_id', sa.Uuid(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('filename_enc', sa.Text(), nullable=True),
    sa.Column('content_type', sa.String(length=100), nullable=False),
    sa.Column('size_bytes', sa.BigInteger(), nullable=False),
    sa.Column('chunk_size', sa.Integer(), nullable=False),
    sa.Column('chunk_count', sa.Integer(), nullable=False),
    sa.Column('data_key_enc', sa.Text(), nullable=True),
    sa.Column('stripped', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('uploaded_by_id', sa.Uuid(), nullable=False),
    sa.Column('uploaded_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['document_id'], ['document.id'], name=op.f('fk_document_version_document_id_document'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['uploaded_by_id'], ['user_account.id'], name=op.f('fk_document_version_uploaded_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_version')),
    sa.UniqueConstraint('document_id', 'number', name=op.f('uq_document_version_document_id_number'))
    )
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_document_version_document_id'), ['document_id'], unique=False)

    op.create_table('case_note_correction',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('note_id', sa.Uuid(), nullable=False),
    sa.Column('body_enc', sa.Text(), nullable=True),
    sa.Column('reason_enc', sa.Text(), nullable=True),
    sa.Column('author_id', sa.Uuid(), nullable=False),
    sa.Column('created_at', referral.database.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_case_note_correction_author_id_user_account')),
    sa.ForeignKeyConstraint(['note_id'], ['case_note.id'], name=op.f('fk_case_note_correction_note_id_case_note'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_note_correction'))
    )
    with op.batch_alter_table('case_note_correction', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_note_correction_note_id'), ['note_id'], unique=False)

    op.create_table('document_chunk',
    sa.Column('id', sa.Uuid(), nullable=False),
    sa.Column('version_id', sa.Uuid(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.ForeignKeyConstraint(['version_id'], ['document_version.id'], name=op.f('fk_document_chunk_version_id_document_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_document_chunk')),
    sa.UniqueConstraint('version_id', 'seq', name=op.f('uq_document_chunk_version_id_seq'))
    )
    if op.get_bind().dialect.name == "postgresql":
        # Sealed chunks are random bytes: keep them out of line, never try to compress them.
        op.execute("ALTER TABLE document_chunk ALTER COLUMN data SET STORAGE EXTERNAL")
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.add_column(sa.Column('aliases_enc', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('contact_enc', sa.Text(), nullable=True))


def downgrade():
    with op.batch_alter_table('person', schema=None) as batch_op:
        batch_op.drop_column('contact_enc')
        batch_op.drop_column('aliases_enc')

    op.drop_table('document_chunk')
    with op.batch_alter_table('case_note_correction', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_note_correction_note_id'))

    op.drop_table('case_note_correction')
    with op.batch_alter_table('document_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_document_version_document_id'))

    op.drop_table('document_version')
    with op.batch_alter_table('case_note', schema=None) as batch_op:
        batch_op.drop_index('ix_case_note_case_id_occurred_at')

    op.drop_table('case_note')
    with op.batch_alter_table('person_correction', schema=None) as batch_op:
        batch_op.drop_index('ix_person_correction_case_id_corrected_at')

    op.drop_table('person_correction')
    with op.batch_alter_table('document', schema=None) as batch_op:
        batch_op.drop_index('ix_document_case_id_category')

    op.drop_table('document')
