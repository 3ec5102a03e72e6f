"""The indexes on other domains' tables that the office's aggregates need. They are declared
here, beside the queries that use them, so the domains that own the tables need not know about
the dashboard. (The office's own tables are numbers kept as people go: office/milestones.py for
the funnel, office/period_rates.py for the rates per period; rendered charts live in core's
``chart_cache``.)

- ``ix_quiz_attempt_office_period``: certification rates read one period's attempts; the index
  holds every column the query needs (a covering index: no table lookups), in GROUP BY order.
- ``ix_user_account_office_cohort`` (created_at, birth_year, id): the funnel's cohort (accounts
  created in the period, of an age group) read from the index alone (migration 0015; it replaced
  0012's ``ix_user_account_created_at``, its prefix).
- ``ix_user_role_office_learners`` (name, user_id): the learner accounts, from the index alone,
  when the whole cohort is asked for ("everything").
- ``ix_visit_booking_office_waitlist`` (status, session_id, seats): the seats waitlisted per
  session, from the index alone (migration 0015).
- ``ix_visit_attendance_office_marks`` (booking_id, person, attended): present / absent per
  booking (the visits' tables) and "attended a visit" (the funnel), from the index alone.
- ``ix_audit_entry_created_at``: the audit log, newest first, by date range.
- ``ix_lesson_progress_user_course_done``: "finished a course" counts a person's completed
  lessons per course.
"""

from sqlalchemy import Index

from learnapp.auth.models import AuditEntry, User, UserRole
from learnapp.courses.models import LessonProgress
from learnapp.quizzes.models import QuizAttempt
from learnapp.visits.models import Attendance, Booking

INDEXES = (
    Index("ix_quiz_attempt_office_period", QuizAttempt.submitted_at, QuizAttempt.tier_id, QuizAttempt.audience,
          QuizAttempt.user_id, QuizAttempt.passed),
    Index("ix_user_account_office_cohort", User.created_at, User.birth_year, User.id),
    Index("ix_user_role_office_learners", UserRole.name, UserRole.user_id),
    Index("ix_visit_booking_office_waitlist", Booking.status, Booking.session_id, Booking.seats),
    Index("ix_visit_attendance_office_marks", Attendance.booking_id, Attendance.person, Attendance.attended),
    Index("ix_audit_entry_created_at", AuditEntry.created_at),
    Index("ix_lesson_progress_user_course_done", LessonProgress.user_id, LessonProgress.course_id,
          LessonProgress.completed_version_id),
)
