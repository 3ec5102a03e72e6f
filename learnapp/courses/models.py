"""Courses, lessons and their versions per age group, and each learner's progress.

A lesson's text is never edited in place: every change (from the files or the browser) adds a
``LessonVersion``; the current text of a lesson for an age group is its highest version number.
Progress points at the version the learner saw, so history never changes under them.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from learnapp.db import SourcedVersionMixin, TimestampMixin, UTCDateTime
from learnapp.extensions import db


class Course(TimestampMixin, db.Model):
    __tablename__ = "course"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(80), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(Text, default="")
    cover_asset_id: Mapped[int | None] = mapped_column(
        ForeignKey("media_asset.id", ondelete="SET NULL"), index=True)
    cover_alt: Mapped[str] = mapped_column(String(300), default="")
    position: Mapped[int] = mapped_column(Integer, default=0, index=True)
    # The age groups the course is written for, e.g. ["child", "teen", "adult"].
    audiences: Mapped[list[str]] = mapped_column(JSON, default=list)
    published: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    # Image credits and sources from course.yml, shown on the course page and exported again.
    credits: Mapped[list[str]] = mapped_column(JSON, default=list)
    updated_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    lessons: Mapped[list[Lesson]] = relationship(
        back_populates="course", order_by="Lesson.position", cascade="all, delete-orphan")


class Lesson(TimestampMixin, db.Model):
    __tablename__ = "lesson"
    __table_args__ = (UniqueConstraint("course_id", "slug", name="uq_lesson_course_slug"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    slug: Mapped[str] = mapped_column(String(80))
    position: Mapped[int] = mapped_column(Integer, default=0)

    course: Mapped[Course] = relationship(back_populates="lessons")
    versions: Mapped[list[LessonVersion]] = relationship(
        back_populates="lesson", order_by="LessonVersion.number", cascade="all, delete-orphan")


class LessonVersion(SourcedVersionMixin, TimestampMixin, db.Model):
    """One text of one lesson for one age group, frozen once written."""

    __tablename__ = "lesson_version"
    __table_args__ = (
        UniqueConstraint("lesson_id", "audience", "number", name="uq_lesson_version_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    audience: Mapped[str] = mapped_column(String(10), index=True)  # child | teen | adult
    number: Mapped[int] = mapped_column(Integer)  # 1, 2, 3 … per lesson and audience
    title: Mapped[str] = mapped_column(String(200))
    minutes: Mapped[int] = mapped_column(Integer, default=5)
    objectives: Mapped[list[str]] = mapped_column(JSON, default=list)
    key_facts: Mapped[list[str]] = mapped_column(JSON, default=list)
    body_markdown: Mapped[str] = mapped_column(Text)
    # Rendered and sanitised once, when the version is written; never per request.
    body_html: Mapped[str] = mapped_column(Text)
    # source_hash, source (files | editor | restore) and author_id: SourcedVersionMixin.

    lesson: Mapped[Lesson] = relationship(back_populates="versions")


class LessonProgress(db.Model):
    """Where a learner is in a lesson, pinned to the version they saw."""

    __tablename__ = "lesson_progress"
    __table_args__ = (UniqueConstraint("user_id", "lesson_id", name="uq_lesson_progress_user_lesson"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    lesson_id: Mapped[int] = mapped_column(ForeignKey("lesson.id", ondelete="CASCADE"), index=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("course.id", ondelete="CASCADE"), index=True)
    last_version_id: Mapped[int] = mapped_column(
        ForeignKey("lesson_version.id", ondelete="RESTRICT"), index=True)
    completed_version_id: Mapped[int | None] = mapped_column(
        ForeignKey("lesson_version.id", ondelete="RESTRICT"), index=True)
    first_seen_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    completed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    last_version: Mapped[LessonVersion] = relationship(foreign_keys=[last_version_id])
    completed_version: Mapped[LessonVersion | None] = relationship(foreign_keys=[completed_version_id])
