"""The office owns no table of its own (rendered charts live in core's ``chart_cache``), only
indexes on other domains' tables that its aggregates need. They are declared here, beside the
queries that use them, so the domains that own the tables need not know about the dashboard.

- ``ix_quiz_attempt_office_period``: certification rates read one period's attempts; the index
  holds every column the query needs (a covering index: no table lookups), in GROUP BY order.
- ``ix_user_account_created_at``: the funnel's cohort (accounts created in the period).
- ``ix_audit_entry_created_at``: the audit log, newest first, by date range.
- ``ix_lesson_progress_user_course_done``: "finished a course" counts a person's completed
  lessons per course.
"""

from sqlalchemy import Index

from learnapp.auth.models import AuditEntry, User
from learnapp.courses.models import LessonProgress
from learnapp.quizzes.models import QuizAttempt

INDEXES = (
    Index("ix_quiz_attempt_office_period", QuizAttempt.submitted_at, QuizAttempt.tier_id, QuizAttempt.audience,
          QuizAttempt.user_id, QuizAttempt.passed),
    Index("ix_user_account_created_at", User.created_at),
    Index("ix_audit_entry_created_at", AuditEntry.created_at),
    Index("ix_lesson_progress_user_course_done", LessonProgress.user_id, LessonProgress.course_id,
          LessonProgress.completed_version_id),
)
