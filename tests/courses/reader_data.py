"""Courses built straight from the models for the learner-page tests (no loader needed)."""

from __future__ import annotations

import hashlib
from datetime import datetime

from learnapp.courses.models import Course, Lesson, LessonVersion
from learnapp.extensions import db

AUDIENCES = ("child", "teen", "adult")


def add_version(lesson: Lesson, audience: str, now: datetime, *, title: str | None = None,
                body: str | None = None, number: int | None = None, minutes: int = 5,
                objectives=(), key_facts=()) -> LessonVersion:
    """A new current text of ``lesson`` for ``audience`` (body_html: already sanitised HTML)."""
    if number is None:
        number = 1 + max((v.number for v in lesson.versions if v.audience == audience), default=0)
    title = title or f"{lesson.slug} ({audience})"
    body = body or f"<p>Texte {audience} de {lesson.slug}, version {number}.</p>"
    version = LessonVersion(
        lesson=lesson, audience=audience, number=number, title=title, minutes=minutes,
        objectives=list(objectives), key_facts=list(key_facts), body_markdown=body, body_html=body,
        source_hash=hashlib.sha256(f"{lesson.slug}{audience}{number}{body}".encode()).hexdigest(),
        source="files", created_at=now)
    db.session.add(version)
    db.session.flush()
    return version


def make_course(now: datetime, *, slug: str = "granville", title: str = "Granville Terre et Mer",
                lessons=("les-marees", "chausey", "haute-ville"), audiences=AUDIENCES,
                published: bool = True, position: int = 1, summary: str = "Les marées, Chausey…") -> Course:
    """A course whose every lesson has a text for each of ``audiences``; committed."""
    course = Course(slug=slug, title=title, summary=summary, audiences=list(AUDIENCES),
                    published=published, position=position, cover_alt="", created_at=now)
    db.session.add(course)
    for position_, lesson_slug in enumerate(lessons, start=1):
        lesson = Lesson(course=course, slug=lesson_slug, position=position_, created_at=now)
        db.session.add(lesson)
        db.session.flush()
        for audience in audiences:
            add_version(lesson, audience, now)
    db.session.commit()
    return course
