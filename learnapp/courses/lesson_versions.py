"""Lesson texts: write a new version of a lesson's text for one age group, read the current ones.

Services flush, never commit: the command or the view commits once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import func, select

from learnapp.core import age_groups, markdown
from learnapp.core.problems import Problem
from learnapp.core.signals import lessons_changed
from learnapp.courses.loader import BODY_MAX, check_lesson_fields, field_problem
from learnapp.courses.models import Lesson, LessonVersion
from learnapp.extensions import db

SOURCES = ("files", "editor", "restore")


class InvalidLessonText(ValueError):
    """The text cannot be stored: ``problems`` lists why (field problems and Markdown problems)."""

    def __init__(self, problems: list[Problem]):
        super().__init__("; ".join(problem.message for problem in problems))
        self.problems = problems


def source_hash(*, title: str, minutes: int, objectives: Iterable[str], key_facts: Iterable[str],
                body_markdown: str) -> str:
    """What makes two texts "the same": their fields and body, whatever the YAML layout."""
    canonical = json.dumps({"title": title, "minutes": minutes, "objectives": list(objectives),
                            "key_facts": list(key_facts), "body": body_markdown},
                           ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def current_version(lesson: Lesson, audience: str) -> LessonVersion | None:
    return db.session.scalar(
        select(LessonVersion).where(LessonVersion.lesson_id == lesson.id, LessonVersion.audience == audience)
        .order_by(LessonVersion.number.desc()).limit(1))


def current_versions_by_lesson(lesson_ids: Iterable[int]) -> dict[int, dict[str, LessonVersion]]:
    """{lesson id: {audience: its highest version}} in one query (a course page's lessons)."""
    ids = list(lesson_ids)
    if not ids:
        return {}
    latest = (select(LessonVersion.lesson_id, LessonVersion.audience,
                     func.max(LessonVersion.number).label("number"))
              .where(LessonVersion.lesson_id.in_(ids))
              .group_by(LessonVersion.lesson_id, LessonVersion.audience).subquery())
    rows = db.session.scalars(
        select(LessonVersion).join(latest, (LessonVersion.lesson_id == latest.c.lesson_id)
                                   & (LessonVersion.audience == latest.c.audience)
                                   & (LessonVersion.number == latest.c.number)))
    found: dict[int, dict[str, LessonVersion]] = {lesson_id: {} for lesson_id in ids}
    for version in rows:
        found[version.lesson_id][version.audience] = version
    return found


def current_versions(lesson: Lesson) -> dict[str, LessonVersion]:
    """{audience: the lesson's current text for that age group}; groups without text are absent."""
    return current_versions_by_lesson([lesson.id])[lesson.id]


def add_lesson_version(lesson: Lesson, audience: str, *, title: str, minutes: int, objectives: list[str],
                       key_facts: list[str], body_markdown: str, source: str, author, now: datetime
                       ) -> LessonVersion | None:
    """Add the next version of ``lesson``'s text for ``audience``, rendered once here.

    Returns None (and adds nothing) when the text is identical to the current version. Raises
    :class:`InvalidLessonText` when a field or the Markdown has a problem (nothing is added).
    Images are named ``media:<sha256>.<ext>`` (see learnapp.core.markdown).
    """
    if not age_groups.is_group(audience):
        raise ValueError(f"unknown audience {audience!r}")
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}")
    objectives, key_facts = list(objectives or []), list(key_facts or [])
    problems: list[Problem] = list(check_lesson_fields(
        title=title, minutes=minutes, objectives=objectives, key_facts=key_facts))
    if len(body_markdown) > BODY_MAX:
        raise InvalidLessonText([*problems, field_problem("body", "too_long", {"max": BODY_MAX})])
    rendered = markdown.render(body_markdown)
    problems += rendered.problems
    if problems:
        raise InvalidLessonText(problems)
    digest = source_hash(title=title, minutes=minutes, objectives=objectives, key_facts=key_facts,
                         body_markdown=body_markdown)
    if lesson.id is None:
        db.session.flush()
    current = current_version(lesson, audience)
    if current is not None and current.source_hash == digest:
        return None
    first_text = current is None and not db.session.scalar(
        select(LessonVersion.id).where(LessonVersion.lesson_id == lesson.id).limit(1))
    version = LessonVersion(
        lesson=lesson, audience=audience, number=(current.number + 1) if current else 1, title=title,
        minutes=minutes, objectives=objectives, key_facts=key_facts, body_markdown=body_markdown,
        body_html=rendered.html, source_hash=digest, source=source,
        author_id=author.id if author is not None else None, created_at=now)
    db.session.add(version)
    db.session.flush()
    if first_text:
        lessons_changed.send(lesson)  # the lesson now counts in "finished a course"
    return version
