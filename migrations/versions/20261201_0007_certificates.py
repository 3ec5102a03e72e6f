"""certificates: issuer, achievements, issued certificates

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 01:55:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db


# revision identifiers, used by Alembic.
revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('certificate_issuer',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('url', sa.String(length=300), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_issuer'))
    )
    op.create_table('certificate_achievement',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('course_slug', sa.String(length=80), nullable=False),
    sa.Column('tier_number', sa.Integer(), nullable=False),
    sa.Column('names', sa.JSON(), nullable=False),
    sa.Column('descriptions', sa.JSON(), nullable=False),
    sa.Column('criteria', sa.JSON(), nullable=False),
    sa.Column('valid_months', sa.Integer(), nullable=True),
    sa.Column('retired', sa.Boolean(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('source_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate_achievement')),
    sa.UniqueConstraint('course_slug', 'tier_number', name='uq_certificate_achievement_tier'),
    sa.UniqueConstraint('key', name=op.f('uq_certificate_achievement_key'))
    )
    with op.batch_alter_table('certificate_achievement', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_achievement_course_slug'), ['course_slug'], unique=False)

    op.create_table('certificate',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=16), nullable=False),
    sa.Column('uid', sa.String(length=36), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('achievement_id', sa.Integer(), nullable=False),
    sa.Column('generation', sa.Integer(), nullable=False),
    sa.Column('achievement_version', sa.Integer(), nullable=False),
    sa.Column('recipient_name', sa.String(length=200), nullable=False),
    sa.Column('public_name', sa.String(length=200), nullable=False),
    sa.Column('issued_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('expires_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('kid', sa.String(length=64), nullable=False),
    sa.Column('credential_jwt', sa.Text(), nullable=False),
    sa.Column('revoked_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.Column('revoked_reason', sa.String(length=500), nullable=True),
    sa.Column('superseded_by_id', sa.Integer(), nullable=True),
    sa.Column('attempt_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['achievement_id'], ['certificate_achievement.id'], name=op.f('fk_certificate_achievement_id_certificate_achievement')),
    sa.ForeignKeyConstraint(['attempt_id'], ['quiz_attempt.id'], name=op.f('fk_certificate_attempt_id_quiz_attempt'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['superseded_by_id'], ['certificate.id'], name=op.f('fk_certificate_superseded_by_id_certificate'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_certificate_user_id_user_account'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_certificate')),
    sa.UniqueConstraint('code', name=op.f('uq_certificate_code')),
    sa.UniqueConstraint('uid', name=op.f('uq_certificate_uid')),
    sa.UniqueConstraint('user_id', 'achievement_id', 'generation', name='uq_certificate_user_achievement')
    )
    with op.batch_alter_table('certificate', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_certificate_achievement_id'), ['achievement_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_attempt_id'), ['attempt_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_superseded_by_id'), ['superseded_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_certificate_user_id'), ['user_id'], unique=False)


def downgrade():
    op.drop_table('certificate')
    op.drop_table('certificate_achievement')
    op.drop_table('certificate_issuer')
