"""ambassadors: levels, memberships, level changes, manifesto versions and signatures, portraits

Revision ID: 0008
Revises: 0011
Create Date: 2026-12-01 03:55:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('ambassador_scheme',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('points', sa.JSON(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('updated_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_scheme'))
    )
    op.create_table('ambassador_level',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=80), nullable=False),
    sa.Column('age_group', sa.String(length=10), nullable=False),
    sa.Column('rank', sa.Integer(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('requires', sa.JSON(), nullable=False),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_level')),
    sa.UniqueConstraint('code', name=op.f('uq_ambassador_level_code'))
    )
    with op.batch_alter_table('ambassador_level', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ambassador_level_age_group'), ['age_group'], unique=False)

    op.create_table('ambassador_manifesto_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('source', sa.String(length=10), nullable=False),
    sa.Column('published_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('grace_days', sa.Integer(), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['author_id'], ['user_account.id'], name=op.f('fk_ambassador_manifesto_version_author_id_user_account'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_manifesto_version')),
    sa.UniqueConstraint('number', name=op.f('uq_ambassador_manifesto_version_number'))
    )
    with op.batch_alter_table('ambassador_manifesto_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ambassador_manifesto_version_author_id'), ['author_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_manifesto_version_source_hash'), ['source_hash'], unique=False)

    op.create_table('ambassador_membership',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('joined_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('status_changed_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('level_rank', sa.Integer(), nullable=False),
    sa.Column('level_since', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('in_palmares', sa.Boolean(), nullable=False),
    sa.Column('in_directory', sa.Boolean(), nullable=False),
    sa.Column('preferred_contact', sa.String(length=200), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['ambassador_level.id'], name=op.f('fk_ambassador_membership_level_id_ambassador_level'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ambassador_membership_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_membership')),
    sa.UniqueConstraint('user_id', name=op.f('uq_ambassador_membership_user_id'))
    )
    with op.batch_alter_table('ambassador_membership', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ambassador_membership_in_directory'), ['in_directory'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_membership_in_palmares'), ['in_palmares'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_membership_level_id'), ['level_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_membership_status'), ['status'], unique=False)

    op.create_table('ambassador_level_change',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('from_rank', sa.Integer(), nullable=False),
    sa.Column('to_rank', sa.Integer(), nullable=False),
    sa.Column('level_id', sa.Integer(), nullable=True),
    sa.Column('changed_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('cause', sa.String(length=120), nullable=False),
    sa.Column('facts', sa.JSON(), nullable=False),
    sa.ForeignKeyConstraint(['level_id'], ['ambassador_level.id'], name=op.f('fk_ambassador_level_change_level_id_ambassador_level'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ambassador_level_change_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_level_change'))
    )
    with op.batch_alter_table('ambassador_level_change', schema=None) as batch_op:
        batch_op.create_index('ix_ambassador_level_change_user_at', ['user_id', 'changed_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_level_change_level_id'), ['level_id'], unique=False)

    op.create_table('ambassador_signature',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('version_id', sa.Integer(), nullable=False),
    sa.Column('signed_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('consent_by', sa.String(length=10), nullable=True),
    sa.Column('parent_name', sa.String(length=200), nullable=True),
    sa.Column('parent_declaration', sa.String(length=500), nullable=True),
    sa.Column('consent_by_user_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['consent_by_user_id'], ['user_account.id'], name=op.f('fk_ambassador_signature_consent_by_user_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ambassador_signature_user_id_user_account'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['version_id'], ['ambassador_manifesto_version.id'], name=op.f('fk_ambassador_signature_version_id_ambassador_manifesto_version')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_signature')),
    sa.UniqueConstraint('user_id', 'version_id', name='uq_ambassador_signature_user_version')
    )
    with op.batch_alter_table('ambassador_signature', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ambassador_signature_consent_by_user_id'), ['consent_by_user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_signature_user_id'), ['user_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_signature_version_id'), ['version_id'], unique=False)

    op.create_table('ambassador_portrait',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.String(length=600), nullable=False),
    sa.Column('places', sa.String(length=300), nullable=False),
    sa.Column('photo', sa.LargeBinary(), nullable=True),
    sa.Column('photo_mime', sa.String(length=20), nullable=True),
    sa.Column('photo_sha256', sa.String(length=64), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('submitted_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('reviewed_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('reviewer_id', sa.Integer(), nullable=True),
    sa.Column('review_note', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_ambassador_portrait_reviewer_id_user_account'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_ambassador_portrait_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ambassador_portrait')),
    sa.UniqueConstraint('user_id', name=op.f('uq_ambassador_portrait_user_id'))
    )
    with op.batch_alter_table('ambassador_portrait', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ambassador_portrait_reviewer_id'), ['reviewer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_ambassador_portrait_status'), ['status'], unique=False)


def downgrade():
    op.drop_table('ambassador_portrait')
    op.drop_table('ambassador_signature')
    op.drop_table('ambassador_level_change')
    op.drop_table('ambassador_membership')
    op.drop_table('ambassador_manifesto_version')
    op.drop_table('ambassador_level')
    op.drop_table('ambassador_scheme')
