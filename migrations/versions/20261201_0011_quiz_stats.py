"""quiz statistics kept as attempts are graded

Revision ID: 0011
Revises: 0012
Create Date: 2026-12-01 04:00:00

The sums behind facility and discrimination (per question version), the option counts and the
per-tier counts, kept up to date by the grading service (learnapp/quizzes/tallies.py) so the
statistics pages read a few hundred rows instead of every answer. Existing attempts are added
here, by the same code as `learnapp quizzes rebuild-stats` (idempotent, may be run again).
"""
from alembic import op
import sqlalchemy as sa

import learnapp.db


revision = '0011'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('quiz_item_stat',
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('n', sa.Integer(), nullable=False),
    sa.Column('sum_x', sa.Float(), nullable=False),
    sa.Column('sum_xx', sa.Float(), nullable=False),
    sa.Column('sum_y', sa.Float(), nullable=False),
    sa.Column('sum_yy', sa.Float(), nullable=False),
    sa.Column('sum_xy', sa.Float(), nullable=False),
    sa.Column('answered', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_quiz_item_stat_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_quiz_item_stat_question_version_id_question_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_version_id', name=op.f('pk_quiz_item_stat'))
    )
    with op.batch_alter_table('quiz_item_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_item_stat_course_id'), ['course_id'], unique=False)

    op.create_table('quiz_option_stat',
    sa.Column('question_version_id', sa.Integer(), nullable=False),
    sa.Column('option_id', sa.String(length=200), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('chosen', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_quiz_option_stat_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['question_version_id'], ['question_version.id'], name=op.f('fk_quiz_option_stat_question_version_id_question_version'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('question_version_id', 'option_id', name=op.f('pk_quiz_option_stat'))
    )
    with op.batch_alter_table('quiz_option_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_option_stat_course_id'), ['course_id'], unique=False)

    op.create_table('quiz_tier_stat',
    sa.Column('tier_id', sa.Integer(), nullable=False),
    sa.Column('audience', sa.String(length=10), nullable=False),
    sa.Column('course_id', sa.Integer(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('passed_attempts', sa.Integer(), nullable=False),
    sa.Column('learners', sa.Integer(), nullable=False),
    sa.Column('passed_learners', sa.Integer(), nullable=False),
    sa.Column('scored', sa.Integer(), nullable=False),
    sa.Column('sum_score', sa.Float(), nullable=False),
    sa.Column('last_submitted_at', learnapp.db.UTCDateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['course_id'], ['course.id'], name=op.f('fk_quiz_tier_stat_course_id_course'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['tier_id'], ['quiz_tier.id'], name=op.f('fk_quiz_tier_stat_tier_id_quiz_tier'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('tier_id', 'audience', name=op.f('pk_quiz_tier_stat'))
    )
    with op.batch_alter_table('quiz_tier_stat', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_quiz_tier_stat_course_id'), ['course_id'], unique=False)

    # The backfill: only when there is something to add (a new database has no attempt).
    connection = op.get_bind()
    attempt = sa.table('quiz_attempt', sa.column('status', sa.String))
    if connection.execute(sa.select(attempt.c.status).where(attempt.c.status == 'submitted').limit(1)).first():
        from learnapp.quizzes import tallies

        tallies.rebuild(conn=connection)


def downgrade():
    for table in ('quiz_tier_stat', 'quiz_option_stat', 'quiz_item_stat'):
        with op.batch_alter_table(table, schema=None) as batch_op:
            batch_op.drop_index(batch_op.f(f'ix_{table}_course_id'))
        op.drop_table(table)
