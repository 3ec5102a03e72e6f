"""office: covering indexes for the funnel's cohort (accounts, learner roles) and the visits' tables (waitlist, marks)

Revision ID: 0015
Revises: 0009
Create Date: 2026-12-02 01:30:00

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade():
    # office/models.py: the cohort (accounts created in the period, of an age group) read from the
    # index alone; it replaces 0012's index on created_at alone (its prefix).
    op.create_index('ix_user_account_office_cohort', 'user_account', ['created_at', 'birth_year', 'id'],
                    unique=False)
    op.drop_index('ix_user_account_created_at', table_name='user_account')
    op.create_index('ix_user_role_office_learners', 'user_role', ['name', 'user_id'], unique=False)
    # The visits' tables: seats waitlisted and people marked per session, from the indexes alone.
    op.create_index('ix_visit_booking_office_waitlist', 'visit_booking', ['status', 'session_id', 'seats'],
                    unique=False)
    op.create_index('ix_visit_attendance_office_marks', 'visit_attendance', ['booking_id', 'person', 'attended'],
                    unique=False)


def downgrade():
    op.drop_index('ix_visit_attendance_office_marks', table_name='visit_attendance')
    op.drop_index('ix_visit_booking_office_waitlist', table_name='visit_booking')
    op.drop_index('ix_user_role_office_learners', table_name='user_role')
    op.create_index('ix_user_account_created_at', 'user_account', ['created_at'], unique=False)
    op.drop_index('ix_user_account_office_cohort', table_name='user_account')
