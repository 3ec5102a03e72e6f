"""office: rendered charts cache; indexes the dashboard's aggregates group by

Revision ID: 0012
Revises: 0010
Create Date: 2026-12-01 04:00:00

"""
from alembic import op
import sqlalchemy as sa

import learnapp.db


# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('chart_cache',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('fmt', sa.String(length=4), nullable=False),
    sa.Column('body', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.Column('used_at', learnapp.db.UTCDateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_chart_cache'))
    )
    with op.batch_alter_table('chart_cache', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_chart_cache_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_chart_cache_used_at'), ['used_at'], unique=False)
    # office/models.py: the dashboard's aggregates.
    op.create_index('ix_quiz_attempt_office_period', 'quiz_attempt',
                    ['submitted_at', 'tier_id', 'audience', 'user_id', 'passed'], unique=False)
    op.create_index('ix_user_account_created_at', 'user_account', ['created_at'], unique=False)
    op.create_index('ix_audit_entry_created_at', 'audit_entry', ['created_at'], unique=False)
    op.create_index('ix_lesson_progress_user_course_done', 'lesson_progress',
                    ['user_id', 'course_id', 'completed_version_id'], unique=False)


def downgrade():
    op.drop_index('ix_lesson_progress_user_course_done', table_name='lesson_progress')
    op.drop_index('ix_audit_entry_created_at', table_name='audit_entry')
    op.drop_index('ix_user_account_created_at', table_name='user_account')
    op.drop_index('ix_quiz_attempt_office_period', table_name='quiz_attempt')
    with op.batch_alter_table('chart_cache', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_chart_cache_used_at'))
        batch_op.drop_index(batch_op.f('ix_chart_cache_name'))
    op.drop_table('chart_cache')
