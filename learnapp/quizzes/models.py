"""Quiz tiers, versioned questions, attempts and the answers in them.

A question is never edited in place: each change adds a ``QuestionVersion``. An attempt's items
point at the versions they drew, so a review and a score never change afterwards.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import SourcedVersionMixin, TimestampMixin, UTCDateTime
from learnapp.extensions import db


class QuizTier(db.Model):
    __tablename__ = "quiz_tier"
    __table_args__ = (UniqueConstraint("course_id", "number", name="uq_quiz_tier_course_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 …
    name: Mapped[str] = mapped_column(String(80))  # Découverte, Confirmé, Expert
    questions_per_attempt: Mapped[int] = mapped_column(Integer)
    pass_mark: Mapped[int] = mapped_column(Integer)  # percent
    time_limit_seconds: Mapped[int | None] = mapped_column(Integer)
    max_attempts: Mapped[int | None] = mapped_column(Integer)
    cooldown_seconds: Mapped[int] = mapped_column(Integer, default=0)
    show_answers: Mapped[bool] = mapped_column(Boolean, default=True)
    requires_course_done: Mapped[bool] = mapped_column(Boolean, default=True)
    requires_previous_tier: Mapped[bool] = mapped_column(Boolean, default=True)
    source_hash: Mapped[str] = mapped_column(String(64), default="")


class Question(TimestampMixin, db.Model):
    __tablename__ = "question"
    __table_args__ = (UniqueConstraint("course_id", "key", name="uq_question_course_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(120))  # stable id from the files, e.g. "maree-1"
    # A question removed from the files is retired (never drawn again), not deleted: old
    # attempts still point at its versions.
    retired: Mapped[bool] = mapped_column(Boolean, default=False, index=True)

    versions: Mapped[list[QuestionVersion]] = relationship(
        back_populates="question", order_by="QuestionVersion.number", cascade="all, delete-orphan")


class QuestionVersion(SourcedVersionMixin, TimestampMixin, db.Model):
    __tablename__ = "question_version"
    __table_args__ = (UniqueConstraint("question_id", "number", name="uq_question_version_number"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    question_id: Mapped[int] = mapped_column(ForeignKey("question.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    type: Mapped[str] = mapped_column(String(20), index=True)  # a key of the type registry
    tiers: Mapped[list[int]] = mapped_column(JSON, default=list)
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    lesson_slug: Mapped[str | None] = mapped_column(String(80))
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    prompt_markdown: Mapped[str] = mapped_column(Text)
    prompt_html: Mapped[str] = mapped_column(Text)  # rendered once, sanitised
    explanation_markdown: Mapped[str] = mapped_column(Text, default="")
    explanation_html: Mapped[str] = mapped_column(Text, default="")
    # The type's own data (choices with ids, correct answers, tolerance …), validated by the type.
    definition: Mapped[dict] = mapped_column(JSON)
    # source_hash, source (files | gift | editor) and author_id: SourcedVersionMixin.

    question: Mapped[Question] = relationship(back_populates="versions")


class QuizAttempt(db.Model):
    __tablename__ = "quiz_attempt"
    __table_args__ = (
        # The n-th attempt of a learner at a tier exists once: two clicks on "start" cannot
        # open two attempts.
        UniqueConstraint("user_id", "tier_id", "number", name="uq_quiz_attempt_user_tier_number"),
        Index("ix_quiz_attempt_tier_submitted", "tier_id", "submitted_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    tier_id: Mapped[int] = mapped_column(ForeignKey("quiz_tier.id", ondelete="CASCADE"), index=True)
    number: Mapped[int] = mapped_column(Integer)
    audience: Mapped[str] = mapped_column(String(10), index=True)
    seed: Mapped[int] = mapped_column(Integer)  # draws and shuffles are reproducible from it
    status: Mapped[str] = mapped_column(String(12), default="open", index=True)  # open | submitted
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    score: Mapped[float | None] = mapped_column(Float)  # percent, 0-100
    passed: Mapped[bool | None] = mapped_column(Boolean, index=True)

    tier: Mapped[QuizTier] = relationship()
    items: Mapped[list[AttemptItem]] = relationship(
        back_populates="attempt", order_by="AttemptItem.position", cascade="all, delete-orphan")


class AttemptItem(db.Model):
    __tablename__ = "attempt_item"
    __table_args__ = (UniqueConstraint("attempt_id", "position", name="uq_attempt_item_position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    attempt_id: Mapped[int] = mapped_column(ForeignKey("quiz_attempt.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_version.id", ondelete="RESTRICT"), index=True)
    # How this learner sees it: shuffled choice ids, ordering start, etc.
    presentation: Mapped[dict] = mapped_column(JSON, default=dict)
    answer: Mapped[dict | None] = mapped_column(JSON)  # saved as the learner goes
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    credit: Mapped[float | None] = mapped_column(Float)  # 0.0-1.0 once graded

    attempt: Mapped[QuizAttempt] = relationship(back_populates="items")
    question_version: Mapped[QuestionVersion] = relationship()


# Kept statistics ---------------------------------------------------------------------------------
# Sums and counts the statistics pages read, kept up to date by ``tallies.record_graded`` in the
# transaction that grades an attempt (and rebuilt from the raw rows by ``learnapp quizzes
# rebuild-stats``), so a page reads a few hundred rows whatever the number of attempts.

class QuizItemStat(db.Model):
    """Per question version, over submitted attempts: x = credit on the item, y = the rest of the
    attempt's score (the other items' credit); ``answered``: items of a choice type with an answer."""

    __tablename__ = "quiz_item_stat"

    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_version.id", ondelete="CASCADE"), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    n: Mapped[int] = mapped_column(Integer, default=0)
    sum_x: Mapped[float] = mapped_column(Float, default=0.0)
    sum_xx: Mapped[float] = mapped_column(Float, default=0.0)
    sum_y: Mapped[float] = mapped_column(Float, default=0.0)
    sum_yy: Mapped[float] = mapped_column(Float, default=0.0)
    sum_xy: Mapped[float] = mapped_column(Float, default=0.0)
    answered: Mapped[int] = mapped_column(Integer, default=0)


class QuizOptionStat(db.Model):
    """How many submitted items chose each option of a choice question version."""

    __tablename__ = "quiz_option_stat"

    question_version_id: Mapped[int] = mapped_column(
        ForeignKey("question_version.id", ondelete="CASCADE"), primary_key=True)
    option_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    chosen: Mapped[int] = mapped_column(Integer, default=0)


class QuizTierStat(db.Model):
    """Per tier and age group (the learner's group when they took the attempt): submitted
    attempts, passed ones, distinct learners and those who passed, the scores' sum."""

    __tablename__ = "quiz_tier_stat"

    tier_id: Mapped[int] = mapped_column(ForeignKey("quiz_tier.id", ondelete="CASCADE"), primary_key=True)
    audience: Mapped[str] = mapped_column(String(10), primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    passed_attempts: Mapped[int] = mapped_column(Integer, default=0)
    learners: Mapped[int] = mapped_column(Integer, default=0)
    passed_learners: Mapped[int] = mapped_column(Integer, default=0)
    scored: Mapped[int] = mapped_column(Integer, default=0)  # attempts with a score (the mean's count)
    sum_score: Mapped[float] = mapped_column(Float, default=0.0)
    last_submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
